"""Simulated time against the wall clock, as a terminal keeps it.

A script or a notebook runs a command as fast as the computer can: ``ping -c 5``
returns at once with five simulated seconds on its clock. A learner at a terminal
expects the same ``ping`` to take four seconds and to print each reply when it
comes, and expects Ctrl-C to stop it there and then.

:func:`drive` runs the clock one event at a time: before each event it sleeps
until the wall-clock moment that event is due (``env.peek()`` scaled by the
speed), and between any two events it asks whether the learner pressed Ctrl-C.
It processes exactly the events ``env.run(until=...)`` would, in the same order,
so a paced run leaves the same trace as a fast one. Simplified: time spent
computing an event is not subtracted from the wall clock (the simulation is far
faster than real time, except in a flood, where it simply falls behind).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import Enum
from typing import Any

#: Wall seconds between two looks at the Ctrl-C flag while waiting for the next event.
POLL_S = 0.02


class Stop(Enum):
    """Why :func:`drive` returned."""

    DONE = "done"  # the ``until`` event was processed
    INTERRUPTED = "interrupted"  # the learner pressed Ctrl-C


def parse_speed(text: str) -> float:
    """``1``, ``x10``, ``100``, ``max`` (or any positive number) as simulated seconds per wall second.

    >>> parse_speed("x10"), parse_speed("max")
    (10.0, inf)
    """
    word = text.strip().lower().removeprefix("x")
    if word in ("max", "inf", "fast"):
        return math.inf
    value = float(word)  # ValueError for a word that is not a speed
    if not value > 0 or math.isnan(value):
        raise ValueError(text)
    return value


def speed_name(speed: float) -> str:
    """How the shell shows a speed: ``x1``, ``x10``, ``max``."""
    return "max" if math.isinf(speed) else f"x{speed:g}"


def drive(
    env: Any,
    until: Any,
    speed: float,
    stopped: Callable[[], bool],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Stop:
    """Process events until ``until`` is processed, paced at ``speed``, or until ``stopped()``.

    ``speed`` is simulated seconds per wall second (``math.inf``: no waiting).
    A ``KeyboardInterrupt`` while waiting counts as Ctrl-C (a notebook's interrupt).
    """
    wall0 = clock()
    sim0 = env.now
    paced = not math.isinf(speed)
    while not until.processed:
        if stopped():
            return Stop.INTERRUPTED
        if paced:
            due = wall0 + (env.peek() - sim0) / speed
            try:
                while (wait := due - clock()) > 0:
                    sleep(min(wait, POLL_S))
                    if stopped():
                        return _catch_up(env, sim0 + (clock() - wall0) * speed)
            except KeyboardInterrupt:
                return _catch_up(env, sim0 + (clock() - wall0) * speed)
        env.step()
    return Stop.DONE


def _catch_up(env: Any, now: float) -> Stop:
    """Ctrl-C came while waiting for the next event: the clock reads the moment it was pressed."""
    if env.now < now < env.peek():
        env.run(until=now)  # no event is due before it: only the clock moves
    return Stop.INTERRUPTED
