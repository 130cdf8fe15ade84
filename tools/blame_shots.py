"""Render the blame popup for real blame events of the starter into PNGs (SDL dummy driver):

    python tools/blame_shots.py OUT_DIR "SPEC|SEED|WEEK|KPI|NAME" ...

writes OUT_DIR/NAME-en.png and OUT_DIR/NAME-zh.png, and prints each popup's sentence. The
docs' shots: "even|3|7|signups|blame-popup" (luck helped) and
"plan|9|12|signups|blame-popup-inconclusive".
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame

from opssim.batch import parse_policy
from opssim.batch.run import run_engine
from opssim.model.records import BlameEvent, Dashboard, Review
from opssim.render.blame_popup import BlamePopup
from opssim.render.palette import BG, SIZE
from opssim.scenario import default_scenario_path, load_scenario


def main() -> None:
    out = Path(sys.argv[1])
    pygame.init()
    screen = pygame.display.set_mode(SIZE)
    sc = load_scenario(default_scenario_path())
    for arg in sys.argv[2:]:
        spec, seed, week, kpi, name = arg.split("|")
        e = run_engine(sc, int(seed), parse_policy(spec, sc))
        blames = [r for r in e.events if isinstance(r, BlameEvent) and r.week == int(week)
                  and r.kpi == kpi]
        dash = next(r for r in e.events if isinstance(r, Dashboard) and r.week == int(week))
        rep = next(r.reputation for r in e.events if isinstance(r, Review) and r.week == int(week))
        for lang in ("en", "zh"):
            labels = {t.kpi: next(s.label.get(lang) for s in sc.funnel.stages if s.id == t.stage)
                      for t in sc.reviews.targets}
            popup = BlamePopup(lang, labels, sc.blame.promotion.reputation, sc.blame)
            popup.show(blames, rep, auto=False, dashboard=dash)
            screen.fill(BG)
            popup.draw(screen)
            pygame.image.save(screen, out / f"{name}-{lang}.png")
            print(name, lang, popup.sentence(blames[0]))


if __name__ == "__main__":
    main()
