"""Scenario errors that point at the file, line and column an author has to fix."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorLine:
    """One problem in a scenario file, printed as ``FILE:LINE:COL: dotted.path: message``."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.path}: {self.message}"


class ScenarioError(Exception):
    """A scenario that failed to load; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: list[ErrorLine]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.col, e.path))
        super().__init__("\n".join(str(e) for e in self.errors))
