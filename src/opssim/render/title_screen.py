"""The title screen: pick a scenario (bundled, or the player's own), load a save, switch the
language or reduced motion, quit. Every item is a button that the keyboard moves through; the
scenario list scrolls when there are more than fit."""

from typing import TYPE_CHECKING

import pygame

from opssim.play.userdata import ScenarioEntry, list_scenarios, user_scenarios_dir
from opssim.render import fonts
from opssim.render.layout import centre, placed
from opssim.render.palette import ACCENT, BAD, BG, DIM, FAINT, GOOD, SIZE, TEXT, TRACK, WARN
from opssim.render.scroll_menu import ScrollMenu
from opssim.render.text import duty_name, num, tr
from opssim.render.ui import Gui
from opssim.render.widgets import panel
from opssim.scenario import Scenario

if TYPE_CHECKING:
    from opssim.render.shell import Shell

LIST = pygame.Rect(80, 178, 470, 42)  # the first scenario button; the others below it
GAP = 8
MAX_SHOWN = 8
DETAILS = pygame.Rect(590, 178, 610, 404)
FOOT = pygame.Rect(80, 612, 1120, 42)  # load, language, motion, quit
ORIGIN = [0, 0]  # the top-left of the screen's 1280×720 block, centred in the window


@placed
def _place() -> None:
    ox, oy = ORIGIN[:] = centre(1280, 720)
    LIST.topleft = ox + 80, oy + 178
    DETAILS.topleft = ox + 590, oy + 178
    FOOT.topleft = ox + 80, oy + 612


class TitleScreen:
    """The scenario list (scrolling past :data:`MAX_SHOWN`) and the details of the focused
    scenario."""

    def __init__(self, game: "Shell") -> None:
        self.game = game
        lang = self.lang = game.lang
        self.gui = Gui(SIZE, lang, game.scale)
        self.entries: list[ScenarioEntry] = list_scenarios()
        items = [(fonts.fit(e.title.get(lang), 15, LIST.w - 24),
                  lambda e=e: game.start_entry(e)) for e in self.entries]
        foot = self.gui.row(FOOT, [
            (tr("load", lang), lambda: game.open_saves("load")),
            (tr("language", lang), game.toggle_lang),
            (tr("motion_on" if game.reduced_motion else "motion_off", lang), game.toggle_motion),
            (tr("quit", lang), game.quit),
        ])
        self.menu = ScrollMenu(self.gui, LIST, MAX_SHOWN, items, gap=GAP, after=foot)
        self.count = len(self.entries)
        for i, e in enumerate(self.entries):
            if e.error:
                self.menu.set_enabled(i, False)  # focusable: the details say why
        self.menu.index = next((i for i, e in enumerate(self.entries) if e.path.stem == "starter"
                                and not e.error), self.menu.index)
        self.menu.move(0)

    def handle(self, event: pygame.event.Event) -> bool:
        """Keys and the wheel move, page and press; clicks go to the buttons."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.game.quit()
            return True
        return self.menu.handle_key(event) or self.gui.process(event)

    def step(self) -> None:
        """Nothing moves on the title screen."""

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The header, the list (buttons) and where it stands, the details and the key hint."""
        lang = self.lang
        surface.fill(BG)
        ox, oy = ORIGIN
        fonts.draw(surface, tr("game_name", lang), (ox + 80, oy + 48), 44, ACCENT, bold=True)
        fonts.draw(surface, tr("tagline", lang), (ox + 82, oy + 108), 18, DIM)
        fonts.draw(surface, tr("choose", lang), (LIST.x, LIST.y - 28), 15, DIM, bold=True)
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, ACCENT)
        self.menu.draw_marker(surface, TRACK, DIM)
        where = self.menu.position(lang)
        if where:
            fonts.draw(surface, where, (LIST.x, self.menu.area.bottom + 8), 13, DIM)
        if self.menu.index < self.count:
            self._details(surface, self.entries[self.menu.index])
        inner = FOOT.w
        folder = tr("own_folder", lang, path=str(user_scenarios_dir()))
        fonts.draw(surface, fonts.fit(folder, 12, inner), (FOOT.x, FOOT.bottom + 12), 12, FAINT)
        fonts.draw(surface, tr("title_keys", lang), (FOOT.right, FOOT.y - 22), 13, FAINT,
                   anchor="topright")

    def _details(self, surface: pygame.Surface, e: ScenarioEntry) -> None:
        lang = self.lang
        r = DETAILS
        panel(surface, r)
        x, w = r.x + 24, r.w - 48
        y = r.y + 20
        for line in lines(e.title.get(lang), 24, w, 2, bold=True):
            fonts.draw(surface, line, (x, y), 24, TEXT, bold=True)
            y += 34
        y += 6
        if e.error:
            for line in fonts.wrap(tr("invalid", lang, error=e.error), 14, w)[:8]:
                fonts.draw(surface, line, (x, y), 14, BAD)
                y += 20
            return
        diff = tr(f"diff_{e.difficulty}", lang)
        facts = " · ".join([tr("difficulty", lang, d=diff), tr("weeks_n", lang, n=e.weeks),
                            tr("bundled" if e.bundled else "yours", lang)])
        fonts.draw(surface, fonts.fit(facts, 15, w), (x, y), 15, WARN, bold=True)
        y += 34
        for line in lines(e.description.get(lang), 16, w, 4):
            fonts.draw(surface, line, (x, y), 16, TEXT)
            y += 24
        if e.scenario is not None:
            self._facts(surface, e.scenario, x, y + 14, w, r.bottom - 12)

    def _facts(self, surface: pygame.Surface, sc: Scenario, x: int, y: int, w: int,
               bottom: int) -> None:
        """The funnel, the duties that are the player's, the targets and the promotion bar,
        as far as the panel (down to ``bottom``) has room."""
        lang = self.lang
        labels = {s.id: s.label.get(lang) if s.label else s.id for s in sc.funnel.stages}
        targets = target_facts(sc, lang)
        promo = sc.blame.promotion
        skills = "".join(tr("t_skill", lang, skill=duty_name(d, lang, sc), pct=round(100 * v))
                         for d, v in promo.skills.items())
        rows = [
            ("t_funnel", " → ".join(labels.values())),
            ("t_duties", " · ".join(duty_name(d, lang, sc) for d in sc.duty_ids)),
            ("t_targets", " · ".join(targets)),
        ]
        for key, value in rows:
            room = (bottom - y - 20 - 29) // 21  # its lines, and the promotion line below
            if room < 1:
                break
            fonts.draw(surface, tr(key, lang), (x, y), 13, DIM, bold=True)
            y += 20
            for line in lines(value, 15, w, min(2, room)):
                fonts.draw(surface, line, (x, y), 15, TEXT)
                y += 21
            y += 8
        line = tr("t_promotion", lang, rep=f"{promo.reputation:g}", skills=skills)
        if y + 21 <= bottom:
            fonts.draw(surface, fonts.fit(line, 15, w), (x, y), 15, GOOD)


def lines(text: str, size: int, width: int, most: int, *, bold: bool = False) -> list[str]:
    """``text`` wrapped to ``width``, at most ``most`` lines, the last ending in an ellipsis
    when there was more."""
    # No glyph is narrower than a fifth of the size: wrap only what could fill the lines.
    wrapped = fonts.wrap(text[:(most + 1) * (width * 5 // size + 2)], size, width, bold)
    if len(wrapped) <= most:
        return wrapped
    last = wrapped[most - 1].removesuffix("…") + " " + wrapped[most]
    return [*wrapped[:most - 1], fonts.fit(last, size, width, bold)]


def target_facts(sc: Scenario, lang: str) -> list[str]:
    """Each target in a few words: ``Signed up: 1,150 a week``, ``Paying: 900 in weeks 6-7``,
    ``revenue from Paying: 6,000 a week``."""
    labels = {s.id: s.label.get(lang) if s.label else s.id for s in sc.funnel.stages}
    out = []
    for k in sc.kpis:
        stage = labels.get(k.stage, k.stage)
        if k.revenue:
            stage = tr("t_revenue", lang, stage=stage)
        window = not k.weekly and (k.from_week, k.to_week) != (1, sc.weeks)
        key = "t_per_week" if k.weekly else "t_total_window" if window else "t_total"
        out.append(tr(key, lang, stage=stage, n=num(k.amount), a=k.from_week, b=k.to_week))
    return out
