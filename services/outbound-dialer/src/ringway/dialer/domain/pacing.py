"""Pacing: how many calls to place now, from live estimates, never risking the abandon cap."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ringway.dialer.domain.arrivals import (
    Demand,
    RingProfile,
    Supply,
    TalkTimes,
    answers_excess,
    poisson_tail,
)
from ringway.dialer.domain.campaigns import DialingMode
from ringway.dialer.domain.target import HOUR_Z, AbandonTarget, abandon_target

MIN_SAMPLES = 200          # attempts before the answer-rate estimate is trusted
MIN_LIVE = 34              # live answers before one abandon fits under a 3% cap
ANSWER_Z = 1.0             # answers forecast at the answer rate plus one standard error
BUDGET_RISK = 0.0001       # P(abandons beyond the remaining budget) <= 0.01%
# P(one rush of answers loses the whole budget), per decision: a day holds ~30,000 of them.
BURST_RISK = 1e-6
BUDGET_MARGIN = 2.0        # losses taken twice over against the budget: the forecast runs low
SPIKE_FACTOR = 2.0         # recent abandon rate above twice the cap is a spike
RECOVERY = 0.02            # pace factor regained per calm decision
MAX_LINES_PER_AGENT = 6
SAFE_ONLY_LOSS = 1e-5      # forecast abandons a decision may risk while none fits the budget


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
    # (live answers, abandons) over the last hour: no regulation's window, a steadier pace.
    rolling_hour: tuple[int, int] | None = None
    recent_live: int = 0
    recent_abandoned: int = 0
    pace_factor: float = 1.0
    spike_level: int = 0
    inbound_over_target: bool = False
    inbound_below_service_level: tuple[str, ...] = ()
    inbound_service_levels: dict[str, float] = field(default_factory=dict)
    agentless_lines: int = 0
    wrap_elapsed_s: tuple[float, ...] = ()
    mean_wrap_s: float | None = None
    ring_calls: tuple[int, ...] = ()
    ring_humans: tuple[int, ...] = ()
    in_flight_ages: tuple[int, ...] = ()
    answered_waiting: int = 0
    talk_elapsed_s: tuple[float, ...] = ()
    talk_samples_s: tuple[float, ...] = ()


@dataclass(frozen=True)
class PacingDecision:
    """How many calls to place now, why, and the pace factor to carry forward."""

    dial: int
    reason: str
    pace_factor: float
    lines: int
    expected_abandons: float = 0.0
    aim: float = 0.0
    allowed: float = 0.0
    spike_level: int = 0

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
    if i.inbound_below_service_level:
        return PacingDecision(0, "inbound_below_service_level", i.pace_factor,
                              i.calls_in_flight)
    if i.mode is DialingMode.PREVIEW:
        # One preview reservation asked of routing per ready agent; agents start the calls.
        return _lines(i, i.agents_ready, "preview", i.pace_factor)
    if i.mode is DialingMode.PROGRESSIVE:
        return _lines(i, i.agents_ready, "progressive", i.pace_factor)
    return _predictive(i)


def _lines(i: PacingInputs, lines: int, reason: str, factor: float, expected: float = 0.0,
           target: AbandonTarget | None = None, spike_level: int = 0) -> PacingDecision:
    aim, allowed = (target.aim, target.allowed) if target else (0.0, 0.0)
    return PacingDecision(max(0, lines - i.calls_in_flight), reason, factor, lines, expected,
                          aim, allowed, spike_level)


def _predictive(i: PacingInputs) -> PacingDecision:
    factor, spike = _pace_factor(i)
    if any(rate >= i.abandon_cap for rate in i.window_rates.values()):
        return _lines(i, i.agents_ready, "abandon_cap_guard", factor, spike_level=spike)
    if i.samples < MIN_SAMPLES or i.answer_rate <= 0:
        return _lines(i, i.agents_ready, "thin_data", factor, spike_level=spike)
    if i.budget < 1 or i.live_in_window < MIN_LIVE:
        # Not one abandon fits under the cap yet: over-dial only where none is credible
        # (the day's first minutes, agents far more than the answers that can come).
        lines, expected = _predictive_lines(i, 0.0)
        reason = "abandon_cap_guard" if i.budget < 1 else "thin_data"
        return _lines(i, _paced(i, lines, factor), reason, factor, expected, spike_level=spike)
    target = _target(i)
    lines, expected = _predictive_lines(i, target.allowed)
    reason = "predictive" if factor >= 1 else "predictive_slowed"
    return _lines(i, _paced(i, lines, factor), reason, factor, expected, target, spike)


def _paced(i: PacingInputs, lines: int, factor: float) -> int:
    """The pace factor shrinks only the over-dial beyond one call per ready agent."""
    return max(i.agents_ready,
               i.agents_ready + math.floor(max(0, lines - i.agents_ready) * factor))


def _target(i: PacingInputs) -> AbandonTarget:
    """The allowance of the worst compliance window, or of the last hour when stricter."""
    target = abandon_target(i.abandon_cap, max(i.window_rates.values(), default=0.0),
                            i.live_in_window)
    if i.rolling_hour is None:
        return target
    live, abandoned = i.rolling_hour
    hour = abandon_target(i.abandon_cap, abandoned / live if live else 0.0, live, HOUR_Z)
    return hour if hour.allowed < target.allowed else target


def _pace_factor(i: PacingInputs) -> tuple[float, int]:
    """Halve at once on a spike of abandons, again on each further abandon; then recover.

    The spike is judged on the last answers, so it stays visible for minutes: the abandons
    counted at the last halving are carried forward, and the same spike halves only once.
    """
    recent_rate = i.recent_abandoned / i.recent_live if i.recent_live else 0.0
    if i.recent_abandoned >= 2 and recent_rate > SPIKE_FACTOR * i.abandon_cap:
        if i.recent_abandoned > i.spike_level:
            return i.pace_factor / 2, i.recent_abandoned
        return i.pace_factor, i.spike_level  # the same spike: hold the pace, no recovery
    return min(1.0, i.pace_factor + RECOVERY), 0


def _predictive_lines(i: PacingInputs, allowed: float) -> tuple[int, float]:
    """The most lines whose abandons stay within `allowed` per answer and the budget.

    `allowed` 0 means none may be risked: at most SAFE_ONLY_LOSS abandons forecast.

    Each second ahead is checked: the answers expected by then (calls in flight by how long
    they have rung, new calls by the measured ring times) against the agents free by then
    plus the connect limit. Abandons grow with every extra line, so a bisection finds the
    largest number of new calls that passes.
    """
    floor = max(0, i.agents_ready - i.calls_in_flight)
    most = max(floor, (i.agents_ready + i.agents_busy) * MAX_LINES_PER_AGENT
               - i.calls_in_flight)
    checks = _horizon_checks(i)
    if not checks:
        return i.calls_in_flight + floor, 0.0
    # Grow the step until a number fails, then bisect: the answer is usually small.
    low, step = floor, 1
    while low + step <= most and _fits(i, checks, low + step, allowed)[0]:
        low, step = low + step, step * 2
    high = min(most, low + step - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(i, checks, middle, allowed)[0]:
            low = middle
        else:
            high = middle - 1
    _, expected = _fits(i, checks, low, allowed)
    return i.calls_in_flight + low, expected


# (demand mean, demand variance, supply mean, supply variance, P(new call answered by then))
Check = tuple[float, float, float, float, float]


def _horizon_checks(i: PacingInputs) -> list[Check]:
    profile = RingProfile(i.ring_calls, i.ring_humans)
    demand = Demand(profile, i.in_flight_ages, i.answered_waiting)
    supply = _supply(i)
    inflate = answer_inflation(i.ring_calls, i.ring_humans)
    # Past the longest ring a person answered after, no answer comes: nothing to check.
    last = max((n for n, humans in enumerate(i.ring_humans) if humans), default=-1) + 1
    checks = []
    for seconds in range(1, last + 1):
        mean, variance = demand.by(seconds)
        ringing = mean - i.answered_waiting
        # Each call's answer chance scaled up by `inflate`: sum p' (1 - p') with p' = inflate p.
        spread = inflate * ringing - inflate ** 2 * (ringing - variance)
        checks.append((i.answered_waiting + ringing * inflate, max(0.0, spread),
                       *supply.by(seconds + i.connect_limit_s),
                       profile.answer_by(0, seconds) * inflate))
    return checks


def answer_inflation(calls: tuple[int, ...], humans: tuple[int, ...]) -> float:
    """1 + ANSWER_Z standard errors of the measured answer rate, relative to it.

    The rate is measured on a sample: forecasting with its upper bound keeps the pacer
    careful while the sample is small, and the margin shrinks as it grows.
    """
    answered, placed = sum(humans), sum(calls)
    if answered <= 0 or placed <= 0:
        return 1.0
    return 1 + ANSWER_Z * math.sqrt((1 - answered / placed) / answered)


def _supply(i: PacingInputs) -> Supply:
    wrap = i.mean_wrap_s
    if wrap is None:  # no wrap-up seen yet: every busy agent frees at the handle-time rate
        return Supply(i.agents_ready, (), i.agents_busy, i.mean_handle_s, 0.0)
    left = tuple(max(0.0, wrap - elapsed) for elapsed in i.wrap_elapsed_s)
    talking = max(0, i.agents_busy - len(left))
    return Supply(i.agents_ready, left, talking, i.mean_handle_s - wrap, wrap,
                  TalkTimes.of(i.talk_samples_s, i.talk_elapsed_s[:talking], talking))


def _fits(i: PacingInputs, checks: list[Check], new: int,
          allowed: float) -> tuple[bool, float]:
    """Whether `new` more calls keep abandons under target and within budget; the abandons.

    An answer arriving in a given second is lost when the answers so far outnumber the
    agents free by then plus the connect limit. Answers are few and skewed, so their count
    is taken as a sum of unlike coin flips (binomial by its mean and variance), never a
    normal law, which would understate the tail several times over.
    """
    lost, before, before_spread, burst = 0.0, 0.0, 0.0, 0.0
    over = math.floor(i.budget) + 1  # abandons that would break the cap
    for demand, spread, supply, _, p_new in checks:
        ringing = demand - i.answered_waiting + new * p_new
        spread += new * p_new * (1 - p_new)
        room = math.floor(supply) - i.answered_waiting
        # The answers of this second beyond the room left, counting earlier ones as placed.
        lost += (answers_excess(room, ringing, spread)
                 - answers_excess(room, before, before_spread))
        before, before_spread = ringing, spread
        # Abandons come in bursts (one rush of answers loses several): the chance that the
        # answers alone outrun the room by the whole budget, on the wide Poisson tail.
        burst = max(burst, poisson_tail(room + over, ringing))
    within_budget = (burst <= BURST_RISK
                     and poisson_tail(over, BUDGET_MARGIN * lost) <= BUDGET_RISK)
    answers = before + i.answered_waiting
    limit = allowed * max(answers, 1e-9) if allowed > 0 else SAFE_ONLY_LOSS
    return within_budget and lost <= limit, lost
