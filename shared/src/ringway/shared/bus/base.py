"""The `EventBus` interface both buses implement with the same semantics.

Semantics: records with the same key keep their order; every consumer group gets
every record (independent groups); within a group each record goes to one member;
a record counts as consumed only after its handler returned (at-least-once);
a handler that keeps failing is retried a bounded number of times, then the record
goes to the topic's dead-letter topic with the error recorded, and consumption goes on.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from ringway.shared.events.envelope import Envelope

log = logging.getLogger(__name__)

TYPE_HEADER = "ce_type"
ID_HEADER = "ce_id"
SOURCE_HEADER = "ce_source"


@dataclass(frozen=True)
class Record:
    """A message to publish."""

    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def of(cls, topic: str, envelope: Envelope, key: str | None = None) -> Record:
        """Build a record for an envelope; the event type also goes in a header."""
        return cls(
            topic=topic,
            key=key if key is not None else envelope.subject,
            value=envelope.to_bytes(),
            headers=(
                (TYPE_HEADER, envelope.type.encode()),
                (ID_HEADER, envelope.id.encode()),
                (SOURCE_HEADER, envelope.source.encode()),
            ),
        )


@dataclass(frozen=True)
class Delivery:
    """A record as a consumer receives it."""

    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    attempt: int = 1

    def header(self, name: str) -> str | None:
        """Return a header decoded as text, or None."""
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return None

    def envelope(self) -> Envelope:
        """Parse the value as an event envelope."""
        return Envelope.from_bytes(self.value)


Handler = Callable[[Delivery], Awaitable[None]]


class PoisonRecord(Exception):
    """A record that can never be handled (malformed, unknown schema): dead-letter it at once."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing handler is retried before its record is dead-lettered."""

    max_attempts: int = 5
    initial_backoff_s: float = 0.2
    max_backoff_s: float = 10.0

    def backoff(self, attempt: int) -> float:
        """Delay before the next attempt after `attempt` failed ones."""
        return float(min(self.max_backoff_s, self.initial_backoff_s * 2 ** (attempt - 1)))


def dead_letter_topic(topic: str) -> str:
    """Name of the dead-letter topic for `topic`."""
    return f"{topic}.dlq"


def dead_letter_record(delivery: Delivery, group: str, error: BaseException) -> Record:
    """The record sent to the dead-letter topic, with the error and origin in headers."""
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    kept = tuple(h for h in delivery.headers if not h[0].startswith("x-dlq-"))
    headers = (
        *kept,
        ("x-dlq-error", detail[:2000].encode()),
        ("x-dlq-error-type", type(error).__name__.encode()),
        ("x-dlq-topic", delivery.topic.encode()),
        ("x-dlq-partition", str(delivery.partition).encode()),
        ("x-dlq-offset", str(delivery.offset).encode()),
        ("x-dlq-group", group.encode()),
        ("x-dlq-attempts", str(delivery.attempt).encode()),
    )
    return Record(dead_letter_topic(delivery.topic), delivery.key or "", delivery.value, headers)


async def handle_with_retries(
    handler: Handler,
    delivery: Delivery,
    policy: RetryPolicy,
    group: str,
    dead_letter: Callable[[Record], Awaitable[None]],
) -> None:
    """Run the handler; retry with backoff; after the last attempt dead-letter the record."""
    attempt = 1
    while True:
        try:
            await handler(
                Delivery(
                    delivery.topic,
                    delivery.partition,
                    delivery.offset,
                    delivery.key,
                    delivery.value,
                    delivery.headers,
                    attempt,
                )
            )
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any handler failure is retried then dead-lettered
            if attempt >= policy.max_attempts or isinstance(error, PoisonRecord):
                log.error(
                    "dead-lettering record",
                    extra={
                        "topic": delivery.topic,
                        "partition": delivery.partition,
                        "offset": delivery.offset,
                        "group": group,
                        "error": repr(error),
                    },
                )
                failed = Delivery(
                    delivery.topic,
                    delivery.partition,
                    delivery.offset,
                    delivery.key,
                    delivery.value,
                    delivery.headers,
                    attempt,
                )
                await dead_letter(dead_letter_record(failed, group, error))
                return
            log.warning(
                "handler failed, will retry",
                extra={"topic": delivery.topic, "offset": delivery.offset, "attempt": attempt},
            )
            await asyncio.sleep(policy.backoff(attempt))
            attempt += 1


class Subscription(abc.ABC):
    """A consumer group member running a handler over some topics."""

    group: str
    topics: tuple[str, ...]

    @abc.abstractmethod
    async def stop(self) -> None:
        """Leave the group cleanly after the in-flight record (if any) is done."""

    @abc.abstractmethod
    async def abort(self) -> None:
        """Stop at once without committing, as a crash would: uncommitted records come again."""

    @abc.abstractmethod
    def healthy(self) -> bool:
        """False when the member is known not to make progress."""


@dataclass
class BusStatus:
    """What readiness reports about the bus."""

    reachable: bool
    stalled: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """True when the broker is reachable and no consumer has stalled."""
        return self.reachable and not self.stalled


class EventBus(abc.ABC):
    """Publish records and run consumer groups."""

    @abc.abstractmethod
    async def start(self) -> None:
        """Connect; must be called before send or subscribe."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop every subscription cleanly and disconnect."""

    @abc.abstractmethod
    async def send(self, records: Sequence[Record]) -> None:
        """Publish records; returns once every one is durably accepted (or raises)."""

    @abc.abstractmethod
    async def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: Handler,
        *,
        retry: RetryPolicy | None = None,
    ) -> Subscription:
        """Join `group` on `topics`; the handler gets each record at least once."""

    @abc.abstractmethod
    async def status(self) -> BusStatus:
        """Reachability and consumer progress, for readiness."""
