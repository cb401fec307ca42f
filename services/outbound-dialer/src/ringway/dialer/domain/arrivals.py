"""When answers and free agents will arrive over the next seconds: the predictive forecast.

Every input is a live estimate the dialer measures: how long recent calls rang and which of
them a person answered (by whole second), how long each call in flight has rung so far, and
when busy agents free up (a wrap-up in progress ends at a known time; a talking agent must
finish the call and then wrap up).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate


@dataclass(frozen=True)
class RingProfile:
    """Recent calls by the whole second their ringing ended: all calls, and people answering."""

    calls: tuple[int, ...]
    humans: tuple[int, ...]

    @classmethod
    def of(cls, rings: list[tuple[float, bool]]) -> RingProfile:
        """Build from (ring seconds, answered by a person) samples."""
        size = 1 + max((int(ring) for ring, _ in rings), default=0)
        calls, humans = [0] * size, [0] * size
        for ring, human in rings:
            calls[int(ring)] += 1
            humans[int(ring)] += human
        return cls(tuple(calls), tuple(humans))

    @cached_property
    def _cumulative(self) -> tuple[list[int], list[int]]:
        return [0, *accumulate(self.calls)], [0, *accumulate(self.humans)]

    def answer_by(self, age: int, seconds: int) -> float:
        """P(a person answers within `seconds`) for a call still ringing after `age` seconds."""
        calls, humans = self._cumulative
        last = len(self.calls)
        age = min(age, last)
        still = calls[last] - calls[age]
        if still <= 0:
            return 0.0
        return (humans[min(age + seconds, last)] - humans[age]) / still


MIN_TALK_SAMPLES = 30  # observed talks before their own distribution replaces the mean


@dataclass(frozen=True)
class TalkTimes:
    """Observed talk durations, and how long each agent now talking has talked so far."""

    samples: tuple[float, ...]  # sorted
    elapsed: tuple[float, ...]

    @classmethod
    def of(cls, samples: Iterable[float], elapsed: Iterable[float],
           talking: int) -> TalkTimes | None:
        """None while too few talks were seen; talkers of unknown start count as just begun."""
        ordered = tuple(sorted(samples))
        if len(ordered) < MIN_TALK_SAMPLES:
            return None
        known = tuple(elapsed)[:talking]
        return cls(ordered, known + (0.0,) * (talking - len(known)))

    def ending_within(self, seconds: float) -> tuple[float, float]:
        """Mean and variance of the talks that end within `seconds`, each given its age.

        A call that has lasted e seconds ends within s more with the observed share of the
        calls longer than e that ended by e + s: long calls are not treated as just begun.
        """
        mean, variance = 0.0, 0.0
        for elapsed in self.elapsed:
            passed = bisect_right(self.samples, elapsed)
            longer = len(self.samples) - passed
            if longer:  # longer than every call seen: no forecast, so no agent counted
                q = (bisect_right(self.samples, elapsed + seconds) - passed) / longer
                mean, variance = mean + q, variance + q * (1 - q)
        return mean, variance


@dataclass(frozen=True)
class Supply:
    """Agents free by each second ahead: ready now, wrap-ups ending, talkers finishing."""

    ready: int
    wrap_remaining_s: tuple[float, ...]
    talking: int
    talk_s: float
    wrap_s: float
    talk: TalkTimes | None = None

    def by(self, seconds: float) -> tuple[float, float]:
        """Mean and variance of the agents free within `seconds` from now."""
        known = sum(1 for left in self.wrap_remaining_s if left <= seconds)
        talk_left = seconds - self.wrap_s  # a talker must still wrap up after the call
        if talk_left <= 0:
            return float(self.ready + known), 0.0
        if self.talk is not None:
            mean, variance = self.talk.ending_within(talk_left)
            return self.ready + known + mean, variance
        q = 1 - math.exp(-talk_left / max(self.talk_s, 1.0))
        return self.ready + known + self.talking * q, self.talking * q * (1 - q)


@dataclass(frozen=True)
class Demand:
    """Answers expected by each second ahead from the calls in flight (not yet new calls)."""

    profile: RingProfile
    ages: tuple[int, ...]
    answered_waiting: int

    def by(self, seconds: int) -> tuple[float, float]:
        """Mean and variance of the answers (waiting ones included) within `seconds`."""
        mean, variance = float(self.answered_waiting), 0.0
        for age, calls in enumerate(self.ages):
            if calls:
                p = self.profile.answer_by(age, seconds)
                mean += calls * p
                variance += calls * p * (1 - p)
        return mean, variance


def quantiles(values: Iterable[float], count: int = 100) -> tuple[float, ...]:
    """`count` evenly spaced quantiles of `values` (all of them when fewer): a compact sample."""
    ordered = sorted(values)
    if len(ordered) <= count:
        return tuple(ordered)
    step = len(ordered) / count
    return tuple(ordered[int((n + 0.5) * step)] for n in range(count))


def ages_histogram(ages: Iterable[float]) -> tuple[int, ...]:
    """Calls in flight counted by the whole seconds they have rung so far."""
    counts: list[int] = []
    for age in ages:
        index = max(0, int(age))
        counts.extend([0] * (index + 1 - len(counts)))
        counts[index] += 1
    return tuple(counts)


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    return _tails(k, mean)[0]


def poisson_excess(room: int, mean: float) -> float:
    """E[max(0, X - room)] for X ~ Poisson(mean): the answers beyond the agents there are."""
    if room <= 0:
        return mean - room
    at_least, above = _tails(room, mean)
    return mean * at_least - room * above


def answers_excess(room: int, mean: float, variance: float) -> float:
    """E[max(0, X - room)] for X a count of independent calls answering (mean, variance).

    A sum of unlike coin flips is taken as the binomial law with its mean and variance:
    its tail is thinner than the Poisson one when each call is likely to be answered.
    """
    if room <= 0:
        return mean - room
    if mean <= 0 or variance >= mean or variance <= 0:
        return poisson_excess(room, mean)
    fail = variance / mean
    trials = mean / (1 - fail)
    term = math.pow(fail, trials)
    short = room * term  # E[max(0, room - X)], from the few counts below the room
    for j in range(1, room):
        if trials - j + 1 <= 0:
            break
        term *= (trials - j + 1) / j * (1 - fail) / fail
        short += (room - j) * term
    return max(0.0, mean - room + short)


def _tails(k: int, mean: float) -> tuple[float, float]:
    """(P(X >= k), P(X >= k + 1)), with the far tail taken as nil to save the sum."""
    if k <= 0:
        return 1.0, _tails(k + 1, mean)[0] if k == 0 else 1.0
    if mean <= 0 or k > mean + 12 * math.sqrt(mean) + 12:
        return 0.0, 0.0
    term = math.exp(-mean)
    below = term
    for j in range(1, k):
        term *= mean / j
        below += term
    at_least = max(0.0, 1.0 - below)
    return at_least, max(0.0, at_least - term * mean / k)
