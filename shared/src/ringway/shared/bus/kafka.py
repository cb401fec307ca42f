"""Event bus on Apache Kafka (aiokafka), with every unsafe default overridden.

Producer: idempotent, acks=all. Consumers: manual commit of offsets after the handler
returned (the handler commits its own DB transaction first), `earliest` for new groups,
read_committed, a rebalance listener that commits what was processed before partitions
move. A watchdog restarts a consumer that stops making progress while records wait,
and readiness reports it, so a stall after a broker restart is never silent.

Opt-in pipelining: a handler with `prepare_batch(deliveries)` (returning the coroutine function
that applies the batch in its own transaction) has poll N+1 fetched and prepared while batch
N's apply still runs; applies run one at a time in poll order, and a batch's offsets are
committed only after its apply returned. A failed apply falls back to one by one for its
records before anything after it is applied, and the next batch is prepared again.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from ringway.shared.bus.base import (
    BusStatus,
    Delivery,
    EventBus,
    Handler,
    Record,
    RetryPolicy,
    Subscription,
    handle_with_retries,
)
from ringway.shared.contracts.topics import TopicSpec

log = logging.getLogger(__name__)


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, member: _KafkaMember) -> None:
        self.member = member

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if self.member.flight is not None:  # its offsets are committed with the others
            await asyncio.gather(self.member.flight, return_exceptions=True)
        await self.member.commit_processed(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.member.last_progress = time.monotonic()


class _KafkaMember(Subscription):
    def __init__(self, bus: KafkaBus, group: str, topics: tuple[str, ...], handler: Handler,
                 retry: RetryPolicy) -> None:
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = handler
        self.retry = retry
        self.consumer: AIOKafkaConsumer | None = None
        self.processed: dict[TopicPartition, int] = {}  # next offset to commit
        self.last_progress = time.monotonic()
        self.stopping = False
        self.restarts = 0
        self.task: asyncio.Task[None] | None = None
        # Pipelined handlers only: the batch being applied while the next one is fetched.
        self.flight: asyncio.Task[bool] | None = None
        self.batches_since_collection = 0

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.bus.bootstrap_servers,
            client_id=f"{self.bus.client_id}-{self.group}",
            group_id=self.bus.namespace + self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_records=self.bus.max_poll_records,
            session_timeout_ms=self.bus.session_timeout_ms,
            heartbeat_interval_ms=max(1000, self.bus.session_timeout_ms // 3),
            # New topics and partitions are noticed within 10 s, not the default 5 minutes.
            metadata_max_age_ms=10_000,
        )

    async def run(self) -> None:
        """Consume until stopped; a failed or stalled consumer is replaced."""
        while not self.stopping:
            self.consumer = self._new_consumer()
            self.processed = {}
            try:
                await self.consumer.start()
                self.consumer.subscribe([self.bus.namespace + t for t in self.topics],
                                        listener=_CommitOnRevoke(self))
                self.last_progress = time.monotonic()
                await self._poll_loop(self.consumer)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("consumer failed; restarting", extra={"group": self.group})
                self.restarts += 1
                await asyncio.sleep(1.0)
            finally:
                if not self.stopping:
                    with contextlib.suppress(Exception):
                        await self.consumer.stop()

    async def _poll_loop(self, consumer: AIOKafkaConsumer) -> None:
        prepare = getattr(self.handler, "prepare_batch", None)
        if prepare is not None:
            await self._pipelined_loop(consumer, prepare)
            return
        while not self.stopping:
            batches = await consumer.getmany(timeout_ms=500)
            if not await self._handle_batch(batches):
                await self._handle_one_by_one(batches)
            if await self._commit_or_give_up(consumer):
                return

    async def _commit_or_give_up(self, consumer: AIOKafkaConsumer) -> bool:
        """Commit what was processed; True when the consumer stalled and must be recreated."""
        if self.processed:
            await self.commit_processed(set(self.processed))
        if await self._stalled(consumer):
            log.error("consumer stalled; recreating it", extra={"group": self.group})
            self.restarts += 1
            return True
        return False

    async def _handle_one_by_one(self, batches: dict[TopicPartition, list[Any]]) -> None:
        for tp, messages in batches.items():
            for message in messages:
                if self.stopping:
                    break
                await handle_with_retries(
                    self.handler, _delivery(message, self.bus.namespace), self.retry,
                    self.group, self.bus._dead_letter
                )
                self.processed[tp] = message.offset + 1
                self.last_progress = time.monotonic()

    async def _handle_batch(self, batches: dict[TopicPartition, list[Any]]) -> bool:
        """A handler with `handle_batch` gets the whole poll at once (its own transaction);
        False when it has none or the batch failed: then each record goes one by one."""
        handle_batch = getattr(self.handler, "handle_batch", None)
        if handle_batch is None or self.stopping or sum(map(len, batches.values())) < 2:
            return False
        try:
            with _gc_paused():
                deliveries = [_delivery(m, self.bus.namespace)
                              for ms in batches.values() for m in ms]
                await handle_batch(deliveries)
        except asyncio.CancelledError:
            raise
        except Exception:  # one by one retries, and dead-letters only the culprit
            log.warning("batch failed; handling its records one by one", exc_info=True,
                        extra={"group": self.group})
            return False
        for tp, messages in batches.items():
            self.processed[tp] = messages[-1].offset + 1
        self.last_progress = time.monotonic()
        return True

    async def _pipelined_loop(self, consumer: AIOKafkaConsumer, prepare: Prepare) -> None:
        """Fetch and prepare batch N+1 while batch N is applied; commit offsets in order."""
        try:
            with _gc_paused():  # for the whole pipeline, collected between batches instead
                while not self.stopping:
                    batches = await consumer.getmany(timeout_ms=500)
                    apply = await self._prepare(prepare, batches)
                    if self.flight is not None:
                        landed = await self.flight
                        self.flight = None
                        if not landed and apply is not None:  # it was prepared on top of it
                            apply = await self._prepare(prepare, batches)
                    self.batches_since_collection += 1
                    if not batches or self.batches_since_collection >= COLLECT_EVERY_BATCHES:
                        _collect_due()
                        self.batches_since_collection = 0
                    if apply is not None:
                        self.flight = asyncio.create_task(self._fly(apply, batches))
                    elif batches:
                        await self._handle_one_by_one(batches)
                    if await self._commit_or_give_up(consumer):
                        return
        except BaseException:
            if self.flight is not None:  # a crash or abort: its offsets stay uncommitted
                self.flight.cancel()
            raise
        finally:
            if self.flight is not None:  # stopping: the batch lands, stop() commits it
                await asyncio.gather(self.flight, return_exceptions=True)
                self.flight = None

    async def _prepare(self, prepare: Prepare,
                       batches: dict[TopicPartition, list[Any]]) -> Apply | None:
        """The batch's apply, or None: too small, stopping, or its preparation failed."""
        if self.stopping or sum(map(len, batches.values())) < 2:
            return None
        try:
            return await prepare([_delivery(m, self.bus.namespace)
                                  for ms in batches.values() for m in ms])
        except asyncio.CancelledError:
            raise
        except Exception:  # one by one then, where the bus dead-letters only the culprit
            log.warning("batch preparation failed; handling its records one by one",
                        exc_info=True, extra={"group": self.group})
            return None

    async def _fly(self, apply: Apply, batches: dict[TopicPartition, list[Any]]) -> bool:
        """Apply a prepared batch; False when it failed and went one by one instead."""
        try:
            await apply()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("batch failed; handling its records one by one", exc_info=True,
                        extra={"group": self.group})
            await self._handle_one_by_one(batches)
            return False
        for tp, messages in batches.items():
            self.processed[tp] = messages[-1].offset + 1
        self.last_progress = time.monotonic()
        return True

    async def commit_processed(self, partitions: set[TopicPartition]) -> None:
        """Commit the offsets after the records processed on these partitions."""
        if self.consumer is None:
            return
        offsets = {tp: self.processed.pop(tp) for tp in list(partitions) if tp in self.processed}
        if offsets:
            await self.consumer.commit(offsets)

    async def _lagging(self, consumer: AIOKafkaConsumer) -> bool:
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            try:
                position = await asyncio.wait_for(consumer.position(tp), timeout=2)
            except (KafkaError, TimeoutError):
                return True
            if highwater is not None and highwater > position:
                return True
        return False

    async def _stalled(self, consumer: AIOKafkaConsumer) -> bool:
        idle = time.monotonic() - self.last_progress
        if idle < self.bus.stall_timeout_s:
            return False
        if not consumer.assignment():
            return True  # no partitions for too long: the group coordinator is out of reach
        if await self._lagging(consumer):
            return True
        self.last_progress = time.monotonic()  # idle because there is nothing to read
        return False

    def healthy(self) -> bool:
        if self.task is None or self.task.done():
            return self.stopping
        return time.monotonic() - self.last_progress < 2 * self.bus.stall_timeout_s

    async def stop(self) -> None:
        self.stopping = True
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                await self.commit_processed(set(self.processed))
            with contextlib.suppress(Exception):
                await self.consumer.stop()
        self.bus._members.discard(self)

    async def abort(self) -> None:
        self.stopping = True
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self.processed = {}
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                await self.consumer.stop()
        self.bus._members.discard(self)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is handled (reference counting still frees).

    A poll's records, their deliveries and what a handler builds for each all live until the
    batch ends: the collector rescanned them, and a whole-heap pass ran every few thousand
    records (~20 us a record in the metrics benchmark). They hold no cycles to find;
    collection resumes when the batch ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# A young-generation pass walks every live object of the batches in the pipeline (~20 ms
# for polls of 20,000 records) and finds almost no cycles: one every few batches is enough.
COLLECT_EVERY_BATCHES = 8


def _collect_due() -> None:
    """With collection paused, run the pass the collector would have run by now (if any).

    The pipeline never leaves collection on long enough for it to run by itself; this keeps
    cycles from piling up, older generations as rarely as usual relative to young passes.
    """
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


Apply = Callable[[], Awaitable[None]]
Prepare = Callable[[Sequence[Delivery]], Awaitable[Apply]]


def _delivery(message: Any, namespace: str) -> Delivery:
    return Delivery(
        message.topic.removeprefix(namespace),
        message.partition,
        message.offset,
        message.key.decode() if message.key is not None else None,
        message.value or b"",
        tuple(map(tuple, message.headers)),
    )


class KafkaBus(EventBus):
    """Publishes and consumes through an Apache Kafka cluster."""

    def __init__(self, bootstrap_servers: str, *, client_id: str = "ringway",
                 stall_timeout_s: float = 30.0, session_timeout_ms: int = 10_000,
                 max_poll_records: int = 500, namespace: str = "") -> None:
        self.bootstrap_servers = bootstrap_servers
        # Prefix of every physical topic and group name: several environments (or test runs)
        # share one cluster without seeing each other's events. Handlers see logical names.
        self.namespace = namespace
        self.client_id = client_id
        self.stall_timeout_s = stall_timeout_s
        self.session_timeout_ms = session_timeout_ms
        self.max_poll_records = max_poll_records
        self._producer: AIOKafkaProducer | None = None
        self._members: set[_KafkaMember] = set()

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-producer",
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_batch_size=512 * 1024,
            request_timeout_ms=15_000,
        )
        await self._producer.start()

    async def stop(self) -> None:
        for member in list(self._members):
            await member.stop()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def send(self, records: Sequence[Record]) -> None:
        if self._producer is None:
            raise RuntimeError("bus is not started")
        futures = [
            await self._producer.send(
                self.namespace + r.topic, r.value, key=r.key.encode(), headers=list(r.headers)
            )
            for r in records
        ]
        await asyncio.gather(*futures)

    async def _dead_letter(self, record: Record) -> None:
        await self.send([record])

    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler, *,
                        retry: RetryPolicy | None = None) -> Subscription:
        member = _KafkaMember(self, group, tuple(topics), handler, retry or RetryPolicy())
        self._members.add(member)
        member.task = asyncio.create_task(member.run(), name=f"consumer-{group}")
        return member

    async def status(self) -> BusStatus:
        reachable = False
        if self._producer is not None:
            try:
                await asyncio.wait_for(self._producer.client.fetch_all_metadata(), timeout=3)
                reachable = True
            except (KafkaError, TimeoutError, OSError):
                reachable = False
        stalled = [m.group for m in self._members if not m.healthy()]
        return BusStatus(reachable=reachable, stalled=stalled)

    async def ensure_topics(self, specs: Sequence[TopicSpec], replication_factor: int = 1,
                            timeout_s: float = 30.0) -> None:
        """Create missing topics (and their dead-letter topics) and wait until they are visible.

        A consumer that subscribes before a new topic is in the cluster metadata gets no
        partition of it until its next metadata refresh; waiting here avoids that gap.
        """
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        await admin.start()
        try:
            names = {self.namespace + name for spec in specs
                     for name in (spec.name, spec.dead_letter)}
            existing = set(await admin.list_topics())
            for spec in specs:
                for name in (self.namespace + spec.name, self.namespace + spec.dead_letter):
                    if name in existing:
                        continue
                    topic = NewTopic(name, spec.partitions, replication_factor,
                                     topic_configs={"retention.ms": str(spec.retention_ms)})
                    with contextlib.suppress(TopicAlreadyExistsError):
                        await admin.create_topics([topic])
            deadline = time.monotonic() + timeout_s
            while not names <= set(await admin.list_topics()):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"topics not visible after {timeout_s}s: {sorted(names)}")
                await asyncio.sleep(0.1)
        finally:
            await admin.close()
