"""A real Kafka broker and PostgreSQL server from ringway.shared.testing: use, stop, restart."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import asyncpg  # type: ignore[import-untyped,unused-ignore]
import pytest
from aiokafka import (  # type: ignore[import-untyped,unused-ignore]
    AIOKafkaConsumer,
    AIOKafkaProducer,
)

from ringway.shared.testing import LocalKafka, LocalPostgres


# Own instances, not the session ones from tests/conftest.py: these tests start, kill and pause
# them, and they time the start-up.
@pytest.fixture(scope="module")
def own_kafka() -> Iterator[LocalKafka]:
    """Start one broker for the module; its start-up time is printed (see it with -s)."""
    broker = LocalKafka()
    began = time.monotonic()
    broker.start()
    print(f"\nkafka broker ready in {time.monotonic() - began:.1f}s at {broker.bootstrap_servers}")
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[LocalPostgres]:
    """Start one PostgreSQL server for the module."""
    server = LocalPostgres()
    began = time.monotonic()
    server.start()
    print(f"\npostgres ready in {time.monotonic() - began:.1f}s at {server.url}")
    try:
        yield server
    finally:
        server.close()


def _producer(kafka: LocalKafka) -> AIOKafkaProducer:
    """Build a producer with explicit safe settings (aiokafka's defaults are acks=1)."""
    return AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, acks="all", enable_idempotence=True
    )


def _consumer(kafka: LocalKafka, topic: str, group: str) -> AIOKafkaConsumer:
    """Build a consumer with explicit settings: manual commits, earliest for a new group."""
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )


async def _drain(consumer: AIOKafkaConsumer, count: int, timeout: float) -> list[bytes]:
    """Read `count` message values or fail after `timeout` seconds."""
    values: list[bytes] = []
    async with asyncio.timeout(timeout):
        while len(values) < count:
            batches = await consumer.getmany(timeout_ms=500)
            values.extend(msg.value for msgs in batches.values() for msg in msgs)
    return values


@pytest.mark.kafka
@pytest.mark.asyncio
async def test_kafka_consumes_across_sigterm_restart(own_kafka: LocalKafka) -> None:
    """Producer and consumer stay up while the broker shuts down cleanly and comes back."""
    topic = f"infra-{uuid.uuid4().hex[:8]}"
    producer = _producer(own_kafka)
    consumer = _consumer(own_kafka, topic, f"{topic}-group")
    await producer.start()
    await consumer.start()
    try:
        await producer.send_and_wait(topic, b"before", key=b"call-1")
        assert await _drain(consumer, 1, 60) == [b"before"]
        await consumer.commit()

        old_pid = own_kafka.pid
        await asyncio.to_thread(own_kafka.stop)  # SIGTERM: controlled shutdown
        assert not own_kafka.is_running()
        began = time.monotonic()
        await asyncio.to_thread(own_kafka.start)  # same ports, same data dir
        print(f"\nkafka broker restarted in {time.monotonic() - began:.1f}s")
        assert own_kafka.pid not in (None, old_pid)

        await producer.send_and_wait(topic, b"after", key=b"call-1")
        assert await _drain(consumer, 1, 90) == [b"after"]
        await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()

    # A new group reading from the start proves the data dir survived the restart.
    fresh = _consumer(own_kafka, topic, f"{topic}-fresh")
    await fresh.start()
    try:
        assert sorted(await _drain(fresh, 2, 60)) == [b"after", b"before"]
    finally:
        await fresh.stop()


@pytest.mark.kafka
@pytest.mark.asyncio
async def test_kafka_pause_resume_and_crash(own_kafka: LocalKafka) -> None:
    """A SIGSTOP pause and a SIGKILL crash both end with a working broker."""
    topic = f"infra-{uuid.uuid4().hex[:8]}"
    producer = _producer(own_kafka)
    await producer.start()
    try:
        await asyncio.to_thread(own_kafka.pause)
        # The send waits on the frozen broker and completes once it is resumed.
        pending = asyncio.ensure_future(producer.send_and_wait(topic, b"paused"))
        await asyncio.sleep(1)
        assert not pending.done()
        await asyncio.to_thread(own_kafka.resume)
        await asyncio.wait_for(pending, 30)

        await asyncio.to_thread(own_kafka.kill)
        assert not own_kafka.is_running()
        await asyncio.to_thread(own_kafka.start)
        await producer.send_and_wait(topic, b"after-crash")
    finally:
        await producer.stop()

    consumer = _consumer(own_kafka, topic, f"{topic}-group")
    await consumer.start()
    try:
        assert sorted(await _drain(consumer, 2, 60)) == [b"after-crash", b"paused"]
    finally:
        await consumer.stop()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_postgres_select_stop_and_start_again(own_postgres: LocalPostgres) -> None:
    """SELECT 1 works, the server stops, and data is still there after start_again()."""
    assert own_postgres.url.startswith("postgresql+asyncpg://postgres@127.0.0.1:")
    conn = await asyncpg.connect(own_postgres.dsn())
    try:
        assert await conn.fetchval("SELECT 1") == 1
        await conn.execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
    finally:
        await conn.close()

    await asyncio.to_thread(own_postgres.stop)
    assert not await asyncio.to_thread(own_postgres.is_running)
    with pytest.raises(ConnectionRefusedError):
        await asyncpg.connect(own_postgres.dsn(), timeout=5)

    await asyncio.to_thread(own_postgres.start_again)
    conn = await asyncpg.connect(own_postgres.dsn())
    try:
        assert await conn.fetchval("SELECT x FROM kept") == 42
    finally:
        await conn.close()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_postgres_create_database(own_postgres: LocalPostgres) -> None:
    """create_database returns an asyncpg SQLAlchemy URL and is idempotent."""
    url = await asyncio.to_thread(own_postgres.create_database, "tenant_a")
    assert url == own_postgres.url_for("tenant_a")
    assert url.startswith("postgresql+asyncpg://")
    assert url.endswith("/tenant_a")
    assert await asyncio.to_thread(own_postgres.create_database, "tenant_a") == url
    conn = await asyncpg.connect(own_postgres.dsn("tenant_a"))
    try:
        assert await conn.fetchval("SELECT current_database()") == "tenant_a"
    finally:
        await conn.close()
