"""The one thing pyproject.toml cannot say: the funnel's C kernel, built if a compiler is there.

``optional=True``: without a C compiler the install goes on and the engine draws with numpy
(the same runs, slower; ``opssim.sim.kernel.AVAILABLE`` is False).
"""

import sys

from setuptools import Extension, setup

# No fused multiply-add: each operation rounded as numpy rounds it (the same runs).
FLAGS = [] if sys.platform == "win32" else ["-ffp-contract=off"]

setup(ext_modules=[Extension("opssim.sim._kernel", ["src/opssim/sim/_kernel.c"],
                             extra_compile_args=FLAGS, optional=True)])
