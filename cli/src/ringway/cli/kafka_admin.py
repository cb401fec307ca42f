"""Topic provisioning against a Kafka cluster, from the declared list (contracts/topics.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from ringway.shared.contracts.topics import TopicSpec

RETENTION = "retention.ms"


@dataclass(frozen=True)
class Wanted:
    """One topic as it should be: a declared topic or its dead-letter topic."""

    name: str
    partitions: int
    retention_ms: int


@dataclass(frozen=True)
class Found:
    """One topic as the cluster has it."""

    name: str
    partitions: int
    retention_ms: int | None


def wanted_topics(specs: Iterable[TopicSpec]) -> list[Wanted]:
    """Every topic to provision: each declared topic and its `.dlq`, same settings."""
    return [Wanted(name, spec.partitions, spec.retention_ms)
            for spec in specs for name in (spec.name, spec.dead_letter)]


@asynccontextmanager
async def admin_client(bootstrap_servers: str, timeout_s: float) -> AsyncIterator[
        AIOKafkaAdminClient]:
    """A started admin client, closed on exit."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers,
                                request_timeout_ms=int(timeout_s * 1000),
                                client_id="ringway-topics")
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def describe(admin: AIOKafkaAdminClient, names: Sequence[str]) -> dict[str, Found]:
    """The named topics that exist, with partition count and retention."""
    existing = set(await admin.list_topics())
    present = [name for name in names if name in existing]
    if not present:
        return {}
    partitions = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(present)}
    resources = [ConfigResource(ConfigResourceType.TOPIC, n, {RETENTION: None}) for n in present]
    retention: dict[str, int | None] = {}
    for response in await admin.describe_configs(resources):
        for _code, _msg, _type, name, entries in response.resources:
            values = {entry[0]: entry[1] for entry in entries}
            retention[name] = int(values[RETENTION]) if values.get(RETENTION) else None
    return {n: Found(n, partitions[n], retention.get(n)) for n in present}


async def create_missing(admin: AIOKafkaAdminClient, wanted: Sequence[Wanted],
                         replication_factor: int) -> list[str]:
    """Create the wanted topics that do not exist; returns the names created."""
    existing = set(await admin.list_topics())
    created = []
    for topic in wanted:
        if topic.name in existing:
            continue
        new = NewTopic(topic.name, topic.partitions, replication_factor,
                       topic_configs={RETENTION: str(topic.retention_ms)})
        with contextlib.suppress(TopicAlreadyExistsError):  # another init step was faster
            await admin.create_topics([new])
            created.append(topic.name)
    return created


def differences(wanted: Sequence[Wanted], found: dict[str, Found]) -> list[str]:
    """What differs between the declared topics and the cluster, one line each."""
    problems = []
    for topic in wanted:
        have = found.get(topic.name)
        if have is None:
            problems.append(f"{topic.name}: missing")
            continue
        if have.partitions < topic.partitions:
            problems.append(f"{topic.name}: {have.partitions} partitions, "
                            f"declared {topic.partitions}")
        if have.retention_ms != topic.retention_ms:
            problems.append(f"{topic.name}: retention.ms {have.retention_ms}, "
                            f"declared {topic.retention_ms}")
    return problems
