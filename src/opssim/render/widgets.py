"""Small drawing helpers shared by the views: panels, bars, hatching, icons."""

import pygame

from opssim.render import fonts, pen
from opssim.render.palette import ACCENT, DIM, PANEL, PANEL_EDGE, TEXT, TRACK, WARN, Colour, Rect


def panel(surface: pygame.Surface, rect: Rect | pygame.Rect, title: str | None = None,
          *, fill: Colour = PANEL, edge: Colour = PANEL_EDGE, width: int = 1) -> int:
    """A rounded panel; returns the y just below its title (or its top padding)."""
    r = pygame.Rect(rect)
    pen.rect(surface, fill, r, border_radius=8)
    pen.rect(surface, edge, r, width, border_radius=8)
    fonts.box(title or "panel", r)
    if title is None:
        return r.y + 10
    fonts.draw(surface, title, (r.x + 12, r.y + 8), 15, DIM, bold=True)
    return r.y + 32


def bar(surface: pygame.Surface, rect: Rect | pygame.Rect, share: float, colour: Colour,
        *, track: Colour = TRACK) -> None:
    """A horizontal progress bar filled to ``share`` (0..1, clipped)."""
    r = pygame.Rect(rect)
    pen.rect(surface, track, r, border_radius=3)
    w = round(r.w * max(0.0, min(1.0, share)))
    if w > 0:
        pen.rect(surface, colour, (r.x, r.y, w, r.h), border_radius=3)


def hatch(surface: pygame.Surface, rect: Rect | pygame.Rect, colour: Colour,
          step: int = 6) -> None:
    """Diagonal hatching inside ``rect`` (marks overtime without relying on colour)."""
    r = pygame.Rect(rect)
    if r.w <= 0 or r.h <= 0:
        return
    with pen.clip(surface, r):
        for x in range(r.x - r.h, r.right, step):
            pen.line(surface, colour, (x, r.bottom), (x + r.h, r.y), 2)


def tick(surface: pygame.Surface, x: int, y0: int, y1: int, colour: Colour = TEXT) -> None:
    """A vertical marker line (a target or a pace on a bar)."""
    pen.line(surface, colour, (x, y0), (x, y1), 2)


def pause_icon(surface: pygame.Surface, x: int, y: int, colour: Colour = TEXT) -> None:
    """Two bars, the pause sign (the font has no ⏸)."""
    pen.rect(surface, colour, (x, y, 4, 14))
    pen.rect(surface, colour, (x + 8, y, 4, 14))


def play_icon(surface: pygame.Surface, x: int, y: int, colour: Colour = TEXT) -> None:
    """A right-pointing triangle."""
    pen.polygon(surface, colour, [(x, y), (x + 12, y + 7), (x, y + 14)])


def warning_icon(surface: pygame.Surface, x: int, y: int, size: int, colour: Colour,
                 ink: Colour = (20, 20, 20)) -> None:
    """A warning triangle with an exclamation mark, its top-left at ``(x, y)``."""
    pen.polygon(surface, colour, [(x + size // 2, y), (x + size, y + size), (x, y + size)])
    fonts.draw(surface, "!", (x + size // 2, y + size * 0.62), max(10, size * 2 // 3), ink,
               bold=True, anchor="center")


def label_value(surface: pygame.Surface, x: int, y: int, w: int, label: str, value: str,
                *, size: int = 14, colour: Colour = TEXT, label_colour: Colour = DIM) -> None:
    """``label`` on the left and ``value`` right-aligned on one line."""
    fonts.draw(surface, label, (x, y), size, label_colour)
    fonts.draw(surface, value, (x + w, y), size, colour, anchor="topright")


def hours_bar(surface: pygame.Surface, rect: Rect | pygame.Rect, total: float, contract: float,
              cap: float, *, label: str | None = None) -> None:
    """Hours against the contract (a tick) and the overtime cap (the bar's end).

    Room for overtime is hatched; overtime worked is amber *and* hatched, so it reads
    without colour.
    """
    x, y, w, h = pygame.Rect(rect)
    contract_x = x + round(w * contract / cap)
    pen.rect(surface, TRACK, (x, y, w, h), border_radius=3)
    hatch(surface, (contract_x, y, x + w - contract_x, h), (60, 52, 40))
    fill = round(w * min(total, contract) / cap)
    if fill:
        pen.rect(surface, ACCENT, (x, y, fill, h), border_radius=3)
    over = max(0.0, total - contract)
    if over:
        ow = round(w * over / cap)
        pen.rect(surface, WARN, (contract_x, y, ow, h))
        hatch(surface, (contract_x, y, ow, h), (120, 70, 10))
    tick(surface, contract_x, y - 3, y + h + 3, TEXT)
    if label:
        fonts.draw(surface, label, (contract_x - 4, y + h + 1), 11, DIM, anchor="topright")


def lock_icon(surface: pygame.Surface, x: int, y: int, colour: Colour = DIM) -> None:
    """A small padlock (the font has no 🔒), its top-left at ``(x, y)``, 10×12 px."""
    pen.arc(surface, colour, (x + 2, y, 7, 8), 0, 3.1416, 2)
    pen.line(surface, colour, (x + 2, y + 4), (x + 2, y + 5), 2)
    pen.line(surface, colour, (x + 8, y + 4), (x + 8, y + 5), 2)
    pen.rect(surface, colour, (x, y + 5, 11, 7), border_radius=2)


def focus_ring(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """The keyboard focus: a bright outline and a pointer at its left (not colour alone)."""
    pen.rect(surface, ACCENT, rect, 2, border_radius=5)
    cy = rect.centery
    x = rect.x + 3
    pen.polygon(surface, ACCENT, [(x, cy - 5), (x + 6, cy), (x, cy + 5)])
