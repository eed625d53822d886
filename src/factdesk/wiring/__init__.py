"""Process wiring that runs threads or talks to Redis on a process's behalf, built by the Runtime or the app.

Kept apart from `cms/` (pure parsing and signatures) and `services/` (use cases, one unit of work each):
the drain signal (`drain_signal`) and the failed-authentication limiter (`limiter`).
"""
