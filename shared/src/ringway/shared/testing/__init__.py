"""Real local infrastructure for tests and development: a Kafka broker and a PostgreSQL server."""

from ringway.shared.testing.kafka import (
    KafkaState,
    LocalKafka,
    cache_dir,
    ensure_jars,
    free_port,
    kafka_version,
)
from ringway.shared.testing.postgres import LocalPostgres, PostgresState

__all__ = [
    "KafkaState",
    "LocalKafka",
    "LocalPostgres",
    "PostgresState",
    "cache_dir",
    "ensure_jars",
    "free_port",
    "kafka_version",
]
