"""Long play: the window, offscreen, plays whole scenarios back to back (a player restarting)
and its memory does not grow beyond 10% after the first run (the warm-up: fonts, caches).

The suite plays three runs of the tutorial (~10 s). ``make longplay`` (``OPSSIM_LONG_PLAY=1``)
plays the honest equivalent of an hour at the keyboard: twelve full runs, every shipped
scenario twice, every frame painted: about 120 weeks of play and 18,000 frames.

RSS is read from /proc (pygame's surfaces live outside Python's allocator, so tracemalloc
would not see them).
"""

import gc
import os
from pathlib import Path

import pygame
import pytest

from opssim.render.app import App
from opssim.scenario import Scenario, default_scenario_path, load_scenario

LONG = os.environ.get("OPSSIM_LONG_PLAY") == "1"
SCENARIOS = default_scenario_path().parent
STATM = Path("/proc/self/statm")


def rss_mb() -> float:
    """Resident memory of this process, in MB."""
    return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_app(scenario: Scenario, seed: int) -> App:
    """The window's run, playing itself (tolerant of how the App is put together)."""
    app = App(scenario, seed=seed, lang="en", auto=True)
    driver = getattr(app, "driver", None)
    if driver is not None and not LONG:
        driver.hold_frames = 5  # the suite's short version: fewer frames held per week
    return app


def play_through(app: App, screen: pygame.Surface, draw_every: int) -> int:
    """Step (and paint every ``draw_every``-th frame) until the run is over; frames played.

    Events are handled every frame as the window's loop does: pygame_gui posts events that
    hold its widgets, and an undrained queue would keep every old run alive.
    """
    frames = 0
    while not app.engine.finished and frames < 50_000:
        for event in pygame.event.get():
            app.handle(event)
        app.step()
        if frames % draw_every == 0:
            app.draw(screen)
        frames += 1
    app.step()
    app.draw(screen)  # the end screen
    return frames + 1


@pytest.mark.skipif(not STATM.exists(), reason="reads RSS from /proc (Linux)")
def test_memory_stays_flat_over_runs_back_to_back(screen: pygame.Surface) -> None:
    if LONG:
        plan = [(p.stem, seed) for seed in (1, 2) for p in sorted(SCENARIOS.glob("*.yaml"))]
        draw_every = 1
    else:
        plan = [("tutorial", seed) for seed in (1, 2, 3)]
        draw_every = 4
    scenarios = {name: load_scenario(SCENARIOS / f"{name}.yaml") for name, _ in plan}
    frames = 0
    sizes = []
    for name, seed in plan:
        frames += play_through(make_app(scenarios[name], seed), screen, draw_every)
        gc.collect()
        sizes.append(rss_mb())
    warm = len(scenarios) if LONG else 1  # a run of every scenario warms its caches
    baseline = sizes[warm - 1]
    growth = max(sizes[warm:]) / baseline - 1
    print(f"\nlong play: {len(plan)} runs, {frames} frames; RSS after each run "
          f"{[round(s, 1) for s in sizes]} MB; most growth after warm-up {growth:+.1%}")
    assert growth <= 0.10, f"RSS grew {growth:.1%} after warm-up: {sizes}"
