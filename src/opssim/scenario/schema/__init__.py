"""The scenario format, version 1: frozen, strict pydantic models with a default for every
field an author may leave out. Field descriptions double as reference docs and editor hints;
cross-references between sections are checked in :mod:`opssim.scenario.checks`."""

from .base import Curve, Delay, LogNormal, Model, Text, Uniform, Weibull
from .duties import (
    AnalysisDuty,
    CoordinationDuty,
    CopyDuty,
    Duties,
    EventsDuty,
    GroundDuty,
    Need,
    PartnersDuty,
    ResearchDuty,
    SupportDuty,
)
from .expect import Expectation
from .funnel import Channel, Churn, Funnel, Stage
from .incidents import Choice, Effects, Incident, When
from .scenario import Scenario
from .world import Company, Department, Happening, Specialist, Target, Workweek

__all__ = [
    "AnalysisDuty",
    "Channel",
    "Choice",
    "Churn",
    "Company",
    "CoordinationDuty",
    "CopyDuty",
    "Curve",
    "Delay",
    "Department",
    "Duties",
    "Effects",
    "EventsDuty",
    "Expectation",
    "Funnel",
    "GroundDuty",
    "Happening",
    "Incident",
    "LogNormal",
    "Model",
    "Need",
    "PartnersDuty",
    "ResearchDuty",
    "Scenario",
    "Specialist",
    "Stage",
    "SupportDuty",
    "Target",
    "Text",
    "Uniform",
    "Weibull",
    "When",
    "Workweek",
]
