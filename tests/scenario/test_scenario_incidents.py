"""Incident cards in the scenario format: a bad card is refused at its line, in one line, with
every problem at once; the cards leave the hash of a file without them unchanged."""

import pytest

from opssim.scenario import ScenarioError, parse_scenario, scenario_hash


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "f.yaml")
    return [str(e) for e in exc.value.errors]


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` (unique) appears."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "says", "at"), [
    ("default: y", "default: z", "default 'z' is not one of the choices", "default: z"),
    ("{id: y, label: Y,", "{id: x, label: Y,", "duplicate id 'x'", "{id: x, label: Y"),
    ("effects: {hours: 5}", "effects: {hours: [6, 2]}",
     "the range's low end 6 is above its high 2", "hours: [6, 2]"),
    ("effects: {hours: 5}", "effects: {hours: -5}", "greater than or equal to 0", "hours: -5"),
    ("effects: {hours: 5}", "effects: {hourz: 5}", "unknown key (did you mean 'hours'?)",
     "hourz"),
    ("convert_x: {signup: 1.2}", "convert_x: {sigup: 1.2}", "unknown stage 'sigup'", "sigup"),
    ("when: {backlog_at_least: 1}", "when: {department_stalled: web}",
     "unknown department 'web'", "department_stalled"),
    ("when: {backlog_at_least: 1}", "when: {weeks: [3, 1]}", "the range's low end 3",
     "weeks: [3, 1]"),
    ("when: {backlog_at_least: 1}", "when: {kpi: signups}", "kpi only applies with pace_below",
     "when: {kpi"),
    ("when: {backlog_at_least: 1}", "when: {pace_below: 0.8, kpi: signup}",
     "unknown kpi 'signup' (did you mean 'signups'?)", "kpi: signup}"),
    ("cooldown_days: 2", "cooldown_days: -2", "greater than or equal to 0", "cooldown_days: -2"),
    ("      - {id: y, label: Y, effects: {fatigue: -5}}\n", "", "at least 2 items", None),
])
def test_a_bad_card_is_refused_at_its_line(incidents_text: str, old: str, new: str,
                                           says: str, at: str | None) -> None:
    assert incidents_text.count(old) == 1, old
    text = incidents_text.replace(old, new)
    errors = errors_of(text)
    hit = [e for e in errors if says in e]
    assert hit, errors
    assert all("\n" not in e for e in errors)
    if at is not None:
        line = line_of(text, at)
        assert any(e.startswith(f"f.yaml:{line}:") for e in hit), (line, hit)


def test_every_problem_of_a_card_at_once(incidents_text: str) -> None:
    text = incidents_text.replace("default: y", "default: q").replace(
        "convert_x: {signup: 1.2}", "convert_x: {nope: 1.2}")
    errors = errors_of(text)
    assert any("default 'q'" in e for e in errors) and any("unknown stage 'nope'" in e
                                                         for e in errors)


def test_five_choices_are_too_many(incidents_text: str) -> None:
    extra = "".join(f"      - {{id: z{i}, label: Z}}\n" for i in range(3))
    text = incidents_text.replace("      - {id: y, label: Y, effects: {fatigue: -5}}\n",
                                  "      - {id: y, label: Y, effects: {fatigue: -5}}\n" + extra)
    assert any("at most 4 items" in e for e in errors_of(text))


def test_no_cards_keep_the_hash(small_text: str) -> None:
    """A file written before incidents existed hashes as it did (saves match by hash)."""
    plain = parse_scenario(small_text)
    empty = parse_scenario(small_text + "incidents: []\n")
    assert scenario_hash(plain) == scenario_hash(empty)
