"""`make bench`: the engine's performance figures, all measured in one run, as a table.

    python bench/run.py [--quick]

Every comparison is a ratio of variants timed in this same run, interleaved and best-of-N, so
that a busy machine slows them alike. Writes ``bench/results.md`` beside this file.
"""

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import ref_numpy  # noqa: E402
import ref_simpy_per_user  # noqa: E402
from scenarios import arrivals, core_scenario, full_scenario  # noqa: E402

from opssim.batch import parse_policy, run_one, versions  # noqa: E402
from opssim.sim import HOURS_PER_WEEK, Engine, kernel  # noqa: E402

LINES: list[str] = []  # the table's rows, for results.md


def say(line: str = "") -> None:
    print(line, flush=True)
    LINES.append(line)


def play(scenario, attribution: bool = False) -> Engine:
    """A whole run under the manager's plan (what `opssim run` does), returns the engine."""
    policy = parse_policy("plan", scenario)
    engine = Engine(scenario, 0, attribution=attribution)
    for week in range(scenario.weeks):
        if engine.finished:
            break
        engine.set_allocation(policy.hours(engine.snapshot()))
        engine.advance_to((week + 1) * HOURS_PER_WEEK)
    return engine


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def best_of(variants: dict, reps: int) -> dict[str, float]:
    """Best time of each variant over ``reps`` rounds, the variants interleaved in each."""
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(reps):
        for name, fn in variants.items():
            best[name] = min(best[name], timed(fn))
    return best


# -- 1. throughput ----------------------------------------------------------------------------

def throughput(quick: bool) -> dict[str, float]:
    reps = 3 if quick else 5
    sample = 10_000 if quick else 20_000
    say("## 1. Engine throughput (starter funnel, 12 weeks; users/s, best of "
        f"{reps}, interleaved)")
    say("")
    say("| users | engine core | engine full | numpy ref | SimPy per user* | "
        "simpy/engine | engine/numpy | full/numpy |")
    say("|---:|---:|---:|---:|---:|---:|---:|---:|")
    out = {}
    for n in (100_000, 1_000_000):
        core, full = core_scenario(n), full_scenario(n)
        users = {"core": arrivals(play(core)), "full": arrivals(play(full))}
        best = best_of({
            "core": lambda c=core: play(c),
            "full": lambda f=full: play(f),
            "numpy": lambda c=core: ref_numpy.simulate(c),
            "simpy": lambda c=core: ref_simpy_per_user.simulate(c, users=sample),
        }, reps if n < 1_000_000 else max(2, reps - 1))
        simpy_t = best["simpy"] * n / sample  # scaled linearly from the sample
        x = simpy_t / best["core"]
        y = best["core"] / best["numpy"]
        z = best["full"] / best["numpy"]
        say(f"| {n:,} | {users['core'] / best['core']:,.0f} | {users['full'] / best['full']:,.0f} "
            f"| {n / best['numpy']:,.0f} | {n / simpy_t:,.0f} | {x:.0f} | {y:.2f} | {z:.2f} |")
        out[n] = (x, y, z)
    say("")
    say(f"*SimPy per user timed on {sample:,} users and scaled linearly to each population. "
        "'core' = the starter's funnel and channel, duties present with no effect; 'full' = "
        "the whole starter (every duty, ticket source, department, calendar happening and "
        "review, attribution off) with its user counts scaled; its users/s counts every "
        "arrival (channel and duties).")
    x, y, z = out[1_000_000]
    say("")
    say("At 1M users:")
    say(f"ratio simpy_per_user/engine: {x:.1f}   (target >= 100)")
    say(f"ratio engine/numpy_ref: {y:.2f}   (target <= 2, core funnel)")
    say(f"ratio engine_full/numpy_ref: {z:.2f}   (target <= 4, every duty on)")
    xs, ys, zs = out[100_000]
    say("At 100k users:")
    say(f"ratio simpy_per_user/engine: {xs:.1f}")
    say(f"ratio engine/numpy_ref: {ys:.2f}   (target <= 3, core funnel)")
    say(f"ratio engine_full/numpy_ref: {zs:.2f}   (target <= 6, every duty on)")
    return {"X": x, "Y": y, "Z": z}


# -- 2. scaling (each point in a fresh process, for its own peak RSS) -------------------------

def child(kind: str, users: float, weeks: int) -> None:
    """Run one configuration twice in this fresh process; print time and peak RSS as JSON."""
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scenario = (core_scenario if kind == "core" else full_scenario)(users, weeks)
    t = min(timed(lambda: play(scenario)) for _ in range(2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"time": t, "rss": peak, "base": base}))


def point(kind: str, users: float, weeks: int) -> dict:
    cmd = [sys.executable, str(Path(__file__)), "--child", kind, str(users), str(weeks)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def available_mb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def scaling(quick: bool) -> dict[str, float]:
    say("## 2. Scaling (core funnel; each point a fresh process, best of 2; peak RSS is the "
        "whole process: Python, numpy, SimPy, pydantic included)")
    say("")
    sizes = [10_000, 100_000, 1_000_000]
    if not quick and available_mb() > 2000:
        sizes.append(10_000_000)
    say("| users (12 weeks) | time s | users/s | peak RSS MB | RSS after imports MB | "
        "time × vs previous |")
    say("|---:|---:|---:|---:|---:|---:|")
    prev = None
    out = {}
    for n in sizes:
        p = point("core", n, 12)
        growth = f"{p['time'] / prev:.2f} (users ×10)" if prev else "–"
        say(f"| {n:,} | {p['time']:.3f} | {n / p['time']:,.0f} | {p['rss']:.0f} | "
            f"{p['base']:.0f} | {growth} |")
        prev = p["time"]
        out[n] = p
    say("")
    weeks = [6, 12, 24] if quick else [6, 12, 24, 48]
    say("| weeks (100k users / 12 weeks rate) | time s | peak RSS MB | time × vs previous |")
    say("|---:|---:|---:|---:|")
    prev = None
    for w in weeks:
        p = point("core", 100_000 * w / 12, w)
        growth = f"{p['time'] / prev:.2f} (weeks ×2)" if prev else "–"
        say(f"| {w} | {p['time']:.3f} | {p['rss']:.0f} | {growth} |")
        prev = p["time"]
    say("")
    full = point("full", 1_000_000, 12)
    say(f"Full starter at 1M users: {full['time']:.3f} s, peak RSS {full['rss']:.0f} MB.")
    say(f"peak RSS at 1M users: {out[1_000_000]['rss']:.0f} MB (target <= 150)")
    if 10_000_000 in out:
        say(f"peak RSS at 10M users: {out[10_000_000]['rss']:.0f} MB (target <= 300)")
    return {"rss_1m": out[1_000_000]["rss"]}


# -- 3. Monte Carlo ---------------------------------------------------------------------------

def mc_batch(scenario, seeds: list[int]) -> list[str]:
    return [run_one(scenario, s).outcome for s in seeds]


#: Luck replications per attributed miss: what fair blame needs to tell luck from plan.
LUCK_RUNS = 8


def monte_carlo(quick: bool) -> dict[str, float]:
    seeds = 100 if quick else 1000
    workers = 2
    scenario = full_scenario(100_000, luck_runs=LUCK_RUNS)
    say(f"## 3. Monte Carlo ({seeds} seeds of the full starter at 100k users, plan policy, "
        f"attribution on with {LUCK_RUNS} luck replications per missed review; {workers} "
        "spawned workers)")
    say("")
    serial_n = 4 if quick else 10
    serial = timed(lambda: mc_batch(scenario, list(range(10_000, 10_000 + serial_n))))
    batch = 10 if quick else 25
    chunks = [list(range(i, min(i + batch, seeds))) for i in range(0, seeds, batch)]
    t = time.perf_counter()
    with cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        parts = pool.map(mc_batch, [scenario] * len(chunks), chunks)
        outcomes = [o for part in parts for o in part]
    wall = time.perf_counter() - t
    rate = seeds / wall
    serial_rate = serial_n / serial
    eff = rate / (workers * serial_rate)
    counts = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    say("| seeds | wall s | runs/s | serial runs/s | parallel efficiency | outcomes |")
    say("|---:|---:|---:|---:|---:|---|")
    say(f"| {seeds} | {wall:.1f} | {rate:.1f} | {serial_rate:.1f} | {eff:.2f} | {counts} |")
    say("")
    say(f"monte carlo: {seeds} runs in {wall:.1f} s, runs/s: {rate:.1f}, parallel efficiency: "
        f"{eff:.2f}")
    label = "monte carlo 1000" if seeds == 1000 else "monte carlo 1000 (projected)"
    say(f"{label}: {1000 / rate:.0f} s   (target <= 30)")
    return {"mc_1000": 1000 / rate}


# -- 3a. replicas -----------------------------------------------------------------------------

def replicas(quick: bool) -> dict[str, float]:
    """32 luck replications of one review period, stepped together, against one."""
    from opssim.sim.replicas import replicate

    scenario = full_scenario(100_000)
    run = Engine(scenario, 3, attribution=False)
    run.advance_to(4 * HOURS_PER_WEEK)
    start = run.fork()
    plan = [scenario.plan_hours()] * scenario.reviews.every_weeks
    luck = [1_000_000 + k for k in range(32)]
    best = best_of({  # a fresh start each time: replicate() reuses the copies of a start
        "single": lambda: replicate(start.fork(), plan, luck[:1]),
        "together": lambda: replicate(start.fork(), plan, luck),
        "apart": lambda: [replicate(start.fork(), plan, [k]) for k in luck],
    }, 1 if quick else 3)
    say("## 3a. Replicas (32 luck replications of one review period of the full starter at "
        "100k users, weeks 5–6, stepped together; best of 3)")
    say("")
    say(f"one: {best['single'] * 1000:.0f} ms, 32 together: {best['together'] * 1000:.0f} ms, "
        f"32 one after another: {best['apart'] * 1000:.0f} ms")
    r = best["together"] / best["single"]
    say(f"ratio replicas(32)/single: {r:.1f}   (target <= 4)")
    return {"replicas": r}


# -- 3b. commands -----------------------------------------------------------------------------

def commands(quick: bool) -> dict[str, float]:
    """Wall time of two commands as a user runs them (median of 3, each a fresh process)."""
    exe = Path(sys.executable).with_name("opssim")
    starter = HERE.parent / "scenarios" / "starter.yaml"
    say("## 3b. Commands (wall time, median of 3 fresh processes)")
    say("")
    out = {}
    for name, argv, target in (("opssim --help", ["--help"], 0.3),
                               ("opssim lint scenarios/starter.yaml", ["lint", str(starter)],
                                2.0)):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([str(exe), *argv], capture_output=True, check=False)
            times.append(time.perf_counter() - t)
        med = float(np.median(times))
        say(f"{name}: {med:.2f} s   (target <= {target})")
        out[name] = med
    return {"help_s": out["opssim --help"]}


# -- 4. rendering -----------------------------------------------------------------------------

def rendering(quick: bool) -> dict[str, float]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from opssim.render.dots import DROPPED, Dots
    from opssim.render.palette import BG

    pygame.init()
    pygame.display.set_mode((1, 1))
    screen = pygame.Surface((1280, 720))
    frames = 120 if quick else 400
    say(f"## 4. Rendering (offscreen 1280×720, SDL dummy driver; {frames} frames each: clear, "
        "age, respawn to keep the count, one fblits via opssim.render.dots.Dots)")
    say("")
    say("| dots | p50 ms | p95 ms |")
    say("|---:|---:|---:|")
    out = {}
    for n in (1_000, 5_000, 20_000):
        dots = Dots(seed=0, cap=n)

        def top_up(dots: Dots = dots, n: int = n) -> None:
            k = n - len(dots)
            flow = dots.spawn(k - k // 5, (40, 600), (100, 620), (680, 1240), (100, 620),
                              life=90, stagger=30)
            dots.spawn(k - flow, (40, 1240), (100, 620), (40, 1240), (650, 710), life=60,
                       kind=DROPPED, stagger=30)

        top_up()
        for _ in range(60):  # warm up until the staggered starts are all on screen
            dots.update()
            top_up()
        times = []
        for _ in range(frames):
            t = time.perf_counter()
            screen.fill(BG)
            dots.update()
            top_up()
            dots.draw(screen)
            times.append((time.perf_counter() - t) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        say(f"| {n:,} | {p50:.2f} | {p95:.2f} |")
        out[n] = p95
    say("")
    say(f"render p95 at 5k dots: {out[5_000]:.2f} ms (target <= 16)")
    say("")
    frame = window_frames(screen, 300 if quick else 1200)
    sizes = window_sizes(100 if quick else 400)
    pygame.quit()
    return {"p95_5k": out[5_000]} | frame | sizes


def window_sizes(frames: int) -> dict[str, float]:
    """A running frame of the big company drawn at the window's own 2560×1440 pixels, against
    the reference of the same frames drawn at 1280×720 and smooth-scaled to 2560×1440 (how the
    window drew before it drew at its own size)."""
    import pygame

    from opssim.play.driver import Phase
    from opssim.render import fonts, layout
    from opssim.render.app import App
    from opssim.scenario import default_scenario_path, load_scenario

    sc = load_scenario(default_scenario_path().parent / "big-company.yaml")
    big = pygame.Surface((2560, 1440))

    def run(size: tuple[int, int], scaled: bool) -> list[float]:
        fonts.reset()
        layout.apply(size)
        canvas = pygame.Surface(size)
        app = App(sc, seed=0, lang="en", auto=False)
        app.driver.set_speed(2)
        times = []
        for _ in range(frames):
            if app.modal:
                app.popup.close()
                app.card.close()
            if app.driver.phase is Phase.PLANNING:
                app.planning.start()
            app.step()
            t = time.perf_counter()
            app.draw(canvas)
            if scaled:
                pygame.transform.smoothscale(canvas, big.get_size(), big)
            times.append((time.perf_counter() - t) * 1000)
        return times

    native = run((2560, 1440), scaled=False)
    reference = run((1280, 720), scaled=True)
    layout.apply(layout.BASE)
    n50, n95 = np.percentile(native, [50, 95])
    r50, r95 = np.percentile(reference, [50, 95])
    say(f"Drawing a running frame of the big company for a 2560×1440 window ({frames} frames, "
        "App.draw only):")
    say("")
    say("| how | p50 ms | p95 ms |")
    say("|---|---:|---:|")
    say(f"| at the window's pixels (now) | {n50:.2f} | {n95:.2f} |")
    say(f"| reference: 1280×720, smooth-scaled | {r50:.2f} | {r95:.2f} |")
    say("")
    say(f"native / reference, p50: {n50 / r50:.2f}")
    say("")
    return {"draw_2560_p50": n50, "draw_2560_ref_p50": r50}


def window_frames(screen, frames: int) -> dict[str, float]:
    """The whole window's frame (App.step + App.draw: engine, look-ahead, views, GUI) on the
    starter, auto-playing the plan at speed 2, split by what the frame showed."""
    import pygame

    from opssim.play.driver import Phase
    from opssim.render import fonts
    from opssim.render.app import App
    from opssim.scenario import default_scenario_path, load_scenario

    fonts.reset()
    pygame.font.init()
    # Played as a player would (not auto): the look-ahead keeps to its per-frame time budget.
    app = App(load_scenario(default_scenario_path()), seed=0, lang="en", auto=False)
    app.driver.set_speed(2)
    times: dict[str, list[float]] = {"planning": [], "running": []}
    held = 0
    for _ in range(frames):
        if app.driver.phase is Phase.FINISHED:
            break
        if app.modal:  # a review card or blame popup: the player reads it, then closes it
            app.popup.close()
            app.card.close()
        planning = app.driver.phase is Phase.PLANNING
        held = held + 1 if planning else 0
        if held > 60:  # a second at the panel, then start the week on the plan
            app.planning.start()
        t = time.perf_counter()
        app.step()
        app.draw(screen)
        times["planning" if planning else "running"].append((time.perf_counter() - t) * 1000)
    say(f"Whole window frame (starter at speed 2, {frames} frames, a second of planning per "
        "week: App.step + App.draw, the look-ahead's steps included while planning):")
    say("")
    say("| scene | frames | p50 ms | p95 ms |")
    say("|---|---:|---:|---:|")
    out = {}
    for phase, ts in times.items():
        p50, p95 = np.percentile(ts, [50, 95])
        say(f"| {phase} | {len(ts)} | {p50:.2f} | {p95:.2f} |")
        out[f"frame_{phase}_p95"] = p95
    say("")
    say(f"window frame p95: planning {out['frame_planning_p95']:.1f} ms, running "
        f"{out['frame_running_p95']:.1f} ms (a 60 fps frame is 16.7 ms)")
    return out


# -- 5. blame ---------------------------------------------------------------------------------

def blame(quick: bool) -> dict[str, float]:
    from bench_blame import play as play_blame

    from opssim.scenario import default_scenario_path, load_scenario
    from opssim.sim.blame import forget_first_hour_reruns

    scenario = load_scenario(default_scenario_path())
    policy = parse_policy("plan", scenario)
    seeds = 2 if quick else 8
    batch = 6 if quick else 20

    def shared() -> None:  # a batch of seeds, as the lab plays them: a total's luck runs shared
        forget_first_hour_reruns()
        for s in range(batch):
            play_blame(scenario, policy, s, True, alone=False)

    best = best_of({
        "plain": lambda: [play_blame(scenario, policy, s, False) for s in range(seeds)],
        "attr": lambda: [play_blame(scenario, policy, s, True) for s in range(seeds)],
    }, 3)
    blames = sum(play_blame(scenario, policy, s, True) for s in range(seeds)) / seeds
    in_batch = best_of({
        "plain": lambda: [play_blame(scenario, policy, s, False) for s in range(batch)],
        "attr": shared,
    }, 1 if quick else 2)
    r = best["attr"] / best["plain"]
    say(f"## 5. Blame attribution (starter, plan policy, {seeds} seeds, best of 3, "
        f"interleaved; {blames:.1f} blame events per run)")
    say("")
    say(f"ratio attribution/plain: {r:.2f}   (target <= 1.5; each run alone, making its own "
        "re-runs)")
    say(f"ratio attribution/plain in a batch of {batch} seeds (a total's luck runs shared): "
        f"{in_batch['attr'] / in_batch['plain']:.2f}")
    return {"blame": r}


# -- driver -----------------------------------------------------------------------------------

def calibration(quick: bool) -> dict[str, float]:
    """`opssim calibrate` on simulated events: 10M (1M with --quick), each in a fresh process."""
    import bench_calibrate

    n = 1_000_000 if quick else 10_000_000
    say(f"## 6. Calibration (`opssim calibrate` on {n:,} events of a canonical CSV; a fresh "
        "process each, peak RSS of the whole process)")
    say("")
    lines, figures = bench_calibrate.calibration(n)
    for line in lines:
        say(line)
    return figures


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pygame

    v = versions() | {"pygame-ce": pygame.version.ver}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"- machine: {platform.platform()}, {cpu}, {os.cpu_count()} cores, "
        f"load average at start {load:.2f}",
        f"- date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- versions: {', '.join(f'{k} {val}' for k, val in v.items())}",
        "- the funnel's draw: " + ("the C kernel (sim/_kernel.c)" if kernel.AVAILABLE
                                   else "numpy (the C kernel was not built)"),
    ]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (under a minute)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    head = machine()
    for line in head:
        print(line)
    start = time.perf_counter()
    figures: dict[str, float] = {}
    for section in (throughput, scaling, monte_carlo, replicas, commands, rendering, blame,
                    calibration):
        figures |= section(args.quick)
        say("")
    took = time.perf_counter() - start
    print(f"bench took {took:.0f} s")
    mode = "quick (`make bench QUICK=1`)" if args.quick else "full (`make bench`)"
    text = "\n".join([f"# opssim benchmarks — {mode}", "", *head, f"- bench took {took:.0f} s",
                      "", *LINES]).rstrip() + "\n"
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
