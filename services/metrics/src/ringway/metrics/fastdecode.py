"""Fast decoding of the events the aggregates fold most: one orjson parse, no pydantic.

Validating an envelope and its payload with pydantic took ~30 us an event, most of a batch's
decoding time. Here a record is parsed once and only what the aggregates read is checked: the
envelope's id, type, version and time, and the few payload fields each fold uses (exact JSON
types, known enum values, non-negative durations, time-zone-aware times). Anything else in the
payload is ignored, as consumers ignore fields they don't know. A record this path does not
accept in full (another type or version, a customer id that first-contact resolution and
containment must see, any field it cannot read) returns None: the caller takes the full
pydantic path for it, which decodes it or reports it exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from ringway.shared.contracts.agents import AgentState
from ringway.shared.contracts.common import Channel

CHANNELS = frozenset(c.value for c in Channel)
STATES = frozenset(s.value for s in AgentState)


class Head(NamedTuple):
    """The envelope fields batching needs; `fields` is the event's parsed payload or None."""

    id: str
    type: str
    version: int
    fields: tuple[Any, ...] | None


class Unreadable(ValueError):
    """A field the fast path cannot read as the contract says: take the full path."""


def head(value: bytes) -> Head | None:
    """The envelope's id/type/version and, for a fast type, its fields; None: full path."""
    try:
        raw = orjson.loads(value)
        if not isinstance(raw, dict):
            return None
        event_id, kind, data = raw["id"], raw["type"], raw["data"]
        version = raw.get("schemaversion", 1)
        # Every check the envelope model makes, so what passes here it would accept too.
        if not (isinstance(event_id, str) and isinstance(kind, str) and isinstance(data, dict)
                and isinstance(raw["source"], str) and isinstance(raw["subject"], str)
                and type(version) is int and version >= 1
                and isinstance(raw.get("datacontenttype", ""), str)):
            return None
        time = _time(raw["time"])
        read = READERS.get((kind, version))
        if read is None:
            return Head(event_id, kind, version, None)
        return Head(event_id, kind, version, read(data, time))
    except (orjson.JSONDecodeError, KeyError, Unreadable, ValueError, TypeError):
        return None


def _time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) < 19 or value[10] != "T":
        raise Unreadable("time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise Unreadable("naive time")
    return moment


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Unreadable("string")
    return value


def _opt_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise Unreadable(name)
    return value


def _ms(data: dict[str, Any], name: str, default: int | None = None) -> int:
    value = data.get(name, default)
    if type(value) is not int or value < 0:
        raise Unreadable(name)
    return value


def _channel(data: dict[str, Any]) -> str:
    value = data["channel"]
    if value not in CHANNELS:
        raise Unreadable("channel")
    return str(value)


def _no_customer(data: dict[str, Any]) -> None:
    # First-contact resolution and containment need the customer: the full path handles them.
    if data.get("customer_id") is not None:
        raise Unreadable("customer_id")


def queued(data: dict[str, Any], time: datetime) -> tuple[Any, ...]:
    """contact.queued v1: (contact, queue, channel, arrived_at, reason, envelope time)."""
    _no_customer(data)
    return (_str(data["contact_id"]), _str(data["queue_id"]), _channel(data),
            _time(data["arrived_at"]), _opt_str(data, "reason"), time)


def transferred(data: dict[str, Any], _: datetime) -> tuple[Any, ...]:
    """contact.transferred v1: (contact, queue, channel, transferred_at, arrived_at, cold)."""
    _str(data["from_agent_id"])
    return (_str(data["contact_id"]), _str(data["queue_id"]), _channel(data),
            _time(data["transferred_at"]), _time(data["arrived_at"]),
            _opt_str(data, "to_agent_id") is None)


def accepted(data: dict[str, Any], _: datetime) -> tuple[Any, ...]:
    """contact.accepted v1: (contact, queue, channel, agent, accepted_at, waited_ms)."""
    return (_str(data["contact_id"]), _str(data["queue_id"]), _channel(data),
            _str(data["agent_id"]), _time(data["accepted_at"]), _ms(data, "waited_ms"))


def abandoned(data: dict[str, Any], _: datetime) -> tuple[Any, ...]:
    """contact.abandoned v1: (contact, queue, channel, abandoned_at, waited_ms)."""
    return (_str(data["contact_id"]), _str(data["queue_id"]), _channel(data),
            _time(data["abandoned_at"]), _ms(data, "waited_ms"))


def completed(data: dict[str, Any], _: datetime) -> tuple[Any, ...]:
    """contact.completed v1: (queue, channel, agent, completed_at, talk, hold, wrap-up,
    resolved, reason)."""
    _no_customer(data)
    _str(data["contact_id"])
    resolved = data.get("resolved", False)
    if type(resolved) is not bool:
        raise Unreadable("resolved")
    return (_str(data["queue_id"]), _channel(data), _str(data["agent_id"]),
            _time(data["completed_at"]), _ms(data, "talk_ms", 0), _ms(data, "hold_ms", 0),
            _ms(data, "wrap_up_ms", 0), resolved, _opt_str(data, "reason"))


def state_changed(data: dict[str, Any], _: datetime) -> tuple[Any, ...]:
    """agent.state_changed v1: (agent, state, reason, changed_at)."""
    if data["previous"] not in STATES or data["state"] not in STATES:
        raise Unreadable("state")
    return (_str(data["agent_id"]), str(data["state"]), _opt_str(data, "reason"),
            _time(data["changed_at"]))


Reader = Callable[[dict[str, Any], datetime], tuple[Any, ...]]
READERS: dict[tuple[str, int], Reader] = {
    ("contact.queued", 1): queued,
    ("contact.transferred", 1): transferred,
    ("contact.accepted", 1): accepted,
    ("contact.abandoned", 1): abandoned,
    ("contact.completed", 1): completed,
    ("agent.state_changed", 1): state_changed,
}
