"""``python -m opssim``: the same as the ``opssim`` command."""

from opssim.cli import main

main()
