"""The save list: scenario title, week and date of each save, newest first, scrolling when
there are more than fit. In save mode the first item makes a new save and the others are
overwritten; in load mode choosing one loads it (a run restored by replaying its hours).
Either way Delete (or the small button on the focused row) deletes a save, once confirmed."""

from typing import TYPE_CHECKING

import pygame

from opssim.play.userdata import SaveEntry, delete_save, list_saves, saves_dir
from opssim.render import fonts, pen
from opssim.render.confirm_box import ConfirmBox
from opssim.render.layout import centre, placed
from opssim.render.palette import ACCENT, BAD, DIM, FAINT, SHADE, SIZE, TEXT, TRACK
from opssim.render.scroll_menu import ScrollMenu
from opssim.render.text import tr
from opssim.render.ui import Gui
from opssim.render.widgets import panel

if TYPE_CHECKING:
    from opssim.render.shell import Shell

RECT = pygame.Rect(0, 0, 800, 600)
ROWS = pygame.Rect(0, 0, RECT.w - 100, 38)
GAP = 8
MAX_ROWS = 9  # rows shown at a time, the back button below them
DEL_W = 76  # the delete button beside the focused row
ROW = pygame.Rect(0, 0, ROWS.w - DEL_W - 8, ROWS.h)  # a save's row, left of the delete button
#: Delete, and Backspace for keyboards without a Delete key (there is no text field here).
DELETE_KEYS = (pygame.K_DELETE, pygame.K_BACKSPACE)
CONFIRM = pygame.Rect(0, 0, 600, 200)


@placed
def _place() -> None:
    RECT.topleft = centre(*RECT.size)
    ROWS.topleft = RECT.x + 50, RECT.y + 76
    ROW.topleft = ROWS.topleft
    CONFIRM.center = RECT.center


class SaveScreen:
    """``mode`` is ``save`` or ``load``."""

    def __init__(self, game: "Shell", mode: str) -> None:
        self.game = game
        self.mode = mode
        self.lang = game.lang
        self.rect = RECT
        self.gui = Gui(SIZE, self.lang, game.scale)
        self.message: tuple[str, tuple[int, int, int]] | None = None
        self.confirm: ConfirmBox | None = None
        self._build()

    def _build(self) -> None:
        """The rows from the saves on disk (again after a delete)."""
        game, lang, mode = self.game, self.lang, self.mode
        self.gui.clear()
        self.saves: list[SaveEntry] = list_saves()
        items = []
        if mode == "save":
            items.append((tr("new_save", lang), lambda: game.save_to(None)))
        self.skip = len(items)  # rows before the saves
        for s in self.saves:
            if s.recording is None:
                label = tr("save_bad", lang, name=s.name)
            else:
                label = tr("save_row", lang, title=s.title.get(lang), week=s.week, date=s.date)
            act = ((lambda s=s: game.save_to(s.path)) if mode == "save"
                   else (lambda s=s: game.load_from(s.path)))
            items.append((fonts.fit(label, 15, ROW.w - 24), act))
        back = self.gui.menu(ROWS.move(0, MAX_ROWS * (ROWS.h + GAP)),
                             [(tr("back", lang), game.close_overlay)])
        self.menu = ScrollMenu(self.gui, ROW, MAX_ROWS, items, gap=GAP, after=back)
        self.rows = len(items)
        for i, s in enumerate(self.saves):
            if s.recording is None and mode == "load":
                self.menu.set_enabled(self.skip + i, False)
        self.delete = self.gui.button(pygame.Rect(ROW.right + 8, ROW.y, DEL_W, ROW.h),
                                      tr("delete", lang), self.ask_delete)
        self._place_delete()
        if not self.saves:
            self.message = (tr("no_saves", lang), DIM)

    @property
    def focused_save(self) -> SaveEntry | None:
        """The save the focus is on, if any."""
        i = self.menu.index - self.skip
        return self.saves[i] if 0 <= i < len(self.saves) else None

    @property
    def position(self) -> str:
        """Which saves are in view ('1–9 of 25'), empty when all are."""
        return self.menu.position(self.lang, skip=self.skip)

    def _place_delete(self) -> None:
        """The delete button beside the focused row, when that row is a save in view."""
        i = self.menu.index
        if self.focused_save is None or not self.menu.visible(i):
            self.delete.hide()
            return
        self.delete.move_to((ROW.right + 8, self.menu.slots[i - self.menu.top].rect.y))
        self.delete.show()

    # -- input ----------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        """Esc goes back, Delete asks to delete; keys and the wheel move, page and press;
        clicks go to the buttons. A confirmation takes everything while it is up."""
        if self.confirm is not None:
            return self.confirm.handle(event)
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.game.close_overlay()
            return True
        if event.type == pygame.KEYDOWN and event.key in DELETE_KEYS:
            self.ask_delete()
            return True
        if event.type == pygame.MOUSEMOTION:  # the delete button counts as its row
            self.menu.hover(event.pos, width=DEL_W + 8)
        used = self.menu.handle_key(event) or self.gui.process(event)
        self._place_delete()
        return used

    def ask_delete(self) -> None:
        """Ask whether to delete the focused save (nothing when the focus is not on one)."""
        save = self.focused_save
        if save is None:
            return
        lang = self.lang
        detail = self.menu.labels[self.menu.index]
        self.confirm = ConfirmBox(
            CONFIRM, lang, self.game.scale, question=tr("delete_ask", lang), detail=detail,
            note=f"{save.name} · {tr('delete_gone', lang)}", keys=tr("delete_keys", lang),
            yes=tr("delete_yes", lang), no=tr("delete_no", lang),
            on_yes=lambda: self._delete(save), on_no=self._close_confirm)

    def _close_confirm(self) -> None:
        if self.confirm is not None:
            self.confirm.gui.clear()
        self.confirm = None

    def _delete(self, save: SaveEntry) -> None:
        """Delete ``save`` and list the saves again, the focus where it was."""
        self._close_confirm()
        try:
            delete_save(save.path)
        except (OSError, ValueError) as exc:
            self.message = (tr("delete_failed", self.lang, error=str(exc)), BAD)
            return
        index, top = self.menu.index, self.menu.top
        self._build()
        self.message = (tr("deleted", self.lang, name=save.name), DIM)
        self.menu.top = top
        self.menu.jump(min(index, self.menu.count - 1))
        if self.menu.count == 0:  # the last one: focus the back button
            self.menu.move(0)
        self._place_delete()

    # -- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The shade, the panel, the rows, where the list stands, a message line and hints;
        the confirmation over them."""
        pen.shade(surface, (0, 0, *SIZE), SHADE)
        panel(surface, RECT, edge=ACCENT, width=2)
        lang = self.lang
        fonts.draw(surface, tr(f"saves_title_{self.mode}", lang), (RECT.x + 30, RECT.y + 22), 22,
                   TEXT, bold=True)
        where = self.position
        if where:
            fonts.draw(surface, where, (RECT.right - 30, RECT.y + 30), 13, DIM,
                       anchor="topright")
        self._place_delete()
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, ACCENT)
        self.menu.draw_marker(surface, TRACK, DIM, right=ROWS.right)
        w = RECT.w - 60
        if self.message:
            text, colour = self.message
            fonts.draw(surface, fonts.fit(text, 14, w), (RECT.x + 30, RECT.bottom - 66), 14,
                       colour)
        folder = tr("saves_folder", lang, path=str(saves_dir()))
        fonts.draw(surface, fonts.fit(folder, 12, w), (RECT.x + 30, RECT.bottom - 42), 12, FAINT)
        fonts.draw(surface, fonts.fit(tr("saves_keys", lang), 12, w),
                   (RECT.x + 30, RECT.bottom - 24), 12, FAINT)
        if self.confirm is not None:
            pen.shade(surface, (0, 0, *SIZE), SHADE)
            self.confirm.draw(surface, seconds)

    def fail(self, text: str) -> None:
        """Say why a load did not work."""
        self.message = (text, BAD)
