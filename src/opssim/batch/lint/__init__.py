"""``opssim lint``: balance checks in seconds, and the scenario's own expectations.

A report is a list of :class:`~opssim.batch.lint.balance.Finding`; each prints as
``FILE:LINE:COL: LEVEL: message`` with the position of the part of the file it is about.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from opssim.batch.lint.balance import Finding, balance_checks
from opssim.batch.lint.expect import ExpectResult, check_expectations, metric_value
from opssim.batch.lint.incidents import incident_checks
from opssim.batch.lint.runs import Runner, RunStats, default_workers, stats_of
from opssim.model.difficulty import BANDS
from opssim.scenario import Located, Scenario, load_located
from opssim.scenario.scaffold import PLACEHOLDER, placeholder_texts


@dataclass
class LintReport:
    """What the lint found in one scenario file."""

    located: Located
    findings: list[Finding] = field(default_factory=list)
    expectations: list[ExpectResult] = field(default_factory=list)
    runs: int = 0

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(f.level == "warning" for f in self.findings)

    @property
    def failed(self) -> list[ExpectResult]:
        """Expectations that did not hold."""
        return [e for e in self.expectations if not e.ok]

    def lines(self) -> list[str]:
        """Every finding as ``FILE:LINE:COL: LEVEL: message``, in file order; the position is
        that of the key the finding is about (``difficulty:``, ``per_week:``, ``ground:``)."""
        rows = [(f.path, f.level, f.message) for f in self.findings]
        for e in self.expectations:
            level = "note" if e.ok else "error"
            verdict = "holds" if e.ok else "FAILS"
            rows.append((("expect", e.index), level, f"expectation {verdict}: {e.describe()}"))
        out = []
        for path, level, message in rows:
            line, col = self.located.positions.find(path, key=True)
            out.append((line, col, f"{self.located.name}:{line}:{col}: {level}: {message}"))
        return [text for *_, text in sorted(out, key=lambda r: (r[0], r[1]))]


def lint(
    located: Located,
    *,
    balance: bool = True,
    expect: bool = False,
    seeds: int = 12,
    probe_seeds: int = 1,
    search: int = 6,
    workers: int = 1,
) -> LintReport:
    """Lint one loaded scenario: balance checks and/or its expectations."""
    report = LintReport(located)
    report.findings = [*text_checks(located.scenario), *incident_checks(located.scenario)]
    with Runner(located.scenario, workers) as runner:
        if balance:
            report.findings += balance_checks(runner, seeds=seeds, probe_seeds=probe_seeds,
                                              search=search)
        if expect:
            report.expectations = check_expectations(runner)
        report.runs = len(runner.done)
    return report


def text_checks(sc: Scenario) -> Iterator[Finding]:
    """A warning for each text still a placeholder (``opssim new`` leaves the Chinese title
    one): players would see it as it is."""
    language = {"en": "English", "zh": "Chinese"}
    for path, lang in placeholder_texts(sc):
        yield Finding("warning", path, f"the {language[lang]} text is still a placeholder "
                      f"({PLACEHOLDER} ...): write it, or remove the {lang} key to show English")


def lint_path(path: str, **options: object) -> LintReport:
    """Load and lint the scenario at ``path`` (a top-level function, for process pools);
    ``options`` are those of :func:`lint`."""
    return lint(load_located(path), **options)  # type: ignore[arg-type]


__all__ = [
    "BANDS",
    "ExpectResult",
    "Finding",
    "LintReport",
    "RunStats",
    "Runner",
    "check_expectations",
    "default_workers",
    "lint",
    "lint_path",
    "metric_value",
    "stats_of",
]
