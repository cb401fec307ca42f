"""Pacing: how many calls to place now, from live estimates, never risking the abandon cap."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ringway.dialer.domain.campaigns import DialingMode

MIN_SAMPLES = 200          # attempts before the answer-rate estimate is trusted
MIN_LIVE = 34              # live answers before one abandon fits under a 3% cap
SAFETY = 0.5               # aim at half the cap on average
RISK_Z = 3.09              # P(abandons beyond the remaining budget) <= 0.1%
SPIKE_FACTOR = 2.0         # recent abandon rate above twice the cap is a spike
RECOVERY = 0.02            # pace factor regained per calm decision
MAX_LINES_PER_AGENT = 6


@dataclass(frozen=True)
class PacingInputs:
    """Everything a pacing decision looks at; recorded with it for audit."""

    mode: DialingMode
    agents_logged_in: int
    agents_ready: int
    agents_busy: int
    calls_in_flight: int
    answer_rate: float
    samples: int
    mean_handle_s: float
    mean_answer_s: float
    connect_limit_s: float
    abandon_cap: float
    window_rates: dict[str, float] = field(default_factory=dict)
    budget: float = 0.0
    live_in_window: int = 0
    recent_live: int = 0
    recent_abandoned: int = 0
    pace_factor: float = 1.0
    inbound_over_target: bool = False
    agentless_lines: int = 0


@dataclass(frozen=True)
class PacingDecision:
    """How many calls to place now, why, and the pace factor to carry forward."""

    dial: int
    reason: str
    pace_factor: float
    lines: int
    expected_abandons: float = 0.0

    def audit(self, inputs: PacingInputs) -> dict[str, Any]:
        """Inputs and output as plain JSON for the decision log."""
        return {"inputs": asdict(inputs), "output": asdict(self)}


def decide(i: PacingInputs) -> PacingDecision:
    """The number of new calls to place now under the mode's rule."""
    if i.mode is DialingMode.AGENTLESS:
        return _lines(i, i.agentless_lines, "agentless", i.pace_factor)
    if i.agents_logged_in <= 0:
        return PacingDecision(0, "no_agents_logged_in", i.pace_factor, i.calls_in_flight)
    if i.inbound_over_target:
        return PacingDecision(0, "inbound_over_target", i.pace_factor, i.calls_in_flight)
    if i.mode is DialingMode.PREVIEW:
        return PacingDecision(0, "preview_agent_starts_calls", i.pace_factor, i.calls_in_flight)
    if i.mode is DialingMode.PROGRESSIVE:
        return _lines(i, i.agents_ready, "progressive", i.pace_factor)
    return _predictive(i)


def _lines(i: PacingInputs, lines: int, reason: str, factor: float,
           expected: float = 0.0) -> PacingDecision:
    return PacingDecision(max(0, lines - i.calls_in_flight), reason, factor, lines, expected)


def _predictive(i: PacingInputs) -> PacingDecision:
    factor = _pace_factor(i)
    if any(rate >= i.abandon_cap for rate in i.window_rates.values()) or i.budget < 1:
        return _lines(i, i.agents_ready, "abandon_cap_guard", factor)
    if i.samples < MIN_SAMPLES or i.live_in_window < MIN_LIVE or i.answer_rate <= 0:
        return _lines(i, i.agents_ready, "thin_data", factor)
    lines, expected = _predictive_lines(i)
    # The pace factor shrinks only the over-dial beyond one call per ready agent.
    paced = i.agents_ready + math.floor(max(0, lines - i.agents_ready) * factor)
    reason = "predictive" if factor >= 1 else "predictive_slowed"
    return _lines(i, max(paced, i.agents_ready), reason, factor, expected)


def _pace_factor(i: PacingInputs) -> float:
    """Halve at once on a spike of abandons; recover slowly while calm."""
    recent_rate = i.recent_abandoned / i.recent_live if i.recent_live else 0.0
    if i.recent_abandoned >= 2 and recent_rate > SPIKE_FACTOR * i.abandon_cap:
        return i.pace_factor / 2
    return min(1.0, i.pace_factor + RECOVERY)


def _predictive_lines(i: PacingInputs) -> tuple[int, float]:
    """The most lines whose abandons stay under target and, almost surely, within budget."""
    best, expected = i.agents_ready, 0.0
    cap = (i.agents_ready + i.agents_busy) * MAX_LINES_PER_AGENT
    for lines in range(max(i.agents_ready, i.calls_in_flight), cap + 1):
        mean, sd = _excess(i, lines)
        abandons = _partial_expectation(mean, sd, i.agents_ready)
        answers = lines * i.answer_rate
        within_target = abandons <= SAFETY * i.abandon_cap * max(answers, 1e-9)
        within_budget = mean + RISK_Z * sd <= i.agents_ready + i.budget
        if not (within_target and within_budget):
            break
        best, expected = lines, abandons
    return best, expected


def _excess(i: PacingInputs, lines: int) -> tuple[float, float]:
    """Mean and s.d. of (answers among `lines`) - (busy agents freed before they answer)."""
    p = i.answer_rate
    horizon = i.mean_answer_s + i.connect_limit_s
    q = 1 - math.exp(-horizon / max(i.mean_handle_s, 1.0))
    mean = lines * p - i.agents_busy * q
    variance = lines * p * (1 - p) + i.agents_busy * q * (1 - q)
    return mean, math.sqrt(max(variance, 1e-9))


def _partial_expectation(mean: float, sd: float, threshold: float) -> float:
    """E[max(0, D - threshold)] for D ~ Normal(mean, sd)."""
    z = (threshold - mean) / sd
    density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    tail = 0.5 * math.erfc(z / math.sqrt(2))
    return sd * density + (mean - threshold) * tail
