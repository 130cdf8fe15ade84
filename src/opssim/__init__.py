"""opssim: an operations-simulation game engine.

Layers (imports point down only): ``cli`` → ``batch`` → ``sim`` → ``scenario``, ``model``;
``render`` → ``sim``. Nothing headless imports pygame.
"""

__version__ = "0.1.0"
