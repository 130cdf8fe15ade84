"""Pure domain: duties, allocations and the event records of a run."""

from opssim.model.allocation import Allocation, AllocationError
from opssim.model.duties import CORE_DUTIES, DUTY_IDS

__all__ = ["CORE_DUTIES", "DUTY_IDS", "Allocation", "AllocationError"]
