"""How much abandon risk one pacing decision may take: the budget left in the windows.

The cap is a hard limit on every compliance window, never an average. The pacer aims below
it by a margin that covers the chance swing of the abandons still to come (wide while the
window holds few answers, narrow once it holds thousands), and spends the slack the window
has built up: a window running below its aim allows bolder decisions, one running at or
above it allows almost none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MARGIN_Z = 2.0         # standard deviations of the abandon count kept as margin
HOUR_Z = 1.5           # the same for the last hour, which no regulation defines
MAX_MARGIN = 0.5       # never aim above half the cap while data is thin
BASE_SHARE = 0.5       # a decision's forecast abandon ratio, as a share of the aim, when on aim
SLACK_GAIN = 2.0       # extra ratio per point of rate below the aim (the slack is spent)
LOW_SHARE = 0.1        # the least ratio allowed while under the cap
HIGH_SHARE = 1.0       # the most: never plan abandons above the aim itself


@dataclass(frozen=True)
class AbandonTarget:
    """The window rate aimed at, and the forecast abandons per answer a decision may take."""

    aim: float
    allowed: float


def abandon_target(cap: float, rate: float, live: int, z: float = MARGIN_Z) -> AbandonTarget:
    """The aim under `cap` for a window at `rate` over `live` answers, and the allowance."""
    if cap <= 0:
        return AbandonTarget(0.0, 0.0)
    # Abandons to come are roughly Poisson: their swing is sqrt of what the cap allows.
    margin = MAX_MARGIN if live <= 0 else min(MAX_MARGIN, z / math.sqrt(cap * live))
    aim = cap * (1 - margin)
    allowed = BASE_SHARE * aim + SLACK_GAIN * (aim - rate)
    return AbandonTarget(aim, min(HIGH_SHARE * aim, max(LOW_SHARE * aim, allowed)))
