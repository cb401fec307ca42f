"""The declared list of topics: the one place partitions, keys and retention are set."""

from __future__ import annotations

from dataclasses import dataclass

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    """A Kafka topic as Ringway provisions it."""

    name: str
    key: str
    description: str
    partitions: int = 6
    retention_ms: int = 14 * DAY_MS

    @property
    def dead_letter(self) -> str:
        """Name of the topic that receives this topic's poison messages."""
        return f"{self.name}.dlq"


TOPICS: dict[str, TopicSpec] = {
    spec.name: spec
    for spec in (
        TopicSpec("contacts", "contact_id", "Lifecycle of inbound and outbound contacts."),
        TopicSpec("agents", "agent_id", "Agent profiles and state changes."),
        TopicSpec("callbacks", "callback_id", "Callback requests from routing and self-service."),
        TopicSpec("dialer", "campaign_id", "Campaigns, enrolments and call attempts."),
        TopicSpec("selfservice", "customer_id", "What customers do in self-service."),
        TopicSpec("surveys", "contact_id", "Post-contact survey answers."),
        TopicSpec("alerts", "campaign_id", "Operational alerts, e.g. abandon rate near its cap."),
        TopicSpec("routing", "item", "Routing configuration changes: queues, contact reasons, "
                  "routing rules, settings.", partitions=1, retention_ms=365 * DAY_MS),
    )
}
