"""Dots: a sample of users drawn moving between funnel stages (the counts stay exact).

Dots live in numpy arrays and are drawn in one ``Surface.fblits`` call. Their randomness
comes from their own generator, seeded from the run's seed, so frames are reproducible and
the engine's random streams are never touched.
"""

import numpy as np
import pygame

from opssim.render import pen
from opssim.render.palette import DOT, DROP

FLOW, DROPPED = 0, 1

Span = tuple[float, float]


def _dot_surface(kind: int, scale: float = 1.0) -> pygame.Surface:
    """A flowing user is a round dot; a dropped one is a small cross (shape, not just colour).

    The shapes are drawn without antialiasing, so every pixel is either fully on or off: a
    colour key (run-length encoded) shows them exactly as per-pixel alpha would, and blits
    several times faster than alpha blending.
    """
    n = 2 * round(3 * scale) + 1  # odd: the dot has a centre pixel
    c, lo, hi = n // 2, round(scale), n - 1 - round(scale)
    s = pygame.Surface((n, n))
    key = (0, 0, 0) if (0, 0, 0) not in (DOT, DROP) else (255, 0, 255)
    s.fill(key)
    if kind == FLOW:
        pygame.draw.circle(s, DOT, (c, c), max(2, round(2 * scale)))
    else:
        w = max(2, round(2 * scale))
        pygame.draw.line(s, DROP, (lo, lo), (hi, hi), w)
        pygame.draw.line(s, DROP, (lo, hi), (hi, lo), w)
    s.set_colorkey(key, pygame.RLEACCEL)
    return s


class Dots:
    """At most ``cap`` dots, each tweening from a start point to an end point over its life."""

    def __init__(self, seed: int, cap: int = 2000) -> None:
        self.cap = cap
        self.rng = np.random.default_rng([seed, 0x0D075])
        self._a = np.zeros((0, 2), np.float32)  # start
        self._b = np.zeros((0, 2), np.float32)  # end
        self._age = np.zeros(0, np.int32)
        self._life = np.ones(0, np.int32)
        self._kind = np.zeros(0, np.int8)
        self._scale = 0.0
        self._surfaces: tuple[pygame.Surface, pygame.Surface] | None = None

    def __len__(self) -> int:
        return len(self._age)

    def spawn(self, n: int, ax: Span, ay: Span, bx: Span, by: Span, *, life: int,
              kind: int = FLOW, stagger: int = 1) -> int:
        """Add up to ``n`` dots from a random point of box ``ax × ay`` to one of ``bx × by``.

        Their starts are staggered over ``stagger`` frames; returns how many were added.
        """
        n = max(0, min(n, self.cap - len(self)))
        if n == 0:
            return 0
        r = self.rng
        a = np.column_stack([r.uniform(*ax, n), r.uniform(*ay, n)]).astype(np.float32)
        b = np.column_stack([r.uniform(*bx, n), r.uniform(*by, n)]).astype(np.float32)
        self._a = np.concatenate([self._a, a])
        self._b = np.concatenate([self._b, b])
        self._age = np.concatenate([self._age, -r.integers(0, max(1, stagger), n, dtype=np.int32)])
        jitter = r.integers(0, max(1, life // 4), n, dtype=np.int32)
        self._life = np.concatenate([self._life, np.full(n, life, np.int32) + jitter])
        self._kind = np.concatenate([self._kind, np.full(n, kind, np.int8)])
        return n

    def update(self) -> None:
        """Age every dot by a frame and drop those that arrived."""
        self._age += 1
        keep = self._age < self._life
        if not keep.all():
            self._a, self._b = self._a[keep], self._b[keep]
            self._age, self._life, self._kind = self._age[keep], self._life[keep], self._kind[keep]

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Current centres of the visible dots and their kinds."""
        seen = self._age >= 0
        t = (self._age[seen] / self._life[seen]).astype(np.float32)[:, None]
        ease = t * t * (3.0 - 2.0 * t)
        a, b = self._a[seen], self._b[seen]
        xy = np.column_stack([a[:, 0] + (b[:, 0] - a[:, 0]) * t[:, 0],
                              a[:, 1] + (b[:, 1] - a[:, 1]) * ease[:, 0]])
        return xy, self._kind[seen]

    def draw(self, surface: pygame.Surface) -> None:
        """Draw every visible dot with one ``fblits``."""
        xy, kinds = self.positions()
        if not len(xy):
            return
        # Positions as one flat list of ints paired up lazily: no list or tuple per dot kept
        # alive at once, so drawing allocates next to nothing for the garbage collector (a
        # list per dot set off collections that made every twentieth frame slow).
        if self._surfaces is None or self._scale != pen.scale:  # sprites at the window's scale
            self._scale = pen.scale
            self._surfaces = (_dot_surface(FLOW, pen.scale), _dot_surface(DROPPED, pen.scale))
        half = self._surfaces[0].get_width() // 2
        flat = iter((xy * pen.scale - half).round().astype(np.int32).ravel().tolist())
        surfs = map(self._surfaces.__getitem__, kinds.tolist())
        surface.fblits(zip(surfs, zip(flat, flat, strict=True), strict=True))
