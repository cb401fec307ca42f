"""`ringway serve SERVICE`: one service as its own process (distributed mode)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ringway.cli import exitcodes
from ringway.cli.common import chosen_services, fail
from ringway.shared.entry import serve as serve_service


class ServiceName(StrEnum):
    """The services `serve` and `migrate` accept (a typo fails as a usage error)."""

    ROUTING = "routing"
    DIALER = "dialer"
    SELFSERVICE = "selfservice"
    METRICS = "metrics"


def serve(service: Annotated[ServiceName, typer.Argument(
        help="The service to run.", show_default=False)]) -> None:
    """Run one service on Kafka and PostgreSQL until SIGTERM (the container entrypoint).

    Configured by environment: KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, RINGWAY_AUTH_SECRET,
    PORT (default 8001-8004 by service); see docs/configuration.md. Exit codes: 0 stopped,
    78 bad configuration (one line naming the variable).
    """
    entry = chosen_services([service.value])[0]
    try:
        serve_service(entry.settings, entry.create_app, default_port=entry.default_port)
    except SystemExit as error:
        if isinstance(error.code, str):  # shared.entry's one-line configuration error
            fail(error.code, exitcodes.CONFIG)
        raise
