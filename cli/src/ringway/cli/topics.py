"""`ringway topics`: list, create and verify Kafka topics from the one declared list."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from ringway.cli import exitcodes
from ringway.cli.common import fail
from ringway.cli.kafka_admin import (
    Found,
    Wanted,
    admin_client,
    create_missing,
    describe,
    differences,
    wanted_topics,
)
from ringway.shared.contracts.topics import TOPICS

app = typer.Typer(help="Kafka topics: the declared list, created or verified on a cluster.",
                  no_args_is_help=True)


@app.callback()
def _quiet_client() -> None:
    """Kafka topics: the declared list, created or verified on a cluster."""
    # The client logs every failed connection attempt; the command prints one line instead.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

Bootstrap = Annotated[str, typer.Option(
    envvar="KAFKA_BOOTSTRAP_SERVERS", show_default=False,
    help="Kafka bootstrap servers, e.g. kafka:9092 (or KAFKA_BOOTSTRAP_SERVERS).")]
Timeout = Annotated[float, typer.Option(help="Seconds to wait for the cluster.")]


def _days(ms: int) -> str:
    return f"{ms / 86_400_000:g} days"


@app.command("list")
def list_topics() -> None:
    """Print the declared topics: key, partitions, retention (each also has a .dlq topic)."""
    typer.echo(f"{'topic':<14}{'key':<14}{'partitions':>10}  {'retention':<10}  description")
    for spec in TOPICS.values():
        typer.echo(f"{spec.name:<14}{spec.key:<14}{spec.partitions:>10}  "
                   f"{_days(spec.retention_ms):<10}  {spec.description}")


async def _create(bootstrap: str, replication: int, timeout: float) -> tuple[list[str], list[str]]:
    wanted = wanted_topics(TOPICS.values())
    async with admin_client(bootstrap, timeout) as admin:
        created = await create_missing(admin, wanted, replication)
        found = await _described(admin, wanted, timeout)
    return created, differences(wanted, found)


async def _described(admin: AIOKafkaAdminClient, wanted: list[Wanted],
                     timeout: float) -> dict[str, Found]:
    """Describe, waiting until newly created topics show up in the metadata."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = await describe(admin, [t.name for t in wanted])
        if len(found) == len(wanted) or loop.time() > deadline:
            return found
        await asyncio.sleep(0.2)


@app.command()
def create(
    bootstrap_servers: Bootstrap,
    replication_factor: Annotated[int, typer.Option(
        min=1, help="Replicas per partition (3 on a production cluster).")] = 1,
    timeout: Timeout = 30.0,
) -> None:
    """Create the missing topics and dead-letter topics, then verify them all.

    Existing topics are never changed. Exit codes: 0 all as declared, 1 an existing topic
    differs (printed), 69 Kafka unreachable.
    """
    try:
        created, problems = asyncio.run(_create(bootstrap_servers, replication_factor, timeout))
    except (KafkaError, OSError, TimeoutError) as error:
        fail(f"kafka unreachable at {bootstrap_servers}: {type(error).__name__}",
             exitcodes.UNAVAILABLE)
    for name in created:
        typer.echo(f"created {name}")
    _report(problems, len(wanted_topics(TOPICS.values())))


async def _verify(bootstrap: str, timeout: float) -> list[str]:
    wanted = wanted_topics(TOPICS.values())
    async with admin_client(bootstrap, timeout) as admin:
        return differences(wanted, await describe(admin, [t.name for t in wanted]))


@app.command()
def verify(bootstrap_servers: Bootstrap, timeout: Timeout = 30.0) -> None:
    """Check every declared topic exists with at least its partitions and its retention.

    Exit codes: 0 all as declared, 1 a topic is missing or differs (printed), 69 Kafka
    unreachable.
    """
    try:
        problems = asyncio.run(_verify(bootstrap_servers, timeout))
    except (KafkaError, OSError, TimeoutError) as error:
        fail(f"kafka unreachable at {bootstrap_servers}: {type(error).__name__}",
             exitcodes.UNAVAILABLE)
    _report(problems, len(wanted_topics(TOPICS.values())))


def _report(problems: list[str], total: int) -> None:
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(exitcodes.CHECK_FAILED)
    typer.echo(f"{total} topics as declared")


@app.command()
def strimzi(
    cluster: Annotated[str, typer.Option(help="Strimzi Kafka cluster name (strimzi.io/cluster).")]
    = "ringway",
    replicas: Annotated[int, typer.Option(min=1, help="Replicas per partition.")] = 3,
) -> None:
    """Print Strimzi KafkaTopic resources for the declared topics (YAML on stdout)."""
    typer.echo(strimzi_yaml(cluster, replicas), nl=False)


def strimzi_yaml(cluster: str, replicas: int) -> str:
    """KafkaTopic documents for every declared topic and its dead-letter topic."""
    header = "# Generated by `ringway topics strimzi`; do not edit by hand.\n"
    docs = [_kafka_topic(t, cluster, replicas) for t in wanted_topics(TOPICS.values())]
    return header + "".join(docs)


def _kafka_topic(topic: Wanted, cluster: str, replicas: int) -> str:
    return (
        "---\napiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n"
        f"  name: {topic.name.replace('.', '-')}\n  labels:\n    strimzi.io/cluster: {cluster}\n"
        f"spec:\n  topicName: {topic.name}\n  partitions: {topic.partitions}\n"
        f"  replicas: {replicas}\n  config:\n    retention.ms: {topic.retention_ms}\n"
        "    min.insync.replicas: " + str(min(2, replicas)) + "\n"
    )
