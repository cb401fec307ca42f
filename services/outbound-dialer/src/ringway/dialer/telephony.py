"""The telephony port, and a seeded simulated carrier for tests, the demo and the benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class CallOutcome(StrEnum):
    """What the network reports for a placed call."""

    HUMAN = "human"
    MACHINE = "machine"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"


@dataclass(frozen=True)
class CallResult:
    """A placed call's outcome and timings (talk only for a simulated human answer)."""

    outcome: CallOutcome
    ring_ms: int
    talk_ms: int = 0


class Telephony(Protocol):
    """The seam for a real PBX/CPaaS adapter."""

    async def dial(self, number: str, caller_id: str | None,
                   ring_timeout_s: float) -> CallResult:
        """Place a call and report how it was answered (or not)."""
        ...

    async def play_message(self, number: str, message: str) -> None:
        """Play a recorded message on the live call to `number`, then hang up."""
        ...


@dataclass(frozen=True)
class CarrierProfile:
    """Rates and distributions of the simulated network."""

    answer_rate: float = 0.25
    machine_rate: float = 0.10
    busy_rate: float = 0.10
    failed_rate: float = 0.01
    human_ring_s: tuple[float, float] = (3.0, 18.0)
    machine_ring_s: tuple[float, float] = (3.0, 12.0)
    amd_s: float = 2.5
    talk_mean_s: float = 180.0


class SimulatedCarrier:
    """A deterministic network: the same seed gives the same calls."""

    def __init__(self, profile: CarrierProfile | None = None, *, seed: int = 7) -> None:
        self.profile = profile or CarrierProfile()
        self.random = random.Random(seed)  # noqa: S311 - a reproducible simulation, not secrets
        self.placed: list[str] = []
        self.messages: list[tuple[str, str]] = []

    def sample(self, ring_timeout_s: float) -> CallResult:
        """The next call's outcome and timings."""
        p, draw = self.profile, self.random.random()
        if draw < p.answer_rate:
            talk = self.random.expovariate(1 / p.talk_mean_s)
            return CallResult(CallOutcome.HUMAN, _ms(self.random.uniform(*p.human_ring_s)),
                              _ms(talk))
        draw -= p.answer_rate
        if draw < p.machine_rate:
            ring = self.random.uniform(*p.machine_ring_s) + p.amd_s
            return CallResult(CallOutcome.MACHINE, _ms(ring))
        draw -= p.machine_rate
        if draw < p.busy_rate:
            return CallResult(CallOutcome.BUSY, _ms(self.random.uniform(1.0, 4.0)))
        if draw - p.busy_rate < p.failed_rate:
            return CallResult(CallOutcome.FAILED, _ms(self.random.uniform(0.2, 2.0)))
        return CallResult(CallOutcome.NO_ANSWER, _ms(ring_timeout_s))

    async def dial(self, number: str, caller_id: str | None,
                   ring_timeout_s: float) -> CallResult:
        """Place a call on the simulated network (timings are reported, not waited for)."""
        self.placed.append(number)
        return self.sample(ring_timeout_s)

    async def play_message(self, number: str, message: str) -> None:
        """Record the message as played on the simulated call."""
        self.messages.append((number, message))


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
