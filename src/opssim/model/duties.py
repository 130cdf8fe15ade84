"""The specialist's duties, by id, in the order the game shows them."""

from typing import Final

#: The four duties of the design card; every scenario has them.
CORE_DUTIES: Final = ("copy", "events", "support", "ground")

#: Every duty the game knows; the last four arrive with the ops-model issue.
DUTY_IDS: Final = (*CORE_DUTIES, "research", "partners", "analysis", "coordination")
