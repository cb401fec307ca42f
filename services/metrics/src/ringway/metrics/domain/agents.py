"""Agent time: state timelines split into intervals, occupancy, utilization, not-ready."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringway.metrics.domain.kpis import as_utc, floor_interval, ratio

HANDLING = frozenset({"busy", "wrap_up"})
READY = frozenset({"available", "reserved"}) | HANDLING
LOGGED_IN = READY | {"not_ready"}


def split_by_interval(start: datetime, end: datetime,
                      minutes: int) -> list[tuple[datetime, int]]:
    """Milliseconds of [start, end) falling in each interval, oldest first."""
    start, end = as_utc(start), as_utc(end)
    pieces: list[tuple[datetime, int]] = []
    bucket = floor_interval(start, minutes)
    while start < end:
        boundary = min(bucket + timedelta(minutes=minutes), end)
        pieces.append((bucket, _ms(boundary - start)))
        start, bucket = boundary, bucket + timedelta(minutes=minutes)
    return pieces


def _ms(span: timedelta) -> int:
    return span // timedelta(milliseconds=1)


@dataclass(frozen=True)
class AgentTime:
    """Where an agent's logged-in time went, and the ratios the field reports."""

    logged_in_ms: int
    ready_ms: int
    handling_ms: int
    not_ready_ms: int
    not_ready_by_reason: dict[str, int]
    occupancy: float | None
    utilization: float | None


def agent_time(state_ms: Mapping[tuple[str, str], int]) -> AgentTime:
    """Occupancy = handling / ready time; utilization = handling / logged-in time."""
    def total(states: frozenset[str]) -> int:
        return sum(ms for (state, _), ms in state_ms.items() if state in states)

    reasons: dict[str, int] = {}
    for (state, reason), ms in state_ms.items():
        if state == "not_ready":
            reasons[reason or "unspecified"] = reasons.get(reason or "unspecified", 0) + ms
    handling, ready, logged_in = total(HANDLING), total(READY), total(LOGGED_IN)
    return AgentTime(logged_in, ready, handling, sum(reasons.values()), reasons,
                     ratio(handling, ready), ratio(handling, logged_in))


def staffed_agents(logged_in_ms: int, minutes: int) -> float:
    """Average agents logged in over an interval of `minutes`."""
    return logged_in_ms / (minutes * 60_000)
