"""Calibration: real event logs → a fitted funnel → a scenario.

The pipeline (:mod:`.pipeline`): read (:mod:`.adapters`, :mod:`.tabular` → :mod:`.events`)
→ a journey per user, with the map (:mod:`.mapping`, :mod:`.journeys`) → fits (:mod:`.cure`
per stage, :mod:`.arrivals` and churn) → a scenario and a report (:mod:`.write`,
:mod:`.report`, written by :mod:`.output`). It reads data and writes a scenario; it never
imports the engine.
"""

from opssim.calibrate.errors import CalibrationError

__all__ = ["CalibrationError"]
