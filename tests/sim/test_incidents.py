"""Incidents in the engine: when cards fire (cooldown, maximum, condition, working days, the
rate their weight sets), what a choice does, and that runs with answers replay bit for bit."""

import math

import numpy as np
import pytest

from opssim.model.records import IncidentAnswered
from opssim.scenario import Scenario
from opssim.scenario.schema import Incident
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.clock import HOURS_PER_DAY
from opssim.sim.incidents import (
    ASK,
    Incidents,
    backlog_holds,
    cheap_holds,
    default_choice,
    pace_holds,
)
from opssim.sim.record import Recording, replay, restore, state_checksum


def answered(engine: Engine) -> list[IncidentAnswered]:
    return [r for r in engine.events if isinstance(r, IncidentAnswered)]


def alternate(card: Incident, engine: Engine) -> int:
    """A chooser that is not the default: the last choice on even days, else the first."""
    return len(card.choices) - 1 if (engine.hour // HOURS_PER_DAY) % 2 == 0 else 0


def played(sc: Scenario, seed: int, chooser: object = None) -> tuple[Engine, list[str]]:
    """The plan played week by week, cards answered by ``chooser`` (default: defaults)."""
    e = Engine(sc, seed=seed)
    if chooser is not None:
        e.incidents.chooser = chooser  # type: ignore[assignment]
    sums = []
    for w in range(sc.weeks):
        if e.finished:
            break
        e.set_allocation(sc.plan_hours())
        e.advance_to((w + 1) * HOURS_PER_WEEK)
        sums.append(state_checksum(e))
    return e, sums


def test_cards_never_fire_within_their_cooldown_nor_past_their_maximum(
        with_incidents: Scenario) -> None:
    cards = {c.id: c for c in with_incidents.incidents}
    fired = 0
    for seed in range(12):
        e, _ = played(with_incidents, seed, alternate)
        hours: dict[str, list[int]] = {}
        for r in answered(e):
            hours.setdefault(r.incident, []).append(r.t)
            day = r.t // HOURS_PER_DAY
            assert r.t % HOURS_PER_DAY == 0 and 1 <= day % 7 <= 4  # a working day's start
        for card, at in hours.items():
            gaps = np.diff(at)
            assert (gaps >= cards[card].cooldown_days * HOURS_PER_DAY).all(), (seed, card, at)
            assert len(at) <= cards[card].max_per_run
        fired += len(answered(e))
    assert fired > 12 * 3  # the cards do fire, several times a run


def test_a_card_waits_for_its_condition(with_incidents: Scenario) -> None:
    """``backlog`` fires only with tickets waiting (checked at its hour, in a fork)."""
    seen = 0
    for seed in range(6):
        e = Engine(with_incidents, seed=seed)
        e.incidents.chooser = ASK
        e.set_allocation(with_incidents.plan_hours())
        while not e.finished:
            e.advance_to(e.horizon)
            i = e.incidents.waiting
            if i is None:
                break
            if e.incidents.cards[i].id == "backlog":
                seen += 1
                assert e.truth().support.waiting >= 1
            e.incidents.answer(0)
            if e.now >= (e.weeks_closed + 1) * HOURS_PER_WEEK:
                e.set_allocation(with_incidents.plan_hours())
    assert seen > 0


def test_the_chance_to_fire_follows_the_weight(make_scenario) -> None:
    """One card, no condition, no cooldown: it fires at a check with chance
    ``1 - exp(-weight / checks a week)``; over 800 checks within 4 standard errors."""
    base = make_scenario(weeks=4).model_dump(mode="json", by_alias=True, exclude_none=True)
    base["incidents"] = [{"id": "c", "title": "C", "weight": 2.0, "cooldown_days": 0,
                          "max_per_run": 100,
                          "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]
    sc = Scenario.model_validate(base, strict=False)
    checks = fires = 0
    for seed in range(50):
        e = Engine(sc, seed=seed)
        e.advance_to(e.horizon)  # no allocation needed: the plan stands
        checks += 4 * 4
        fires += len(answered(e))
    p = 1 - math.exp(-2.0 / 4)
    se = math.sqrt(p * (1 - p) / checks)
    assert abs(fires / checks - p) < 4 * se, (fires / checks, p)


def test_a_choice_takes_hours_and_moves_the_state(with_incidents: Scenario) -> None:
    e = Engine(with_incidents, seed=3)
    e.incidents.chooser = ASK
    e.set_allocation(with_incidents.plan_hours())
    e.advance_to(e.horizon)
    while e.incidents.waiting is not None and with_incidents.incidents[
            e.incidents.waiting].id != "often":
        e.incidents.answer(0)
        e.advance_to(e.horizon)
    assert e.incidents.waiting is not None
    assert e.now == e.hour  # the clock stays at the card's hour
    left = sum(b.hours for b in e.blocks if b.start >= e.hour)
    fatigue, rate = e.specialist.fatigue, e.rates._changes[-1][1].copy()
    e.incidents.answer(0)  # take it on: 2-4 hours, fatigue +2, arrivals x1.5 for 2 days
    (r,) = [x for x in answered(e) if x.t == e.hour]
    drawn = dict(r.drawn)
    assert 2 <= drawn["hours"] <= 4
    assert sum(b.hours for b in e.blocks if b.start >= e.hour) == pytest.approx(
        left - drawn["hours"])
    assert e.specialist.fatigue == pytest.approx(min(100.0, fatigue + 2))
    assert e.rates._changes[-1][0] == e.hour
    assert e.rates._changes[-1][1][0] == pytest.approx(rate[0] * 1.5)  # the channel's arrivals
    e.incidents.chooser = default_choice  # later cards: no waiting
    e.advance_to(e.hour + 2 * HOURS_PER_DAY + 1)
    assert not e.incidents.funnel  # the effect ran out after its days


def test_the_same_seed_and_choices_replay_bit_for_bit(with_incidents: Scenario) -> None:
    """Answered as the run goes (the window's way: the run stops at each card, stepped an
    hour at a time) or by a chooser (headless), the same answers make the same run; a
    recording of it replays identically, and an edited answer is found in its week."""
    headless, sums = played(with_incidents, 5, alternate)
    e = Engine(with_incidents, seed=5)
    e.incidents.chooser = ASK
    window_sums = []
    for w in range(with_incidents.weeks):
        e.set_allocation(with_incidents.plan_hours())
        end = (w + 1) * HOURS_PER_WEEK
        while e.now < end and not e.finished:
            e.advance_to(min(end, e.now + 0.5))
            if e.incidents.waiting is not None:
                e.incidents.answer(alternate(e.incidents.cards[e.incidents.waiting], e))
        window_sums.append(state_checksum(e))
    assert window_sums == sums
    assert e.incidents.history == headless.incidents.history
    assert len(headless.incidents.history) >= 3
    assert headless.incidents.deviated_since(0)

    rec = Recording.of(headless, sums)
    again = Recording.from_json(rec.to_json())
    assert again.choices == rec.choices and any(rec.choices)
    assert replay(with_incidents, again).identical
    assert restore(with_incidents, again).incidents.history == headless.incidents.history

    week = next(w for w, a in enumerate(rec.choices) if a)
    hour, card, choice = rec.choices[week][0]
    other = next(c.id for c in with_incidents.incidents if c.id == card
                 for c in c.choices if c.id != choice)

    def edited(answer: tuple[int, str, str]) -> Recording:
        choices = [list(a) for a in rec.choices]
        choices[week][0] = answer
        return Recording(rec.scenario_hash, rec.seed, rec.inputs, rec.checksums,
                         choices=tuple(map(tuple, choices)))

    # Another answer is followed, and the week's state then differs from the recording.
    assert replay(with_incidents, edited((hour, card, other))).first_difference == week + 1
    # An answer at an hour no card fired: the answers themselves differ, and say so.
    result = replay(with_incidents, edited((hour + 1, card, choice)))
    assert result.first_difference == week + 1 and f"h{hour + 1} {card}={choice}" in \
        result.expected and f"h{hour} {card}=" in result.got


def test_a_fork_answers_with_the_defaults(with_incidents: Scenario) -> None:
    """Re-runs and look-aheads never wait on a card: a fork taken while one waits answers it
    with its default, and the run itself still waits."""
    e = Engine(with_incidents, seed=1)
    e.incidents.chooser = ASK
    e.set_allocation(with_incidents.plan_hours())
    e.advance_to(e.horizon)
    i = e.incidents.waiting
    assert i is not None
    twin = e.fork()
    twin.advance_to(twin.horizon)
    card = with_incidents.incidents[i]
    assert twin.incidents.history[0] == (e.hour, card.id, card.choices[card.default_index].id)
    assert twin.finished and e.incidents.waiting == i and not e.finished


def test_no_incidents_no_checks(small: Scenario) -> None:
    """A scenario without cards schedules nothing for them (its runs are as before)."""
    e = Engine(small, seed=0)
    assert not any(a.owner == "incidents" for a in e.agenda.pending.values())


def _eager_check(self: Incidents, day: int) -> None:
    """The check as it was: every condition of every card read (drawing the funnel up to
    now), then the day's numbers."""
    e = self.engine
    if e.finished:
        return
    cache: dict[str, object] = {}
    able = [i for i, c in enumerate(self.cards)
            if self.fired[i] < c.max_per_run
            and e.hour - self.last[i] >= c.cooldown_days * HOURS_PER_DAY
            and cheap_holds(c.when, e, e.hour) and backlog_holds(c.when, e, cache)
            and pace_holds(c.when, e, cache)]
    u, pick = e.streams.fresh("incidents", day).random(2)
    if not able:
        return
    weights = np.array([self.cards[i].weight for i in able])
    total = float(weights.sum())
    if u >= 1.0 - math.exp(-total / max(1, self.checks_per_week)):
        return
    i = able[min(len(able) - 1, int(np.searchsorted(np.cumsum(weights) / total, pick,
                                                    side="right")))]
    self.fired[i] += 1
    self.last[i] = e.hour
    self.waiting = i
    if self.chooser is not None:
        self.answer(self._ask(self.cards[i]))


@pytest.mark.parametrize("fixture", ["starter", "with_incidents"])
def test_reading_only_what_could_matter_fires_the_same_cards(
        fixture: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check reads a pace or the backlog only when the day's number could make a card
    # fire: the same cards fire and the same runs follow, with no more draws of the funnel.
    sc = request.getfixturevalue(fixture)
    flow = Engine._flow
    chunks = [0]

    def counted(engine: Engine, t0: int, t1: int) -> None:
        chunks[0] += 1
        flow(engine, t0, t1)

    monkeypatch.setattr(Engine, "_flow", counted)
    runs, draws = [], []
    for check in (Incidents._check, _eager_check):
        monkeypatch.setattr(Incidents, "_check", check)
        chunks[0] = 0
        runs.append([])
        for seed in range(3):
            e = Engine(sc, seed=seed, attribution=False)
            e.incidents.chooser = alternate  # type: ignore[assignment]
            for w in range(sc.weeks):
                e.set_allocation(sc.plan_hours(w + 1))
                e.advance_to((w + 1) * HOURS_PER_WEEK)
            runs[-1].append((state_checksum(e), e.incidents.history))
        draws.append(chunks[0])
    assert runs[0] == runs[1]
    assert sum(len(history) for _, history in runs[0]) >= 3  # cards did fire
    assert draws[0] <= draws[1]
