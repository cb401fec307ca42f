"""Batch-native aggregation: a poll's contact and agent events folded into plain-dict deltas.

The per-event handlers (ingest.py) build dicts and await a store call per row touched, ~50 us an
event. Here the same arithmetic adds into lists keyed by (interval, queue, channel, ...) tuples,
and `drain` hands each distinct row to the batch's write-behind memory once, which sends one
upsert per table. The rows with memory of the past (the queue a contact is in, an agent's
state since when, a contact's live wait) go through that same memory, so events of the full
path in the same batch read and write them in order with these. The KPIs are the handlers':
tests compare the two paths on every report.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ringway.metrics import store, tables
from ringway.metrics.domain import KpiRules, as_utc, floor_interval
from ringway.metrics.domain.agents import split_by_interval
from ringway.metrics.domain.kpis import COUNT_NAMES, MAXIMA
from ringway.shared.db.uow import UnitOfWork

INTERVAL_KEY = ("interval_start", "queue_id", "channel")
AGENT_KEY = ("interval_start", "agent_id", "queue_id", "channel")
AGENT_AMOUNTS = ("answered", "handled", "talk_ms_total", "hold_ms_total", "wrap_up_ms_total")
REASON_KEY = ("interval_start", "queue_id", "channel", "reason")
REASON_AMOUNTS = ("offered", "handled", "resolved")
STATE_KEY = ("interval_start", "agent_id", "state", "reason")
CONTACT_KEY = ("contact_id",)
_I = {name: i for i, name in enumerate(COUNT_NAMES)}
OFFERED, ANSWERED, ABANDONED, WITHIN = _I["offered"], _I["answered"], _I["abandoned"], \
    _I["answered_within_sl"]
WAIT, HANDLED, HANDLE, SHORT = _I["wait_ms_total"], _I["handled"], _I["handle_ms_total"], \
    _I["short_abandoned"]
AB_WITHIN, AB_WAIT, LONGEST = _I["abandoned_within_sl"], _I["abandon_wait_ms_total"], \
    _I["longest_wait_ms"]
TALK, HOLD, WRAP, TRANSFERS, RESOLVED = _I["talk_ms_total"], _I["hold_ms_total"], \
    _I["wrap_up_ms_total"], _I["transfers"], _I["resolved"]
WIDTH = len(COUNT_NAMES)
# The row each kind's fold looks up, by the first of its fields.
LOOKUPS = {"contact.queued": tables.contact_seen, "contact.transferred": tables.contact_seen,
           "agent.state_changed": tables.agent_presence}


class Fold:
    """Deltas of a batch not yet handed to the write-behind memory."""

    def __init__(self, rules: KpiRules, memory: store.WriteBehind) -> None:
        self.minutes = rules.interval_minutes
        self.sl_ms = rules.service_level_threshold_s * 1000
        self.short_ms = rules.short_abandon_s * 1000
        self.memory = memory
        self.intervals: dict[tuple[Any, ...], list[int]] = {}
        self.agents: dict[tuple[Any, ...], list[int]] = {}
        self.reasons: dict[tuple[Any, ...], list[int]] = {}
        self.states: dict[tuple[Any, ...], int] = {}
        self._floors: dict[tuple[int, int, int, int, int], datetime] = {}

    def _floor(self, moment: datetime) -> datetime:
        # Thousands of events share a few intervals: floor each (hour, slot) once. Times
        # decoded from the wire are in UTC; any other zone (or none) takes the general path.
        if moment.tzinfo is not UTC:
            return floor_interval(moment, self.minutes)
        slot = (moment.year, moment.month, moment.day, moment.hour,
                moment.minute // self.minutes)
        start = self._floors.get(slot)
        if start is None:
            start = self._floors[slot] = floor_interval(moment, self.minutes)
        return start

    def _interval(self, moment: datetime, queue: str, channel: str) -> list[int]:
        key = (self._floor(moment), queue, channel)
        row = self.intervals.get(key)
        if row is None:
            row = self.intervals[key] = [0] * WIDTH
        return row

    def _agent(self, moment: datetime, agent: str, queue: str, channel: str) -> list[int]:
        key = (self._floor(moment), agent, queue, channel)
        row = self.agents.get(key)
        if row is None:
            row = self.agents[key] = [0] * len(AGENT_AMOUNTS)
        return row

    def _reason(self, moment: datetime, queue: str, channel: str, reason: str) -> list[int]:
        key = (self._floor(moment), queue, channel, reason)
        row = self.reasons.get(key)
        if row is None:
            row = self.reasons[key] = [0] * len(REASON_AMOUNTS)
        return row

    def _row(self, table: Any, value: str) -> dict[str, Any] | None:
        # The caller made it known (prefetched, or read by `ensure_known`): folding awaits
        # nothing, so an event costs no coroutine.
        return self.memory.known[(table.name, (value,))]

    def dispatch(self) -> dict[str, Any]:
        """Event type -> the method folding its fast-decoded fields."""
        return {"contact.queued": self.queued, "contact.accepted": self.accepted,
                "contact.completed": self.completed, "contact.abandoned": self.abandoned,
                "contact.transferred": self.transferred,
                "agent.state_changed": self.state_changed}

    async def ensure_known(self, uow: UnitOfWork, kind: str, fields: tuple[Any, ...]) -> None:
        """Read the row this event's fold looks up if the batch's memory does not hold it."""
        table = LOOKUPS.get(kind)
        if table is not None and (table.name, (fields[0],)) not in self.memory.known:
            await store.row(uow, table, **{table.primary_key.columns[0].name: fields[0]})

    def _mark(self, contact: str, queue: str, channel: str, arrived: datetime,
              waiting: int, at: datetime) -> None:
        # (Times are UTC already as decoded from the wire: converted only when they are not.)
        self.memory.put_row(tables.waiting_contacts, CONTACT_KEY, (contact,), {
            "contact_id": contact, "queue_id": queue, "channel": channel,
            "arrived_at": arrived if arrived.tzinfo is UTC else as_utc(arrived),
            "waiting": waiting, "changed_at": at if at.tzinfo is UTC else as_utc(at)},
            newer_by="changed_at")

    def queued(self, contact: str, queue: str, channel: str, arrived: datetime,
               reason: str | None, time: datetime) -> None:
        """As ingest.contact_queued (without a customer)."""
        seen = self._row(tables.contact_seen, contact)
        moment = arrived if seen is None else time
        if seen is not None and seen["queue_id"] != queue:
            self._interval(moment, seen["queue_id"], seen["channel"])[TRANSFERS] += 1
        self.memory.put_row(tables.contact_seen, CONTACT_KEY, (contact,), {
            "contact_id": contact, "queue_id": queue, "channel": channel, "queued_at": moment})
        self._interval(moment, queue, channel)[OFFERED] += 1
        self._mark(contact, queue, channel, arrived, 1, moment)
        if reason:
            self._reason(moment, queue, channel, reason)[0] += 1

    def transferred(self, contact: str, queue: str, channel: str, at: datetime,
                    arrived: datetime, cold: bool) -> None:
        """As ingest.contact_transferred."""
        seen = self._row(tables.contact_seen, contact)
        source = seen["queue_id"] if seen is not None else queue
        self._interval(at, source, channel)[TRANSFERS] += 1
        self.memory.put_row(tables.contact_seen, CONTACT_KEY, (contact,), {
            "contact_id": contact, "queue_id": queue, "channel": channel, "queued_at": at})
        if cold:
            self._mark(contact, queue, channel, arrived, 1, at)

    def accepted(self, contact: str, queue: str, channel: str, agent: str, at: datetime,
                 waited: int) -> None:
        """As ingest.contact_accepted."""
        row = self._interval(at, queue, channel)
        row[ANSWERED] += 1
        row[WITHIN] += waited <= self.sl_ms
        row[WAIT] += waited
        row[LONGEST] = max(row[LONGEST], waited)
        self._agent(at, agent, queue, channel)[0] += 1
        self._mark(contact, queue, channel, as_utc(at) - timedelta(milliseconds=waited), 0, at)

    def abandoned(self, contact: str, queue: str, channel: str, at: datetime,
                  waited: int) -> None:
        """As ingest.contact_abandoned."""
        row = self._interval(at, queue, channel)
        row[ABANDONED] += 1
        row[SHORT] += waited < self.short_ms
        row[AB_WITHIN] += waited <= self.sl_ms
        row[AB_WAIT] += waited
        row[LONGEST] = max(row[LONGEST], waited)
        self._mark(contact, queue, channel, as_utc(at) - timedelta(milliseconds=waited), 0, at)

    def completed(self, queue: str, channel: str, agent: str, at: datetime, talk: int,
                  hold: int, wrap: int, resolved: bool, reason: str | None) -> None:
        """As ingest.contact_completed (without a customer)."""
        row = self._interval(at, queue, channel)
        row[HANDLED] += 1
        row[HANDLE] += talk + hold + wrap
        row[TALK] += talk
        row[HOLD] += hold
        row[WRAP] += wrap
        row[RESOLVED] += resolved
        mine = self._agent(at, agent, queue, channel)
        mine[1] += 1
        mine[2] += talk
        mine[3] += hold
        mine[4] += wrap
        if reason:
            why = self._reason(at, queue, channel, reason)
            why[1] += 1
            why[2] += resolved

    def state_changed(self, agent: str, state: str, reason: str | None,
                      at: datetime) -> None:
        """As ingest.agent_state_changed."""
        presence = self._row(tables.agent_presence, agent)
        if presence is not None and presence["since"] > as_utc(at):
            return  # older than what we know: its span is already accounted for
        if presence is not None:
            for start, ms in split_by_interval(presence["since"], at, self.minutes):
                key = (start, agent, presence["state"], presence["reason"])
                self.states[key] = self.states.get(key, 0) + ms
        self.memory.put_row(tables.agent_presence, ("agent_id",), (agent,), {
            "agent_id": agent, "state": state, "reason": reason or "", "since": at})

    def drain(self) -> None:
        """Hand every row's delta to the write-behind memory (once per row) and start empty."""
        add, none = self.memory.add_all, frozenset[str]()
        add(tables.interval_stats, INTERVAL_KEY, COUNT_NAMES, MAXIMA, self.intervals)
        add(tables.agent_stats, AGENT_KEY, AGENT_AMOUNTS, none, self.agents)
        add(tables.reason_stats, REASON_KEY, REASON_AMOUNTS, none, self.reasons)
        add(tables.agent_state_time, STATE_KEY, ("ms",), none,
            {key: (ms,) for key, ms in self.states.items()})
        self.intervals.clear()
        self.agents.clear()
        self.reasons.clear()
        self.states.clear()
