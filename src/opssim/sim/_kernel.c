/* The funnel's draw of a stretch of hours in one call (opssim.sim.kernel calls it).
 *
 * It walks the users in the order the numpy draw (FunnelGroup.flow, compiled=False) takes
 * them and computes the same keyed numbers (opssim.sim.keyed: SplitMix64's finaliser) and the
 * same delays (opssim.sim.delays.from_uniforms), so it writes the same histograms. Built with
 * -ffp-contract=off: no fused multiply-add, each operation rounded as numpy rounds it.
 *
 * Arrays are C-contiguous: histograms (member, stage, segment, hour of the run + overflow),
 * counters (member, stage, segment), arrivals and chances (member, stage, segment, hour - t0),
 * keys (member, stage, purpose: enter, enter2, churn, decide).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define M1 0xBF58476D1CE4E5B9ULL
#define M2 0x94D049BB133111EBULL
#define SEGMENT_SHIFT 40

enum { NONE, FIXED, EXPONENTIAL, LOGNORMAL, WEIBULL, UNIFORM };

static inline uint64_t bits(uint64_t key, uint64_t index) {
    uint64_t z = index * GOLDEN + key;
    z ^= z >> 30;
    z *= M1;
    z ^= z >> 27;
    z *= M2;
    z ^= z >> 31;
    return z;
}

static inline double unit(uint64_t z) { return ((double)(z >> 11) + 0.5) * 0x1p-53; }

static inline double wait_for(int64_t kind, double a, double b, double u, double u2) {
    double raw;
    switch (kind) {
    case FIXED:
        return a;
    case EXPONENTIAL:
        raw = log(u) * a;
        break;
    case LOGNORMAL:
        raw = exp(a + b * (sqrt(-2.0 * log(u)) * cos(6.283185307179586 * u2)));
        break;
    case WEIBULL:
        raw = pow(-log(u), a) * b;
        break;
    default:
        raw = a + b * u;
    }
    return raw < 1e7 ? raw : 1e7;
}

static void opssim_flow(int32_t *entered, int64_t *due, int32_t *gone, int32_t *moves, int32_t *drops,
                 uint64_t *entered_now, uint64_t *decided_now, const int64_t *arrivals,
                 const double *convert, const uint64_t *keys, const int64_t *kinds,
                 const double *params, const double *churn, int64_t n_rep, int64_t n_stages,
                 int64_t n_seg, int64_t t0, int64_t t1, int64_t horizon) {
    const int64_t hours = t1 - t0, span = horizon + 1, width = horizon + 1 - t0;
    for (int64_t r = 0; r < n_rep; r++) {
        for (int64_t s = 0; s < n_stages; s++) {
            const int64_t kind = kinds[s];
            const double a = params[2 * s], b = params[2 * s + 1], ch = churn[s];
            const int64_t row0 = (r * n_stages + s) * n_seg; /* (r, s, segment 0) */
            const uint64_t *key = keys + (r * n_stages + s) * 4;
            /* Who enters: from outside, and who moved on from the stage before. */
            for (int64_t g = 0; g < n_seg; g++) {
                const int64_t *in = arrivals + (row0 + g) * hours;
                int32_t *e = entered + (row0 + g) * span + t0;
                for (int64_t j = 0; j < hours; j++) e[j] = (int32_t)in[j];
                if (s > 0) {
                    const int32_t *before = moves + (row0 - n_seg + g) * span + t0;
                    for (int64_t j = 0; j < hours; j++) e[j] += before[j];
                }
            }
            /* Their decision's hour (and churn's, first if sooner). */
            if (kind == NONE && isnan(ch)) {
                for (int64_t g = 0; g < n_seg; g++) {
                    const int32_t *e = entered + (row0 + g) * span + t0;
                    for (int64_t j = 0; j < hours; j++) due[(row0 + g) * span + horizon] += e[j];
                }
            } else {
                for (int64_t g = 0; g < n_seg; g++) {
                    const int64_t row = (row0 + g) * span;
                    const uint64_t first = ((uint64_t)g << SEGMENT_SHIFT) + entered_now[row0 + g];
                    uint64_t index = first;
                    for (int64_t j = 0; j < hours; j++) {
                        for (int32_t k = 0; k < entered[row + t0 + j]; k++, index++) {
                            uint64_t z = bits(key[0], index);
                            const double place = ((double)(z >> 32) + 0.5) * 0x1p-32;
                            const double u = ((double)(z & 0xFFFFFFFFULL) + 0.5) * 0x1p-32;
                            double wait = INFINITY;
                            if (kind != NONE) {
                                const double u2 =
                                    kind == LOGNORMAL ? unit(bits(key[1], index)) : 0.0;
                                wait = wait_for(kind, a, b, u, u2);
                            }
                            int churned = 0;
                            if (!isnan(ch)) {
                                const double leave = log(unit(bits(key[2], index))) * -ch;
                                churned = leave < wait;
                                if (leave < wait) wait = leave;
                            }
                            double after = floor(place + wait);
                            if (!(after < (double)width)) after = (double)width;
                            int64_t at = t0 + j + (int64_t)after;
                            if (at > horizon) at = horizon;
                            if (churned) gone[row + at] += 1;
                            else due[row + at] += 1;
                        }
                    }
                    entered_now[row0 + g] += index - first;
                }
            }
            /* Who decides now: each moves on if their keyed uniform falls under the chance. */
            int live = 0, waiting = 0;
            for (int64_t g = 0; g < n_seg; g++) {
                const double *p = convert + (row0 + g) * hours;
                const int64_t *d = due + (row0 + g) * span + t0;
                for (int64_t j = 0; j < hours; j++) {
                    live |= p[j] != 0.0;
                    waiting |= d[j] != 0;
                }
            }
            const int decide = live && waiting;
            for (int64_t g = 0; g < n_seg; g++) {
                const int64_t row = (row0 + g) * span;
                const double *p = convert + (row0 + g) * hours;
                const uint64_t first = ((uint64_t)g << SEGMENT_SHIFT) + decided_now[row0 + g];
                uint64_t index = first;
                for (int64_t j = 0; j < hours; j++) {
                    const int64_t t = t0 + j, n = due[row + t];
                    int64_t m = 0;
                    if (decide) {
                        for (int64_t k = 0; k < n; k++, index++)
                            if (unit(bits(key[3], index)) < p[j]) m++;
                        moves[row + t] = (int32_t)m;
                    }
                    drops[row + t] += (int32_t)(n - m + gone[row + t]);
                }
                if (decide) decided_now[row0 + g] += index - first;
            }
        }
    }
}

/* The module: flow(entered, due, gone, moves, drops, entered_now, decided_now, arrivals,
 * convert, keys, kinds, params, churn, t0, t1, horizon), each array a C-contiguous buffer of
 * the type opssim_flow takes (checked: a wrong one is a TypeError, not garbage). */
static const char FORMATS[14] = "iliiiQQldQldd"; /* int32 int64 uint64 float64, as struct */
static const Py_ssize_t SIZES[13] = {4, 8, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8};

static int same_format(const char *format, char want) {
    if (format == NULL) return want == 'B';
    if (*format == '<' || *format == '=' || *format == '@') format++;
    if (format[0] == want && format[1] == 0) return 1;
    /* numpy names int64 'l' on LP64 and 'q' on LLP64: read the size, not the letter */
    if ((want == 'l' || want == 'q') && (format[0] == 'l' || format[0] == 'q') && format[1] == 0)
        return 1;
    if ((want == 'Q' || want == 'L') && (format[0] == 'Q' || format[0] == 'L') && format[1] == 0)
        return 1;
    return 0;
}

/* ``obj`` as a C-contiguous buffer of ``size``-byte items of struct format ``want``; on failure
 * a TypeError naming argument ``index`` (and nothing to release). */
static int typed_buffer(PyObject *obj, Py_buffer *view, char want, Py_ssize_t size, int index) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (view->itemsize != size || !same_format(view->format, want)) {
        PyErr_Format(PyExc_TypeError, "argument %d has format %s", index,
                     view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void release(Py_buffer *views, int n) {
    while (n-- > 0) PyBuffer_Release(&views[n]);
}

/* The n arrays args[at[i]] as typed buffers (``at`` NULL: the first n; ``size`` NULL: 8-byte
 * items); on failure an error is set and none is held. */
static int typed_buffers(PyObject *const *args, int n, const int *at, const char *fmt,
                         const Py_ssize_t *size, Py_buffer *views) {
    for (int i = 0; i < n; i++) {
        const int arg = at ? at[i] : i;
        if (typed_buffer(args[arg], &views[i], fmt[i], size ? size[i] : 8, arg) < 0) {
            release(views, i);
            return -1;
        }
    }
    return 0;
}

static PyObject *py_flow(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 16) {
        PyErr_SetString(PyExc_TypeError, "flow takes 13 arrays and t0, t1, horizon");
        return NULL;
    }
    Py_buffer views[13];
    PyObject *result = NULL;
    if (typed_buffers(args, 13, NULL, FORMATS, SIZES, views) < 0) return NULL;
    if (views[0].ndim != 4) {
        PyErr_SetString(PyExc_TypeError, "flow: histograms are (member, stage, segment, hour)");
        goto done;
    }
    int64_t t0 = PyLong_AsLongLong(args[13]), t1 = PyLong_AsLongLong(args[14]),
            horizon = PyLong_AsLongLong(args[15]);
    if (PyErr_Occurred()) goto done;
    const Py_ssize_t *shape = views[0].shape;
    /* Every array the size its role says, and the hours inside the run: a mistake is an
     * error here, never a write out of bounds. */
    const Py_ssize_t r = shape[0], st = shape[1], g = shape[2], cells = r * st * g;
    const Py_ssize_t want[13] = {cells * shape[3], cells * shape[3], cells * shape[3],
                                 cells * shape[3], cells * shape[3], cells, cells,
                                 cells * (t1 - t0), cells * (t1 - t0), r * st * 4, st, 2 * st,
                                 st};
    for (int i = 0; i < 13; i++)
        if (views[i].len / SIZES[i] != want[i]) {
            PyErr_Format(PyExc_ValueError, "flow: argument %d has the wrong size", i);
            goto done;
        }
    if (!(0 <= t0 && t0 < t1 && t1 <= horizon && horizon + 1 == shape[3])) {
        PyErr_SetString(PyExc_ValueError, "flow: hours outside the run");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    opssim_flow(views[0].buf, views[1].buf, views[2].buf, views[3].buf, views[4].buf,
                views[5].buf, views[6].buf, views[7].buf, views[8].buf, views[9].buf,
                views[10].buf, views[11].buf, views[12].buf, shape[0], shape[1], shape[2], t0,
                t1, horizon);
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    release(views, 13);
    return result;
}

/* Removals (FunnelState.remove): the users still pending at stage s from hour t, as the numpy
 * code lists them — for each segment, its decisions due from t, then its churn from t — keeping
 * the nonzero cells: their counts and their index in that list. */
static int64_t opssim_pending(const int64_t *due, const int32_t *gone, int64_t n_seg,
                              int64_t span, int64_t s, int64_t t, int64_t *counts,
                              int64_t *cells) {
    const int64_t width = span - t;
    int64_t k = 0;
    for (int64_t g = 0; g < n_seg; g++) {
        const int64_t row = (s * n_seg + g) * span;
        for (int64_t j = 0; j < width; j++)
            if (due[row + t + j]) {
                counts[k] = due[row + t + j];
                cells[k++] = g * 2 * width + j;
            }
        for (int64_t j = 0; j < width; j++)
            if (gone[row + t + j]) {
                counts[k] = gone[row + t + j];
                cells[k++] = g * 2 * width + width + j;
            }
    }
    return k;
}

/* ...and the users taken from those cells, dropped at hour t. */
static void opssim_take(int64_t *due, int32_t *gone, int32_t *drops, int64_t n_seg, int64_t span,
                        int64_t s, int64_t t, const int64_t *cells, const int64_t *take,
                        int64_t k) {
    const int64_t width = span - t;
    for (int64_t i = 0; i < k; i++) {
        const int64_t g = cells[i] / (2 * width), col = cells[i] % (2 * width);
        const int64_t row = (s * n_seg + g) * span;
        if (col < width) due[row + t + col] -= take[i];
        else gone[row + t + col - width] -= (int32_t)take[i];
        drops[row + t] += (int32_t)take[i];
    }
}

/* pending(due, gone, s, t, counts, cells) -> the number of nonzero cells written. */
static PyObject *py_pending(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "pending takes due, gone, s, t, counts, cells");
        return NULL;
    }
    static const char fmt[4] = {'l', 'i', 'l', 'l'};
    static const Py_ssize_t size[4] = {8, 4, 8, 8};
    const int at[4] = {0, 1, 4, 5};
    Py_buffer views[4];
    PyObject *result = NULL;
    if (typed_buffers(args, 4, at, fmt, size, views) < 0) return NULL;
    int64_t s = PyLong_AsLongLong(args[2]), t = PyLong_AsLongLong(args[3]);
    if (PyErr_Occurred()) goto done;
    if (views[0].ndim != 3 || views[1].len / 4 != views[0].len / 8) {
        PyErr_SetString(PyExc_TypeError, "pending: due and gone are (stage, segment, hour)");
        goto done;
    }
    const Py_ssize_t *shape = views[0].shape;
    if (s < 0 || s >= shape[0] || t < 0 || t >= shape[2] ||
        views[2].len / 8 < 2 * shape[1] * (shape[2] - t) || views[3].len < views[2].len) {
        PyErr_SetString(PyExc_ValueError, "pending: stage, hour or output out of range");
        goto done;
    }
    result = PyLong_FromLongLong(opssim_pending(views[0].buf, views[1].buf, shape[1], shape[2],
                                                s, t, views[2].buf, views[3].buf));
done:
    release(views, 4);
    return result;
}

/* take(due, gone, drops, s, t, cells, take): the users taken back from pending()'s cells. */
static PyObject *py_take(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "take takes due, gone, drops, s, t, cells, take");
        return NULL;
    }
    static const char fmt[5] = {'l', 'i', 'i', 'l', 'l'};
    static const Py_ssize_t size[5] = {8, 4, 4, 8, 8};
    const int at[5] = {0, 1, 2, 5, 6};
    Py_buffer views[5];
    PyObject *result = NULL;
    if (typed_buffers(args, 5, at, fmt, size, views) < 0) return NULL;
    int64_t s = PyLong_AsLongLong(args[3]), t = PyLong_AsLongLong(args[4]);
    if (PyErr_Occurred()) goto done;
    const Py_ssize_t *shape = views[0].shape;
    const int64_t k = views[3].len / 8, width = shape[2] - t;
    if (views[0].ndim != 3 || views[1].len / 4 != views[0].len / 8 ||
        views[2].len != views[1].len || views[4].len != views[3].len || s < 0 ||
        s >= shape[0] || t < 0 || width <= 0) {
        PyErr_SetString(PyExc_ValueError, "take: shapes, stage or hour out of range");
        goto done;
    }
    const int64_t *cells = views[3].buf;
    for (int64_t i = 0; i < k; i++)
        if (cells[i] < 0 || cells[i] >= 2 * shape[1] * width) {
            PyErr_SetString(PyExc_ValueError, "take: a cell out of range");
            goto done;
        }
    opssim_take(views[0].buf, views[1].buf, views[2].buf, shape[1], shape[2], s, t, cells,
                views[4].buf, k);
    result = Py_None;
    Py_INCREF(result);
done:
    release(views, 5);
    return result;
}

/* Tickets (TicketQueue.arrive): the tickets of a stretch of hours from each source's counts
 * per hour and places inside the hour, in time order (ties: source order, then their order),
 * and each one's completion in work hours by the FIFO recursion on the work clock W — as the
 * numpy code computes them: np.interp's arithmetic for W, cumsum and maximum.accumulate. */
typedef struct {
    double time;
    int64_t index;
} Arrival;

static int by_time(const void *a, const void *b) {
    const Arrival *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* W(x): np.interp over the breakpoints (xp, fp) up to the last, then the current slope. */
static double work_clock(double x, const double *xp, const double *fp, int64_t n, double slope) {
    if (x > xp[n - 1]) return fp[n - 1] + slope * (x - xp[n - 1]);
    if (x < xp[0]) return fp[0];
    int64_t lo = 0, hi = n - 1; /* the last j with xp[j] <= x */
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (xp[mid] <= x) lo = mid;
        else hi = mid - 1;
    }
    const int64_t j = lo;
    if (j == n - 1 || xp[j] == x) return fp[j];
    const double rise = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    double w = rise * (x - xp[j]) + fp[j];
    if (isnan(w)) {
        w = rise * (x - xp[j + 1]) + fp[j + 1];
        if (isnan(w) && fp[j] == fp[j + 1]) w = fp[j];
    }
    return w;
}

/* arrive(t0, counts, sources, places, work, xp, fp, slope, free, arrival, source, done)
 * -> the server's next free work hour. counts (source, hour) int64, sources int64, places and
 * work float64 (one per ticket: places source by source, work in time order), xp/fp the work
 * clock's breakpoints from one at or before t0, arrival/source/done the n tickets' outputs. */
static PyObject *py_arrive(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 12) {
        PyErr_SetString(PyExc_TypeError, "arrive takes 12 arguments");
        return NULL;
    }
    static const char fmt[9] = {'l', 'l', 'd', 'd', 'd', 'd', 'd', 'l', 'd'};
    const int at[9] = {1, 2, 3, 4, 5, 6, 9, 10, 11};
    Py_buffer views[9];
    PyObject *result = NULL;
    Arrival *order = NULL;
    int64_t *ends = NULL;
    if (typed_buffers(args, 9, at, fmt, NULL, views) < 0) return NULL;
    const int64_t t0 = PyLong_AsLongLong(args[0]);
    const double slope = PyFloat_AsDouble(args[7]), start_free = PyFloat_AsDouble(args[8]);
    if (PyErr_Occurred()) goto done;
    const int64_t k = views[1].len / 8, n = views[2].len / 8, n_xp = views[5].len / 8;
    if (views[0].ndim != 2 || views[0].shape[0] != k || views[3].len != views[2].len ||
        views[6].len != views[2].len || views[7].len != views[2].len ||
        views[8].len != views[2].len || views[5].len != views[4].len || n_xp < 1) {
        PyErr_SetString(PyExc_ValueError, "arrive: inconsistent lengths");
        goto done;
    }
    const int64_t hours = views[0].shape[1];
    const int64_t *counts = views[0].buf, *sources = views[1].buf;
    const double *places = views[2].buf, *work = views[3].buf, *xp = views[4].buf,
                 *fp = views[5].buf;
    double *arrival = views[6].buf, *done_at = views[8].buf;
    int64_t *source = views[7].buf;
    int64_t total = 0, negative = 0;
    for (int64_t i = 0; i < k * hours; i++) {
        negative |= counts[i] < 0;
        total += counts[i];
    }
    if (negative || total != n) {
        PyErr_SetString(PyExc_ValueError, "arrive: the counts do not add up to the tickets");
        goto done;
    }
    order = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(Arrival));
    ends = PyMem_Malloc((size_t)(k > 0 ? k : 1) * sizeof(int64_t));
    if (order == NULL || ends == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int64_t q = 0, seen = 0; q < k; q++) { /* where each source's tickets end */
        for (int64_t j = 0; j < hours; j++) seen += counts[q * hours + j];
        ends[q] = seen;
    }
    int64_t m = 0;
    for (int64_t i = 0; i < k; i++)
        for (int64_t j = 0; j < hours; j++)
            for (int64_t c = 0; c < counts[i * hours + j]; c++, m++) {
                order[m].time = (double)(t0 + j) + places[m];
                order[m].index = m;
            }
    double free_at = start_free;
    Py_BEGIN_ALLOW_THREADS
    qsort(order, (size_t)n, sizeof(Arrival), by_time);
    /* each ticket's source: the block of the concatenated places it came from */
    double cum = 0.0, top = 0.0;
    for (int64_t i = 0; i < n; i++) {
        int64_t q = 0;
        while (order[i].index >= ends[q]) q++;
        arrival[i] = order[i].time;
        source[i] = sources[q];
        cum = i == 0 ? work[0] : cum + work[i];
        const double lag = work_clock(order[i].time, xp, fp, n_xp, slope) - (cum - work[i]);
        top = i == 0 ? lag : (lag > top ? lag : top);
        done_at[i] = cum + (start_free > top ? start_free : top);
    }
    if (n > 0) free_at = done_at[n - 1];
    Py_END_ALLOW_THREADS
    result = PyFloat_FromDouble(free_at);
done:
    PyMem_Free(order);
    PyMem_Free(ends);
    release(views, 9);
    return result;
}

/* ---- The random streams' seed words (opssim.sim.streams) and keys (opssim.sim.keyed) ----
 * The Python versions there stay as the reference (and the path without this module). */

/* numpy's SeedSequence (numpy/random/bit_generator.pyx) on 32-bit words. */
#define SS_POOL 4
#define SS_INIT_A 0x43B0D7E5U
#define SS_MULT_A 0x931E8875U
#define SS_INIT_B 0x8B51F9DDU
#define SS_MULT_B 0x58F38DEDU
#define SS_MIX_L 0xCA01F9DDU
#define SS_MIX_R 0x4973F715U
#define SS_MAX_WORDS 64

static inline uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const) {
    value ^= *hash_const;
    *hash_const *= SS_MULT_A;
    value *= *hash_const;
    return value ^ (value >> 16);
}

static inline uint32_t ss_mix(uint32_t x, uint32_t y) {
    const uint32_t r = SS_MIX_L * x - SS_MIX_R * y;
    return r ^ (r >> 16);
}

/* SeedSequence's generate_state(4, np.uint64) for the assembled entropy words (the run's
 * padded to the pool, then the spawn key's): its pool mixed as mix_entropy does, then 8
 * uint32 words read as 4 little-endian uint64. */
static void seed_sequence_words(const uint32_t *entropy, Py_ssize_t n, uint64_t *out) {
    uint32_t pool[SS_POOL], c = SS_INIT_A;
    for (int i = 0; i < SS_POOL; i++) pool[i] = ss_hashmix(i < n ? entropy[i] : 0, &c);
    for (int src = 0; src < SS_POOL; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            if (src != dst) pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &c));
    for (Py_ssize_t src = SS_POOL; src < n; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            pool[dst] = ss_mix(pool[dst], ss_hashmix(entropy[src], &c));
    uint32_t words[2 * SS_POOL], cb = SS_INIT_B;
    for (int i = 0; i < 2 * SS_POOL; i++) {
        uint32_t v = pool[i % SS_POOL] ^ cb;
        cb *= SS_MULT_B;
        v *= cb;
        words[i] = v ^ (v >> 16);
    }
    for (int i = 0; i < SS_POOL; i++) out[i] = words[2 * i] | ((uint64_t)words[2 * i + 1] << 32);
}

/* ``obj`` (an int, or anything with __index__) as a uint64: an OverflowError if negative or
 * of 64 bits or more (the Python reference takes those). */
static int as_u64(PyObject *obj, uint64_t *value) {
    PyObject *i = PyNumber_Index(obj);
    if (i == NULL) return -1;
    *value = PyLong_AsUnsignedLongLong(i);
    Py_DECREF(i);
    return *value == (uint64_t)-1 && PyErr_Occurred() ? -1 : 0;
}

/* seed_words(entropy, day, out): out (4 uint64) = the seed words of the SeedSequence whose
 * assembled entropy is ``entropy`` (bytes of native uint32 words) then ``day``'s words
 * (day < 2**64: one word, or two). */
static PyObject *py_seed_words(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "seed_words takes entropy (bytes), day, out");
        return NULL;
    }
    const Py_ssize_t n = PyBytes_GET_SIZE(args[0]) / 4;
    if (PyBytes_GET_SIZE(args[0]) % 4 || n > SS_MAX_WORDS - 2) {
        PyErr_SetString(PyExc_OverflowError, "seed_words: entropy of whole words, at most 62");
        return NULL;
    }
    uint64_t day;
    if (as_u64(args[1], &day) < 0) return NULL;
    Py_buffer view;
    if (typed_buffer(args[2], &view, 'Q', 8, 2) < 0) return NULL;
    if (view.len != 4 * 8 || view.readonly) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "seed_words: out is 4 writable uint64");
        return NULL;
    }
    uint32_t entropy[SS_MAX_WORDS];
    memcpy(entropy, PyBytes_AS_STRING(args[0]), (size_t)n * 4);
    Py_ssize_t m = n;
    entropy[m++] = (uint32_t)day;
    if (day >> 32) entropy[m++] = (uint32_t)(day >> 32);
    seed_sequence_words(entropy, m, view.buf);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

/* keyed.key_from for parts below 2**64: each part one SplitMix64 round, then one to close it. */
static inline uint64_t splitmix(uint64_t z) {
    z = (z ^ (z >> 30)) * M1;
    z = (z ^ (z >> 27)) * M2;
    return z ^ (z >> 31);
}

static inline uint64_t key_part(uint64_t z, uint64_t part) {
    return splitmix(splitmix(z + part * GOLDEN + GOLDEN) + GOLDEN);
}

/* key_from(z, *parts) -> the key (parts ints below 2**64; an OverflowError otherwise). */
static PyObject *py_key_from(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "key_from takes z and parts");
        return NULL;
    }
    uint64_t z, part;
    if (as_u64(args[0], &z) < 0) return NULL;
    for (Py_ssize_t i = 1; i < nargs; i++) {
        if (as_u64(args[i], &part) < 0) return NULL;
        z = key_part(z, part);
    }
    return PyLong_FromUnsignedLongLong(z);
}

/* key_outer(keys, parts, out): out[i, j] = key_from(keys[j], parts[i]), all uint64. */
static PyObject *py_key_outer(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "key_outer takes keys, parts, out");
        return NULL;
    }
    static const char fmt[3] = {'Q', 'Q', 'Q'};
    Py_buffer views[3];
    if (typed_buffers(args, 3, NULL, fmt, NULL, views) < 0) return NULL;
    const int64_t m = views[0].len / 8, n = views[1].len / 8;
    PyObject *result = NULL;
    if (views[2].len / 8 != m * n || views[2].readonly) {
        PyErr_SetString(PyExc_ValueError, "key_outer: out is len(parts) x len(keys), writable");
        goto done;
    }
    const uint64_t *keys = views[0].buf, *parts = views[1].buf;
    uint64_t *out = views[2].buf;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) out[i * m + j] = key_part(keys[j], parts[i]);
    result = Py_None;
    Py_INCREF(result);
done:
    release(views, 3);
    return result;
}

/* users_at(entered, moves, drops, s, t0, there, per_week, lam) -> the users at stage s by
 * hour t0 + len(lam) (SupportWork._rate_there): the funnel's int32 histograms (stage, segment,
 * hour); lam[j] = per_week tickets per user-week, per hour, for the users at the stage at the
 * start of hour t0 + j (``there`` at t0), as numpy computes it: (double)users * per_week / 168,
 * then np.maximum(.., 0.0). */
static PyObject *py_users_at(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "users_at takes 8 arguments");
        return NULL;
    }
    static const char fmt[4] = {'i', 'i', 'i', 'd'};
    static const Py_ssize_t size[4] = {4, 4, 4, 8};
    const int at[4] = {0, 1, 2, 7};
    Py_buffer views[4];
    PyObject *result = NULL;
    if (typed_buffers(args, 4, at, fmt, size, views) < 0) return NULL;
    const int64_t s = PyLong_AsLongLong(args[3]), t0 = PyLong_AsLongLong(args[4]);
    int64_t there = PyLong_AsLongLong(args[5]);
    const double per_week = PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred()) goto done;
    const int64_t hours = views[3].len / 8;
    if (views[0].ndim != 3 || views[1].ndim != 3 || views[2].ndim != 3 ||
        views[1].len != views[0].len || views[2].len != views[0].len ||
        views[1].shape[1] != views[0].shape[1] || views[2].shape[1] != views[0].shape[1]) {
        PyErr_SetString(PyExc_TypeError, "users_at: entered, moves, drops are (stage, segment, hour)");
        goto done;
    }
    const Py_ssize_t *shape = views[0].shape;
    if (s < 0 || s >= shape[0] || t0 < 0 || t0 + hours > shape[2]) {
        PyErr_SetString(PyExc_ValueError, "users_at: stage or hours out of range");
        goto done;
    }
    const int32_t *entered = views[0].buf, *moves = views[1].buf, *drops = views[2].buf;
    double *lam = views[3].buf;
    const int64_t n_seg = shape[1], span = shape[2];
    for (int64_t j = 0; j < hours; j++) {
        const double v = (double)there * per_week / 168.0;
        lam[j] = (v > 0.0 || isnan(v)) ? v : 0.0; /* np.maximum: -0.0 gives 0.0, NaN stays */
        for (int64_t g = 0; g < n_seg; g++) {
            const int64_t cell = (s * n_seg + g) * span + t0 + j;
            there += (int64_t)entered[cell] - moves[cell] - drops[cell];
        }
    }
    result = PyLong_FromLongLong(there);
done:
    release(views, 4);
    return result;
}

/* The tickets of [start, n) whose deadline (arrival + wait) passed by clock hour t (those
 * arrived by t - wait, as np.searchsorted side="right"), and of them those not done by the
 * work clock at their deadline, counted by source into counts: returns the new start. */
static int64_t past_due(const double *arrival, const int64_t *source, const double *done_at,
                        int64_t n, int64_t start, double t, double wait, const double *xp,
                        const double *fp, int64_t n_xp, double slope, int64_t *counts) {
    const double by = t - wait;
    int64_t lo = start, hi = n; /* the first ticket from start arrived after ``by`` */
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (arrival[mid] <= by) lo = mid + 1;
        else hi = mid;
    }
    for (int64_t i = start; i < lo; i++)
        if (done_at[i] > work_clock(arrival[i] + wait, xp, fp, n_xp, slope)) counts[source[i]]++;
    return lo;
}

/* overdue(arrival, source, done, t, patience, start_late, complaint_after, start_complaint,
 * xp, fp, slope, late, complaints) -> (start_late, start_complaint) after t
 * (TicketQueue.overdue: both of _past's checks in one call; complaint_after NaN: none).
 * arrival/source/done are the queue's tickets so far, xp/fp the work clock's breakpoints
 * from one at or before the earliest deadline to check. */
static PyObject *py_overdue(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "overdue takes 13 arguments");
        return NULL;
    }
    static const char fmt[7] = {'d', 'l', 'd', 'd', 'd', 'l', 'l'};
    const int at[7] = {0, 1, 2, 8, 9, 11, 12};
    Py_buffer views[7];
    PyObject *result = NULL;
    if (typed_buffers(args, 7, at, fmt, NULL, views) < 0) return NULL;
    const double t = PyFloat_AsDouble(args[3]), patience = PyFloat_AsDouble(args[4]),
                 complaint_after = PyFloat_AsDouble(args[6]), slope = PyFloat_AsDouble(args[10]);
    int64_t start_late = PyLong_AsLongLong(args[5]), start_complaint = PyLong_AsLongLong(args[7]);
    if (PyErr_Occurred()) goto done;
    const int64_t n = views[0].len / 8, n_xp = views[3].len / 8, n_src = views[5].len / 8;
    if (views[1].len != views[0].len || views[2].len != views[0].len ||
        views[4].len != views[3].len || views[6].len != views[5].len || n_xp < 1 ||
        start_late < 0 || start_late > n || start_complaint < 0 || start_complaint > n) {
        PyErr_SetString(PyExc_ValueError, "overdue: inconsistent lengths");
        goto done;
    }
    const double *arrival = views[0].buf, *done_at = views[2].buf, *xp = views[3].buf,
                 *fp = views[4].buf;
    const int64_t *source = views[1].buf;
    const int64_t first = start_late < start_complaint ? start_late : start_complaint;
    for (int64_t i = first; i < n; i++)
        if (source[i] < 0 || source[i] >= n_src) {
            PyErr_SetString(PyExc_ValueError, "overdue: a source out of range");
            goto done;
        }
    start_late = past_due(arrival, source, done_at, n, start_late, t, patience, xp, fp, n_xp,
                          slope, views[5].buf);
    if (!isnan(complaint_after))
        start_complaint = past_due(arrival, source, done_at, n, start_complaint, t,
                                   complaint_after, xp, fp, n_xp, slope, views[6].buf);
    result = Py_BuildValue("(LL)", (long long)start_late, (long long)start_complaint);
done:
    release(views, 7);
    return result;
}

static PyMethodDef methods[] = {
    {"flow", (PyCFunction)(void (*)(void))py_flow, METH_FASTCALL,
     "Draw hours [t0, t1) of every member (see opssim.sim.kernel.flow)."},
    {"pending", (PyCFunction)(void (*)(void))py_pending, METH_FASTCALL,
     "The nonzero pending cells of a stage from an hour (see opssim.sim.kernel.pending)."},
    {"take", (PyCFunction)(void (*)(void))py_take, METH_FASTCALL,
     "Take users back from pending cells (see opssim.sim.kernel.take)."},
    {"arrive", (PyCFunction)(void (*)(void))py_arrive, METH_FASTCALL,
     "Tickets in time order and their completions (see opssim.sim.kernel.arrive)."},
    {"seed_words", (PyCFunction)(void (*)(void))py_seed_words, METH_FASTCALL,
     "SeedSequence seed words of an entropy and a day (see opssim.sim.streams)."},
    {"key_from", (PyCFunction)(void (*)(void))py_key_from, METH_FASTCALL,
     "keyed.key_from for int parts below 2**64 (see opssim.sim.keyed)."},
    {"key_outer", (PyCFunction)(void (*)(void))py_key_outer, METH_FASTCALL,
     "key_from of each key and each part (see opssim.sim.keyed.key_grid)."},
    {"users_at", (PyCFunction)(void (*)(void))py_users_at, METH_FASTCALL,
     "Users at a stage hour by hour, as tickets per hour (see opssim.sim.kernel.users_at)."},
    {"overdue", (PyCFunction)(void (*)(void))py_overdue, METH_FASTCALL,
     "Tickets past their deadlines, by source (see opssim.sim.kernel.overdue)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
