"""The bundled font (Noto Sans CJK SC, subset; OFL) and cached text rendering."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pygame

from opssim.render.palette import Colour

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_PATH = ASSETS / "fonts" / "NotoSansSC-Subset.otf"


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The bundled font at ``size`` px (pygame's default font if the file is missing)."""
    f = pygame.font.Font(FONT_PATH if FONT_PATH.is_file() else None, size)
    f.bold = bold
    return f


@lru_cache(maxsize=2048)
def render(text: str, size: int, colour: Colour, bold: bool = False) -> pygame.Surface:
    """``text`` drawn antialiased, cached (the same strings recur every frame)."""
    return font(size, bold).render(text, True, colour)


def draw(surface: pygame.Surface, text: str, pos: tuple[float, float], size: int = 14,
         colour: Colour = (232, 236, 242), *, bold: bool = False,
         anchor: str = "topleft") -> pygame.Rect:
    """Draw ``text`` with its ``anchor`` point (a pygame.Rect attribute) at ``pos``."""
    img = render(text, size, colour, bold)
    rect = img.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    surface.blit(img, rect)
    if _traced is not None:
        _traced.append((text, rect))
    return rect


#: While :func:`tracing`, every text drawn and its rectangle (the layout tests read them).
_traced: list[tuple[str, pygame.Rect]] | None = None


@contextmanager
def tracing() -> Iterator[list[tuple[str, pygame.Rect]]]:
    """Collect ``(text, rect)`` of everything :func:`draw` draws inside the ``with``."""
    global _traced
    outer, _traced = _traced, []
    try:
        yield _traced
    finally:
        _traced = outer


def width(text: str, size: int, bold: bool = False) -> int:
    """Width in pixels of ``text``."""
    return font(size, bold).size(text)[0]


@lru_cache(maxsize=1024)
def fit(text: str, size: int, max_width: int, bold: bool = False) -> str:
    """``text``, cut short with an ellipsis if it is wider than ``max_width``."""
    if width(text, size, bold) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + "…", size, bold) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap(text: str, size: int, max_width: int, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``: at spaces, or between hanzi."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        trial = line + token
        if line and width(trial.rstrip(), size, bold) > max_width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = trial
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words (with their trailing space) and single CJK characters."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) >= 0x2E80:  # CJK: a break is allowed around each character
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def reset() -> None:
    """Forget cached fonts and text (they die with ``pygame.quit()``)."""
    font.cache_clear()
    render.cache_clear()
    fit.cache_clear()
