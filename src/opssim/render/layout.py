"""The window's layout: its size in units and where the run's regions go.

A window is laid out in units (see :mod:`opssim.render.pen`): 720 units tall from 16:9 up to
21:9 (wider windows get more units across), 1280 units wide from 16:9 down to 4:3 (taller
windows get more units down). The extra room goes to the funnel, the log and the right-hand
column; dialogs stay centred. Outside 4:3–21:9 the layout of the nearest ratio is drawn at
the top left and the rest of the window is background.

:func:`apply` is called when the window opens and whenever it is resized; modules with rectangles
of their own register a function with :func:`placed` that recomputes them.
"""

from collections.abc import Callable

from opssim.render import fonts, pen
from opssim.render.palette import FUNNEL, SIDE, SIZE, TICKER, TOP_BAR

BASE = (1280, 720)
MIN_ASPECT, MAX_ASPECT = 4 / 3, 12 / 5  # 4:3 to ultrawide "21:9" (3440×1440 is 2.39:1)

_placers: list[Callable[[], None]] = []


def units_for(window: tuple[int, int]) -> tuple[int, int, float]:
    """The layout's size in units and the pixels per unit for a window of ``window`` pixels."""
    w, h = max(1, window[0]), max(1, window[1])
    aspect = min(MAX_ASPECT, max(MIN_ASPECT, w / h))
    if aspect >= BASE[0] / BASE[1]:
        units = (round(BASE[1] * aspect), BASE[1])
    else:
        units = (BASE[0], round(BASE[0] / aspect))
    return units[0], units[1], min(w / units[0], h / units[1])


def placed(fn: Callable[[], None]) -> Callable[[], None]:
    """Register ``fn`` to recompute a module's rectangles after each :func:`apply` (and run
    it now)."""
    _placers.append(fn)
    fn()
    return fn


def apply(window: tuple[int, int]) -> float:
    """Lay out for a window of ``window`` pixels; returns the pixels per unit."""
    uw, uh, scale = units_for(window)
    if (uw, uh) != tuple(SIZE) or scale != pen.scale:
        fonts.rescale()
    pen.scale = scale
    SIZE[:] = [uw, uh]
    side_w = 376 + round((uw - BASE[0]) * 0.3)
    TOP_BAR.update(0, 0, uw, 56)
    SIDE.update(uw - 16 - side_w, 64, side_w, uh - 72)
    fw = SIDE.x - 12 - 16
    FUNNEL.update(16, 64, fw, 500 + round((uh - BASE[1]) * 0.55))
    TICKER.update(16, FUNNEL.bottom + 8, fw, uh - 8 - (FUNNEL.bottom + 8))
    for fn in _placers:
        fn()
    return scale


def centre(w: int, h: int) -> tuple[int, int]:
    """The top-left corner of a ``w``×``h`` box centred in the layout."""
    return (SIZE[0] - w) // 2, (SIZE[1] - h) // 2
