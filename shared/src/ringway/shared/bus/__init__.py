"""The event bus: one interface, a Kafka implementation and an in-process one."""

from ringway.shared.bus.base import (
    Delivery,
    EventBus,
    Handler,
    PoisonRecord,
    Record,
    RetryPolicy,
    Subscription,
)

__all__ = [
    "Delivery",
    "EventBus",
    "Handler",
    "PoisonRecord",
    "Record",
    "RetryPolicy",
    "Subscription",
]
