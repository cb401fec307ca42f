"""What the Kafka + PostgreSQL benchmarks share: progress lines and the infrastructure to run on."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator


def progress(message: str) -> None:
    """A progress line on stderr (stdout's last line is the JSON result)."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def infrastructure() -> Iterator[tuple[str, str]]:
    """Kafka bootstrap servers and a database URL: from the environment, else local throwaways."""
    bootstrap, url = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("DATABASE_URL")
    if bootstrap and url:
        yield bootstrap, url
        return
    from ringway.shared.testing.kafka import LocalKafka
    from ringway.shared.testing.postgres import LocalPostgres

    progress("starting local Kafka and PostgreSQL ...")
    with LocalKafka() as kafka, LocalPostgres() as pg:
        yield kafka.bootstrap_servers, pg.create_database(f"bench_{uuid.uuid4().hex[:8]}")
