"""The one pygame_gui adapter: a menu the keyboard moves through, greyed items skipped."""

import pygame

from opssim.render.ui import Gui


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def test_menu_keys_move_wrap_skip_and_press(screen: pygame.Surface) -> None:
    pressed: list[str] = []
    gui = Gui((1280, 720), "en")
    menu = gui.menu(pygame.Rect(100, 100, 200, 40),
                    [(name, lambda name=name: pressed.append(name)) for name in "abcd"])
    assert menu.index == 0 and menu.buttons[0].element.is_selected
    menu.set_enabled(1, False)
    assert menu.handle_key(key(pygame.K_DOWN)) and menu.index == 2  # b is greyed: skipped
    assert menu.handle_key(key(pygame.K_TAB)) and menu.index == 3
    assert menu.handle_key(key(pygame.K_TAB)) and menu.index == 0  # wraps
    assert menu.handle_key(key(pygame.K_TAB, pygame.KMOD_SHIFT)) and menu.index == 3
    assert menu.handle_key(key(pygame.K_UP)) and menu.index == 2
    assert menu.handle_key(key(pygame.K_RETURN)) and pressed == ["c"]
    assert not menu.handle_key(key(pygame.K_a))
    assert [b.element.is_selected for b in menu.buttons] == [False, False, True, False]
    assert menu.buttons[3].rect.y == 100 + 3 * 50
    gui.clear()
