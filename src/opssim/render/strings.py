"""Every string the window shows, in English and Simplified Chinese: the table :func:`tr`
(:mod:`opssim.render.text`) looks keys up in. Data only, in three parts by screen
(:mod:`.strings_run`, :mod:`.strings_blame`, :mod:`.strings_shell`); add a key to one of them,
in both languages.
"""

from typing import Final

from opssim.render.strings_blame import BLAME
from opssim.render.strings_run import RUN
from opssim.render.strings_shell import SHELL

LANGS: Final = ("en", "zh")

STRINGS: Final[dict[str, dict[str, str]]] = {**RUN, **BLAME, **SHELL}
