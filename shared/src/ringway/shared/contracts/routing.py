"""Topic `routing`, keyed by the configured item: routing configuration as admins change it.

Queues, the contact-reason taxonomy, routing rules and per-deployment settings. Each event
carries the item's whole new state, so a consumer can keep a copy without calling routing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from ringway.shared.contracts.common import Channel
from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "routing"
ITEM = Field(description="The configured item: `queue:<id>`, `reason:<code>`, `rule:<id>` or "
             "`settings`. The Kafka key, so each item's changes arrive in order.",
             examples=["reason:billing"])
CHANGED_BY = Field(default=None, description="The admin or supervisor (token subject) who "
                   "made the change.")


@event("queue.configured", topic=TOPIC, key="item")
class QueueConfigured(EventData):
    """A queue was created or its routing configuration replaced."""

    item: str = ITEM
    queue_id: str
    created: bool = Field(description="True when this created the queue.")
    config: dict[str, Any] = Field(
        description="The queue's whole configuration, as `PUT /queues/{id}` takes it.",
        examples=[{"channels": ["voice"], "priority": 0, "service_level_s": 20}])
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("queue.removed", topic=TOPIC, key="item")
class QueueRemoved(EventData):
    """A queue was deleted (no queue, rule, agent or contact used it any more)."""

    item: str = ITEM
    queue_id: str
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("contact_reason.saved", topic=TOPIC, key="item")
class ContactReasonSaved(EventData):
    """A contact reason was added to the taxonomy or changed (category, label)."""

    item: str = ITEM
    code: str = Field(examples=["billing"])
    category: str = Field(examples=["post-sale"])
    label: str
    created: bool = Field(description="True when this added the reason.")
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("contact_reason.removed", topic=TOPIC, key="item")
class ContactReasonRemoved(EventData):
    """A contact reason was removed from the taxonomy."""

    item: str = ITEM
    code: str
    category: str
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("routing_rule.saved", topic=TOPIC, key="item")
class RoutingRuleSaved(EventData):
    """A routing rule was added or replaced; empty conditions match every contact."""

    item: str = ITEM
    rule_id: str
    position: int = Field(description="Rules are tried lowest first.")
    queue_id: str
    priority: int | None = Field(default=None, description="None keeps the contact's own.")
    reason: str | None = None
    category: str | None = None
    channels: list[Channel] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    attributes: dict[str, str] = Field(default_factory=dict, examples=[{"tier": "gold"}])
    created: bool = Field(description="True when this added the rule.")
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("routing_rule.removed", topic=TOPIC, key="item")
class RoutingRuleRemoved(EventData):
    """A routing rule was removed."""

    item: str = ITEM
    rule_id: str
    changed_by: str | None = CHANGED_BY
    changed_at: datetime


@event("routing_settings.changed", topic=TOPIC, key="item")
class RoutingSettingsChanged(EventData):
    """The deployment's routing settings changed (repeat-contact window and boost)."""

    item: str = ITEM
    repeat_window_s: float = Field(description="A customer's contact within this many seconds "
                                   "of their previous one is a repeat.")
    repeat_boost: int = Field(description="Priority added to a repeat contact (0 = none).")
    changed_by: str | None = CHANGED_BY
    changed_at: datetime
