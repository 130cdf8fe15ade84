"""Lists longer than their room: 25 of the player's scenarios on the title screen and 25 saves
in the save list scroll with the wheel, arrows, PageUp/PageDown and Home/End, say where they
stand, and keep the focus in view; a save is deleted after a confirmation, and never anything
outside the saves folder.

``OPSSIM_SHOTS=DIR`` keeps the screenshots in DIR to look at.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from opssim.play.userdata import delete_save, list_saves
from opssim.render import fonts
from opssim.render.game import Game
from opssim.render.palette import SIZE
from opssim.render.save_screen import CONFIRM, SaveScreen
from opssim.render.title_screen import TitleScreen
from opssim.scenario import Scenario, default_scenario_path, scenario_hash
from opssim.sim.record import Recording, file_sha256, state_checksum, weeks_of

N = 25


pytestmark = pytest.mark.usefixtures("data")  # every test here has its own data folder


@pytest.fixture
def window() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode(SIZE)
    pygame.quit()
    fonts.reset()


@pytest.fixture
def scenarios(data: Path) -> list[Path]:
    """25 of the player's own scenarios, titled 'Scenario 01' to 'Scenario 25'."""
    own = data / "scenarios"
    own.mkdir(parents=True)
    text = default_scenario_path().read_text(encoding="utf-8")
    old = 'title: {en: "First job: the spring launch", zh: "第一份工作：春季上线"}'
    assert old in text
    paths = []
    for i in range(1, N + 1):
        p = own / f"mine-{i:02d}.yaml"
        p.write_text(text.replace(old, f'title: {{en: "Scenario {i:02d}", zh: "场景 {i:02d}"}}'),
                     encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def saves(data: Path, starter: Scenario) -> list[Path]:
    """25 saves, newest first: save ``i`` resumes at week ``i % 3 + 2``."""
    folder = data / "saves"
    folder.mkdir(parents=True)
    plan = starter.plan_hours()
    played = [(state_checksum(e), tuple(e.incidents.choices_in_week(w)))
              for w, e in weeks_of(starter, 5, (plan,) * 3)]
    sums, answers = [p[0] for p in played], [p[1] for p in played]
    paths = []
    for i in range(N):
        weeks = i % 3 + 1
        rec = Recording(scenario_hash(starter), 5, (plan,) * weeks, tuple(sums[:weeks]),
                        scenario=str(default_scenario_path()), policy="window",
                        scenario_sha256=file_sha256(default_scenario_path()),
                        choices=tuple(answers[:weeks]))
        p = folder / f"save-{i:02d}.json"
        rec.save(p)
        os.utime(p, (2_000_000_000 - i * 60, 2_000_000_000 - i * 60))  # save-00 newest
        paths.append(p)
    return paths


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def wheel(y: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, precise_x=0.0, precise_y=float(y),
                              flipped=False, touch=False, which=0)


def labels(menu: object) -> list[str]:
    return [b.text for b in menu.slots]  # type: ignore[attr-defined]


def drawn(game: Game, window: pygame.Surface) -> list[tuple[str, pygame.Rect]]:
    with fonts.tracing() as texts:
        game.draw(window)
    return texts


def on_title(lang: str) -> tuple[Game, TitleScreen]:
    """A game on its title screen, and that screen."""
    game = Game(lang=lang)
    game.to_title()
    assert isinstance(game.scene, TitleScreen)
    return game, game.scene


def shoot(window: pygame.Surface, name: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("OPSSIM_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pygame.image.save(window, shots / f"{name}.png")


# -- the title screen -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_title_list_scrolls(window: pygame.Surface, scenarios: list[Path], lang: str,
                                tmp_path: Path) -> None:
    game, title = on_title(lang)
    menu = title.menu
    n = len(title.entries)
    bundled = n - N
    assert n == N + bundled and len(menu.slots) == 8
    assert title.entries[menu.index].path.stem == "starter" and menu.top == 0
    first = menu.position(lang)
    assert first == (f"1–8 of {n}" if lang == "en" else f"第 1–8 个，共 {n} 个")
    assert first in [t for t, _ in drawn(game, window)]
    # Down past the last row in view: the list follows the focus.
    for _ in range(8 - menu.index):
        game.handle(key(pygame.K_DOWN))
    assert menu.index == 8 and menu.top == 1
    assert labels(menu)[-1] == title.entries[8].title.get(lang)
    # PageDown a page, End to the last, the wheel, Home back.
    game.handle(key(pygame.K_PAGEDOWN))
    assert menu.index == 16 and menu.visible(16)
    game.handle(key(pygame.K_END))
    assert menu.index == n - 1 and menu.top == n - 8
    assert labels(menu)[-1] == ("Scenario 25" if lang == "en" else "场景 25")
    where = menu.position(lang)
    assert where == (f"{n - 7}–{n} of {n}" if lang == "en" else f"第 {n - 7}–{n} 个，共 {n} 个")
    texts = drawn(game, window)
    assert where in [t for t, _ in texts]
    screen = pygame.Rect((0, 0), SIZE)
    assert all(screen.contains(r) for _, r in texts)
    shoot(window, f"title-scrolled-{lang}", tmp_path)
    game.handle(wheel(3))  # up three rows: the focus follows into view
    assert menu.top == n - 11 and menu.index == n - 4 and menu.visible(menu.index)
    game.handle(wheel(-1))
    assert menu.top == n - 10
    game.handle(key(pygame.K_PAGEUP))
    assert menu.index == n - 12 and menu.visible(menu.index)
    game.handle(key(pygame.K_HOME))
    assert menu.index == 0 and menu.top == 0
    # Down from the last scenario goes to the buttons below; Up comes back to it, in view.
    game.handle(key(pygame.K_END))
    game.handle(key(pygame.K_DOWN))
    assert menu.index == n  # Load game
    game.handle(key(pygame.K_HOME))
    game.handle(key(pygame.K_UP))
    game.handle(key(pygame.K_UP))  # wraps to Quit, then Motion
    assert menu.index == n + 2
    game.handle(key(pygame.K_PAGEUP))  # back into the list from its end
    assert menu.index == n - 9 and menu.visible(n - 9)


def test_the_title_list_scrolled_starts_what_is_focused(window: pygame.Surface,
                                                        scenarios: list[Path]) -> None:
    game, title = on_title("en")
    game.handle(key(pygame.K_END))
    for _ in range(4):
        game.handle(key(pygame.K_UP))
    top = title.menu.top
    game.toggle_lang()  # the rebuilt screen keeps the focus and the scroll
    assert isinstance(game.scene, TitleScreen) and game.scene is not title
    assert (game.scene.menu.index, game.scene.menu.top) == (title.menu.index, top)
    game.toggle_lang()
    game.handle(key(pygame.K_RETURN))
    assert game.app is not None and game.path == scenarios[-5]


def test_a_click_on_a_scrolled_row_starts_that_row(window: pygame.Surface,
                                                   scenarios: list[Path]) -> None:
    game, title = on_title("en")
    game.handle(wheel(-10))
    assert title.menu.top == 10
    row = title.menu.slots[2].rect
    pygame.mouse.set_pos(row.center)
    for kind in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        extra = {"rel": (0, 0), "buttons": (0, 0, 0)} if kind == pygame.MOUSEMOTION else {
            "button": 1}
        pygame.event.post(pygame.event.Event(kind, pos=row.center, touch=False, window=None,
                                             **extra))
        for _ in range(2):
            for event in pygame.event.get():
                game.handle(event)
            game.step()
        game.draw(window, 0.05)
        if kind == pygame.MOUSEMOTION and game.app is None:
            assert title.menu.index == 12  # the pointer focuses the row under it
    assert game.app is not None and game.path == title.entries[12].path


# -- the save list ----------------------------------------------------------------------------


def test_the_save_list_scrolls_and_loads_the_focused(window: pygame.Surface,
                                                     saves: list[Path]) -> None:
    game = Game(lang="en")
    game.to_title()
    game.open_saves("load")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen)
    menu = screen.menu
    assert len(menu.slots) == 9 and screen.position == "1–9 of 25"
    for _ in range(9):
        game.handle(key(pygame.K_DOWN))
    assert menu.index == 9 and menu.top == 1 and menu.position("en") == "2–10 of 25"
    assert "week" in labels(menu)[-1]
    game.handle(key(pygame.K_END))
    assert menu.index == 24 and menu.position("en") == "17–25 of 25"
    game.handle(wheel(2))
    assert menu.top == 14 and menu.index == 22
    game.handle(key(pygame.K_RETURN))
    assert game.app is not None and game.app.driver.week == 22 % 3 + 1
    game.open_saves("save")
    saving = game.overlays[-1]
    assert isinstance(saving, SaveScreen)
    assert saving.position == "1–8 of 25"  # the first row is '+ New save'
    game.handle(key(pygame.K_END))
    assert saving.position == "17–25 of 25"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_delete_a_save_after_confirming(window: pygame.Surface, saves: list[Path], lang: str,
                                        tmp_path: Path) -> None:
    game = Game(lang=lang)
    game.to_title()
    game.open_saves("load")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen)
    for _ in range(12):
        game.handle(key(pygame.K_DOWN))
    assert screen.menu.index == 12 and screen.focused_save is not None
    target = screen.focused_save.path
    # The small delete button sits beside the focused row.
    slot = screen.menu.slots[12 - screen.menu.top].rect
    assert screen.delete.element.visible and screen.delete.rect.y == slot.y
    assert screen.delete.rect.x > slot.right
    game.handle(key(pygame.K_DELETE))
    assert screen.confirm is not None
    texts = drawn(game, window)
    for text, r in texts[-4:]:  # the box's lines, last drawn
        assert CONFIRM.contains(r), f"{text!r} at {r} leaves the box"
    assert all(fonts.width(b.text, 15) <= b.rect.w - 8 for b in screen.confirm.menu.buttons)
    shoot(window, f"load-delete-confirm-{lang}", tmp_path)
    game.handle(key(pygame.K_DOWN))  # keys other than the answers do not leak to the list
    game.handle(key(pygame.K_ESCAPE))  # keep it
    assert screen.confirm is None and target.exists() and game.overlays[-1] is screen
    game.handle(key(pygame.K_DELETE))
    game.handle(key(pygame.K_n))
    assert screen.confirm is None and target.exists()
    game.handle(key(pygame.K_DELETE))
    game.handle(key(pygame.K_y))
    assert not target.exists() and len(list_saves()) == N - 1
    assert screen.confirm is None and len(screen.saves) == N - 1
    assert screen.menu.index == 12 and screen.focused_save is not None
    assert screen.focused_save.path == saves[13]  # the focus stays where it was
    assert screen.message is not None and target.name in screen.message[0]
    game.handle(key(pygame.K_DELETE))
    game.handle(key(pygame.K_RETURN))  # Enter presses the focused button: Keep, at first
    assert screen.confirm is None and saves[13].exists()
    game.handle(key(pygame.K_DELETE))
    game.handle(key(pygame.K_LEFT))  # to Delete
    game.handle(key(pygame.K_RETURN))
    assert not saves[13].exists() and len(list_saves()) == N - 2
    drawn(game, window)


def test_delete_needs_a_save_in_focus(window: pygame.Surface, saves: list[Path],
                                      data: Path) -> None:
    (data / "saves" / "broken.json").write_text("{", encoding="utf-8")
    game = Game(lang="en")
    game.to_title()
    game.open_saves("save")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen) and screen.menu.index == 0  # '+ New save'
    game.handle(key(pygame.K_DELETE))
    assert screen.confirm is None and not screen.delete.element.visible
    game.handle(key(pygame.K_UP))  # Back
    game.handle(key(pygame.K_DELETE))
    assert screen.confirm is None and len(list_saves()) == N + 1
    game.close_overlay()
    game.open_saves("load")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen)
    bad = [i for i, s in enumerate(screen.saves) if s.recording is None]
    assert bad and not screen.menu.enabled[bad[0]]  # cannot be loaded ...
    screen.menu.jump(bad[0])
    game.handle(key(pygame.K_RETURN))
    assert game.app is None
    game.handle(key(pygame.K_DELETE))  # ... but can be deleted
    game.handle(key(pygame.K_y))
    assert not (data / "saves" / "broken.json").exists()


def test_delete_never_leaves_the_saves_folder(data: Path, tmp_path: Path) -> None:
    folder = data / "saves"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    nested = folder / "sub" / "x.json"
    nested.write_text("{}", encoding="utf-8")
    text = folder / "notes.txt"
    text.write_text("mine", encoding="utf-8")
    for path in (outside, folder / ".." / ".." / "outside.json", nested, text, folder / "sub"):
        with pytest.raises(ValueError):
            delete_save(path)
    assert outside.exists() and nested.exists() and text.exists()
    link = folder / "link.json"
    link.symlink_to(outside)
    delete_save(link)  # the link goes, not what it points to
    assert not link.is_symlink() and outside.exists()
    with pytest.raises(ValueError):
        delete_save(folder / "gone.json")


def test_a_relabelled_focused_row_shows_its_new_label(window: pygame.Surface,
                                                      scenarios: list[Path]) -> None:
    """pygame_gui redraws a button's other states a frame at a time: a row relabelled by a
    scroll and focused at once must not show the label it had."""
    from opssim.render.ui import Gui

    game, title = on_title("en")
    while title.menu.index < 8:  # the last row focused, with another label
        game.handle(key(pygame.K_DOWN))
    game.draw(window, 0.0)
    game.handle(key(pygame.K_END))
    game.draw(window, 0.0)
    slot = title.menu.slots[-1]
    gui = Gui(SIZE, "en")
    fresh = gui.button(slot.rect, "Scenario 25", lambda: None)
    fresh.focus(True)
    gui.update(0.0)
    assert slot.text == "Scenario 25"
    assert pygame.image.tobytes(slot.element.image, "RGBA") == \
        pygame.image.tobytes(fresh.element.image, "RGBA")
