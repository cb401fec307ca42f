"""Event envelope, event registry and the catalogue generator."""

from ringway.shared.events.envelope import Envelope, EventData, new_event_id
from ringway.shared.events.registry import REGISTRY, EventRegistry, UnknownEventType, event

__all__ = [
    "REGISTRY",
    "Envelope",
    "EventData",
    "EventRegistry",
    "UnknownEventType",
    "event",
    "new_event_id",
]
