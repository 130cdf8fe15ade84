"""Calibration: real event logs → a fitted funnel → a scenario.

The pipeline is read (:mod:`.read`, :mod:`.adapters`) → journeys per user (:mod:`.journeys`)
→ fits (:mod:`.cure`, :mod:`.arrivals`, :mod:`.churn`) → a scenario and a report
(:mod:`.write`, :mod:`.report`). It reads data and writes a scenario; it never imports the
engine.
"""

from opssim.calibrate.errors import CalibrationError

__all__ = ["CalibrationError"]
