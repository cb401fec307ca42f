"""A day of outbound calling, simulated second by second through the real pacing rules."""

from __future__ import annotations

import heapq
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import count

from ringway.dialer.domain.arrivals import RingProfile, ages_histogram, quantiles
from ringway.dialer.domain.campaigns import DialingMode
from ringway.dialer.domain.pacing import PacingInputs, decide
from ringway.dialer.telephony import CallOutcome, CarrierProfile, SimulatedCarrier

HOUR = 3600.0
RING_SAMPLE = 500


@dataclass(frozen=True)
class SimConfig:
    """The day to simulate."""

    mode: DialingMode = DialingMode.PREDICTIVE
    agents: int = 50
    hours: float = 8.0
    abandon_cap: float = 0.03
    wrap_s: float = 30.0
    connect_limit_s: float = 2.0
    ring_timeout_s: float = 25.0
    carrier: CarrierProfile = field(default_factory=CarrierProfile)
    seed: int = 7
    watch_hour: bool = True  # the pacer also holds the rolling hour under the cap


@dataclass
class SimResult:
    """What the day looked like for agents and for called people."""

    config: SimConfig
    attempts: int = 0
    live: int = 0
    abandoned: int = 0
    busy_s: float = 0.0
    connects: int = 0
    max_rate: float = 0.0
    max_hour_rate: float = 0.0
    answer_to_agent_s: list[float] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def occupancy(self) -> float:
        """Talk + wrap share of logged-in time."""
        return self.busy_s / (self.config.agents * self.config.hours * HOUR)

    @property
    def mean_wait_s(self) -> float:
        """Mean agent idle time between calls."""
        idle = self.config.agents * self.config.hours * HOUR - self.busy_s
        return idle / max(self.connects, 1)

    @property
    def connects_per_agent_hour(self) -> float:
        """Live connects to an agent per agent hour."""
        return self.connects / (self.config.agents * self.config.hours)

    @property
    def abandon_rate(self) -> float:
        """Abandons over live answers for the whole day."""
        return self.abandoned / self.live if self.live else 0.0

    @property
    def p99_answer_to_agent_s(self) -> float:
        """99th percentile of the time from a live answer to an agent."""
        ordered = sorted(self.answer_to_agent_s)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


@dataclass
class _Waiting:
    answered_at: float
    talk_s: float


class Simulator:
    """Discrete events (answers, agents freeing, connect deadlines) plus a 1 s pacing tick."""

    def __init__(self, config: SimConfig) -> None:
        self.c = config
        self.carrier = SimulatedCarrier(config.carrier, seed=config.seed)
        self.result = SimResult(config)
        self.events: list[tuple[float, int, str, int]] = []
        self.ids = count()
        self.free_agents = config.agents
        self.talk: dict[int, float] = {}
        self.dialed: dict[int, float] = {}
        self.waiting: dict[int, _Waiting] = {}
        self.ringing = 0
        self.completed = 0
        self.humans = 0
        self.handle: deque[float] = deque(maxlen=500)
        self.wrapping: dict[int, float] = {}
        self.talking: dict[int, float] = {}
        self.talks: deque[float] = deque(maxlen=500)
        self.ringing_since: dict[int, float] = {}
        self.rings: deque[tuple[float, bool]] = deque(maxlen=RING_SAMPLE)
        self.wraps: deque[float] = deque(maxlen=500)
        self.answer_s: deque[float] = deque(maxlen=500)
        self.recent: deque[bool] = deque(maxlen=100)
        self.hour: deque[tuple[float, bool]] = deque()
        self.factor = 1.0
        self.spike = 0

    def run(self) -> SimResult:
        """Simulate the whole day."""
        end = self.c.hours * HOUR
        for tick in range(int(end)):
            self._process_until(float(tick))
            self._pace(float(tick))
        self._process_until(end + HOUR)
        return self.result

    def _push(self, at: float, kind: str, call: int) -> None:
        heapq.heappush(self.events, (at, next(self.ids), kind, call))

    def _process_until(self, now: float) -> None:
        while self.events and self.events[0][0] <= now:
            at, _, kind, call = heapq.heappop(self.events)
            getattr(self, f"_on_{kind}")(at, call)

    def _ended_ringing(self, at: float, call: int, human: bool) -> None:
        self.rings.append((at - self.ringing_since.pop(call), human))

    def _on_human(self, at: float, call: int) -> None:
        self._ended_ringing(at, call, True)
        self.ringing -= 1
        self.completed += 1
        self.humans += 1
        self.answer_s.append(at - self.dialed.pop(call))
        if self.free_agents > 0:
            self._connect(at, at, self.talk.pop(call))
            return
        self.waiting[call] = _Waiting(at, self.talk.pop(call))
        self._push(at + self.c.connect_limit_s, "deadline", call)

    def _on_other(self, at: float, call: int) -> None:
        self._ended_ringing(at, call, False)
        self.ringing -= 1
        self.completed += 1

    def _on_wrap(self, at: float, agent: int) -> None:
        self.talks.append(at - self.talking.pop(agent))
        self.wrapping[agent] = at
        self._push(at + self.c.wrap_s, "free", agent)

    def _on_free(self, at: float, agent: int) -> None:
        self.wraps.append(at - self.wrapping.pop(agent))
        self.free_agents += 1
        if self.waiting:
            oldest = min(self.waiting, key=lambda c: self.waiting[c].answered_at)
            caller = self.waiting.pop(oldest)
            self._connect(at, caller.answered_at, caller.talk_s)

    def _on_deadline(self, at: float, call: int) -> None:
        if self.waiting.pop(call, None) is not None:
            self._record_live(at, abandoned=True)

    def _connect(self, at: float, answered_at: float, talk_s: float) -> None:
        self.free_agents -= 1
        handle = talk_s + self.c.wrap_s
        self.handle.append(handle)
        # Only work inside the day counts toward occupancy.
        self.result.busy_s += max(0.0, min(handle, self.c.hours * HOUR - at))
        self.result.connects += 1
        self.result.answer_to_agent_s.append(at - answered_at)
        self._record_live(at, abandoned=False)
        agent = next(self.ids)
        self.talking[agent] = at
        self._push(at + talk_s, "wrap", agent)

    def _record_live(self, at: float, *, abandoned: bool) -> None:
        r = self.result
        r.live += 1
        r.abandoned += abandoned
        self.recent.append(abandoned)
        self.hour.append((at, abandoned))
        while self.hour and self.hour[0][0] < at - HOUR:
            self.hour.popleft()
        r.max_rate = max(r.max_rate, r.abandoned / r.live)
        if len(self.hour) >= 100:  # an hour with fewer answers says little
            hour_rate = sum(a for _, a in self.hour) / len(self.hour)
            r.max_hour_rate = max(r.max_hour_rate, hour_rate)

    def _pace(self, now: float) -> None:
        inputs = self._inputs(now)
        decision = decide(inputs)
        self.factor, self.spike = decision.pace_factor, decision.spike_level
        self.result.reasons[decision.reason] += 1
        for _ in range(decision.dial):
            self._dial(now)

    def _dial(self, now: float) -> None:
        call = next(self.ids)
        result = self.carrier.sample(self.c.ring_timeout_s)
        self.ringing += 1
        self.ringing_since[call] = now
        self.result.attempts += 1
        at = now + result.ring_ms / 1000
        if result.outcome is CallOutcome.HUMAN:
            self.talk[call] = result.talk_ms / 1000
            self.dialed[call] = now
            self._push(at, "human", call)
        else:
            self._push(at, "other", call)

    def _inputs(self, now: float) -> PacingInputs:
        r, cap = self.result, self.c.abandon_cap
        profile = RingProfile.of(list(self.rings))
        budget = cap * r.live - r.abandoned
        rate = r.abandoned / r.live if r.live else 0.0
        return PacingInputs(
            mode=self.c.mode, agents_logged_in=self.c.agents,
            agents_ready=max(0, self.free_agents - len(self.waiting)),
            agents_busy=self.c.agents - self.free_agents,
            wrap_elapsed_s=tuple(now - since for since in self.wrapping.values()),
            mean_wrap_s=_mean(self.wraps, 0.0) if self.wraps else None,
            talk_elapsed_s=tuple(now - since for since in self.talking.values()),
            talk_samples_s=quantiles(self.talks),
            answered_waiting=len(self.waiting), in_flight_ages=self._ages(now),
            ring_calls=profile.calls, ring_humans=profile.humans,
            calls_in_flight=self.ringing + len(self.waiting),
            answer_rate=self.humans / self.completed if self.completed else 0.0,
            samples=self.completed, mean_handle_s=_mean(self.handle, 210.0),
            mean_answer_s=_mean(self.answer_s, 10.0), connect_limit_s=self.c.connect_limit_s,
            abandon_cap=cap, window_rates={"day": rate}, budget=budget, live_in_window=r.live,
            recent_live=len(self.recent), recent_abandoned=sum(self.recent),
            pace_factor=self.factor, spike_level=self.spike, rolling_hour=self._hour(now))

    def _hour(self, now: float) -> tuple[int, int] | None:
        if not self.c.watch_hour:
            return None
        while self.hour and self.hour[0][0] < now - HOUR:
            self.hour.popleft()
        return len(self.hour), sum(abandoned for _, abandoned in self.hour)


    def _ages(self, now: float) -> tuple[int, ...]:
        return ages_histogram(now - since for since in self.ringing_since.values())


def _mean(values: deque[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def simulate(config: SimConfig) -> SimResult:
    """Run one simulated day."""
    return Simulator(config).run()
