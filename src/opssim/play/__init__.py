"""The presenter between the engine and the window, without pygame.

It holds what the views show and the actions they send: the driver (phases, speed, a fixed
step of simulated time per frame), the planning model (values, clamping, projections, the
look-ahead's scheduling), the session (new, load, save, hot reload through
:mod:`opssim.sim.record`) and the player's folders. :mod:`opssim.render` draws it; nothing
here imports pygame, so all of it can be tested (and used by other front ends) headless.
"""
