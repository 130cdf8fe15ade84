"""Each duty moves its lever: more hours on it, same seed, all else equal → the expected way.

Runs use the starter scenario, which has all eight duties.
"""

from collections.abc import Iterable

import numpy as np
import pytest

from opssim.batch import PolicyError, parse_policy, run_engine
from opssim.model import DUTY_IDS, AllocationError
from opssim.model.records import (
    AnalysisReady,
    Complaints,
    DepartmentAnswer,
    DepartmentRequest,
    EventLaunched,
    PartnerSigned,
    PiecePublished,
    Record,
)
from opssim.scenario import Scenario, default_scenario_path, load_scenario
from opssim.sim import Engine

BASE = {"copy": 8, "events": 8, "support": 10, "ground": 4, "analysis": 2}


@pytest.fixture(scope="module")
def starter() -> Scenario:
    return load_scenario(default_scenario_path())


def run(sc: Scenario, seed: int = 3, **hours: float) -> Engine:
    alloc = {**BASE, **hours}
    spec = "fixed:" + ",".join(f"{d}={h}" for d, h in alloc.items())
    return run_engine(sc, seed, parse_policy(spec, sc))


def of(engine: Engine, kind: type[Record]) -> list:
    return [r for r in engine.events if isinstance(r, kind)]


def seg_reached(engine: Engine, segment: str, stage: str) -> int:
    f = engine.funnel
    return int(f.entered[engine.scenario.stage_index(stage), engine.segments.index(segment)].sum())


def mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return sum(xs) / len(xs) if xs else 0.0


def test_copy_hours_publish_more_pieces_and_lift_signups(starter: Scenario) -> None:
    low, high = run(starter, copy=2), run(starter, copy=20)
    assert len(of(high, PiecePublished)) > 2 * len(of(low, PiecePublished))
    assert seg_reached(high, "copy", "aware") > 2 * seg_reached(low, "copy", "aware")
    conv = [e.truth().stage("signup").reached / e.truth().stage("visit").reached
            for e in (low, high)]
    assert conv[1] > conv[0] * 1.1


def test_copy_quality_falls_with_fatigue(starter: Scenario) -> None:
    rested = run(starter, copy=10, support=10)
    tired = run(starter, copy=10, support=10, ground=21, events=12)  # 55 h: deep overtime
    assert tired.specialist.fatigue > rested.specialist.fatigue + 20
    assert mean(r.quality for r in of(tired, PiecePublished)[-5:]) < mean(
        r.quality for r in of(rested, PiecePublished)[-5:]
    )


def test_event_hours_launch_more_events_and_bring_visits(starter: Scenario) -> None:
    low, high = run(starter, events=4), run(starter, events=20)
    assert len(of(high, EventLaunched)) > len(of(low, EventLaunched))
    assert seg_reached(high, "events", "visit") > seg_reached(low, "events", "visit")


def test_event_data_collection_needs_hours(starter: Scenario) -> None:
    # Events hours go to data collection first: with enough hours evidence arrives.
    e = run(starter, events=16, analysis=0)
    assert e.evidence > 0
    collected = [r for r in e.events if r.kind == "event_data" and r.collected]
    assert collected


def test_support_hours_cut_late_tickets_and_lost_users(starter: Scenario) -> None:
    low, high = run(starter, support=4), run(starter, support=24)
    ls, hs = low.truth().support, high.truth().support
    assert hs.late < ls.late / 2
    assert hs.users_lost < ls.users_lost
    assert sum(r.count for r in of(high, Complaints)) <= sum(r.count for r in of(low, Complaints))


def test_ground_hours_bring_low_intent_visits_research_and_fatigue(starter: Scenario) -> None:
    low, high = run(starter, ground=0), run(starter, ground=14)
    assert seg_reached(low, "ground", "visit") == 0
    assert seg_reached(high, "ground", "visit") > 1000
    assert high.research_points > low.research_points
    assert high.specialist.fatigue > low.specialist.fatigue


def test_research_points_raise_copy_quality(starter: Scenario) -> None:
    low, high = run(starter, research=0, ground=0), run(starter, research=12, ground=0)
    assert high.research_points > 50 and low.research_points == 0
    assert high.targeting() > 0.1
    assert mean(r.quality for r in of(high, PiecePublished)[-6:]) > mean(
        r.quality for r in of(low, PiecePublished)[-6:]
    )


def test_partner_hours_sign_partners(starter: Scenario) -> None:
    signed = {h: sum(len(of(run(starter, seed=s, partners=h), PartnerSigned)) for s in range(4))
              for h in (0, 12)}
    assert signed[0] == 0
    assert signed[12] >= 4


def test_analysis_hours_clear_the_dashboard_and_give_evidence(starter: Scenario) -> None:
    # No contest within reach, so every point earned is still there at the end.
    blame = starter.blame.model_copy(update={"evidence_to_contest": 10_000.0})
    kept = starter.model_copy(update={"blame": blame})
    low, high = run(kept, analysis=0), run(kept, analysis=10)
    assert not of(low, AnalysisReady)
    assert max(r.noise for r in of(high, AnalysisReady)) < 0.3 * 0.5
    assert high.evidence > low.evidence + 50  # 10 hours a week at 1 point an hour
    # The player's view is blurred, the truth is not.
    snap, truth = low.snapshot(), low.truth()
    assert snap.observed and not truth.observed
    assert snap.stage("aware").reached != truth.stage("aware").reached


def test_coordination_hours_shorten_department_waits(starter: Scenario) -> None:
    waits = {h: mean(r.waited for s in range(3)
                     for r in of(run(starter, seed=s, coordination=h), DepartmentAnswer))
             for h in (0, 12)}
    assert waits[12] < 0.75 * waits[0]


def test_skills_grow_with_practice(starter: Scenario) -> None:
    e = run(starter, copy=20)
    assert e.specialist.skills["copy"] > starter.specialist.skills["copy"] + 0.1
    assert e.specialist.skills["partners"] == starter.specialist.skills["partners"]


def test_calendar_outage_cuts_signup_conversion(starter: Scenario) -> None:
    e = run(starter)
    outage = next(h for h in starter.calendar if h.kind == "outage")
    start = ((outage.week - 1) * 7 + outage.day - 1) * 24
    f = e.funnel
    sig, vis = starter.stage_index("signup"), starter.stage_index("visit")

    def rate(t0: int, t1: int) -> float:  # signups per visit entering 36 hours earlier
        return f.moves[vis, :, t0:t1].sum() / max(1, f.entered[vis, :, t0 - 36 : t1 - 36].sum())

    during, before = rate(start, start + 36), rate(start - 72, start - 36)
    assert during < 0.7 * before
    assert f.entered[sig].sum() > 0


def test_locked_duties_refuse_hours() -> None:
    sc = load_scenario(default_scenario_path().with_name("big-company.yaml"))
    assert "analysis" not in sc.duty_ids and "partners" not in sc.duty_ids
    with pytest.raises(PolicyError, match="locked"):
        parse_policy("fixed:copy=10,analysis=4", sc)
    with pytest.raises(AllocationError, match="locked"):
        Engine(sc, 0).set_allocation({"copy": 10, "partners": 2})
    # Colleagues still do the locked work: partners sign and analysis counts.
    e = run_engine(sc, 1, parse_policy("plan", sc))
    assert of(e, AnalysisReady)


def test_every_duty_id_is_accepted_by_fixed_policies(starter: Scenario) -> None:
    spec = "fixed:" + ",".join(f"{d}=5" for d in DUTY_IDS)
    assert parse_policy(spec, starter).hours(Engine(starter).snapshot())["coordination"] == 5


def test_archetypes_play_differently_under_one_policy() -> None:
    spec = "fixed:copy=12,events=10,support=12,ground=6"
    folder = default_scenario_path().parent
    out = {}
    for name in ("small-startup", "big-company"):
        sc = load_scenario(folder / f"{name}.yaml")
        runs = [run_engine(sc, seed, parse_policy(spec, sc)) for seed in range(5, 11)]
        # A department's own response time, from picking a request up to the answer,
        # pooled over six runs (about a hundred requests).
        taken = [r.due - r.t for e in runs for r in of(e, DepartmentRequest)]
        e = runs[0]
        out[name] = (e.truth().stage("signup").reached, np.mean(taken), e.budget)
    small, big = out["small-startup"], out["big-company"]
    assert big[0] > 10 * small[0]  # a much bigger funnel
    assert small[1] > 1.8 * big[1]  # much slower departments (about 2.8 times, by the files)
