"""One module per duty: what the specialist's hours on it do to the world."""

from .analysis import AnalysisWork
from .base import Work
from .coordination import CoordinationWork
from .copy import CopyWork
from .events import EventsWork
from .ground import GroundWork
from .partners import PartnersWork
from .research import ResearchWork
from .support import SupportWork

#: The mechanism of each duty id.
WORKS: dict[str, type[Work]] = {
    "copy": CopyWork,
    "events": EventsWork,
    "support": SupportWork,
    "ground": GroundWork,
    "research": ResearchWork,
    "partners": PartnersWork,
    "analysis": AnalysisWork,
    "coordination": CoordinationWork,
}

__all__ = [
    "WORKS",
    "AnalysisWork",
    "CoordinationWork",
    "CopyWork",
    "EventsWork",
    "GroundWork",
    "PartnersWork",
    "ResearchWork",
    "SupportWork",
    "Work",
]
