"""`ringway serve SERVICE`: one service as its own process (distributed mode)."""

from __future__ import annotations

from typing import Annotated

import typer

from ringway.cli.common import chosen_services
from ringway.shared.entry import serve as serve_service

SERVICE_HELP = "routing, dialer, selfservice or metrics."


def serve(service: Annotated[str, typer.Argument(help=SERVICE_HELP, show_default=False)]) -> None:
    """Run one service on Kafka and PostgreSQL until SIGTERM (the container entrypoint).

    Configured by environment: KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, RINGWAY_AUTH_SECRET,
    PORT (default 8001-8004 by service) ... see docs/configuration.md.
    """
    entry = chosen_services([service])[0]
    serve_service(entry.settings, entry.create_app, default_port=entry.default_port)
