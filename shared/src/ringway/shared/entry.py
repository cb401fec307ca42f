"""Entry point for one service as its own process (distributed mode)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI
from pydantic import AliasChoices, ValidationError

from ringway.shared.bus.base import EventBus
from ringway.shared.bus.kafka import KafkaBus
from ringway.shared.settings import ServiceSettings
from ringway.shared.web.auth import Authenticator
from ringway.shared.web.logs import setup_logging

S = TypeVar("S", bound=ServiceSettings)
AppFactory = Callable[..., FastAPI]


def load_settings(settings_cls: type[S]) -> S:
    """Read settings or exit with one clear line naming the bad variable."""
    try:
        return settings_cls()
    except ValidationError as error:
        first = error.errors()[0]
        sys.exit(f"configuration error: {_variable(settings_cls, first['loc'])}: {first['msg']}")


def _variable(settings_cls: type[ServiceSettings], loc: tuple[int | str, ...]) -> str:
    """The environment variable behind a failing field, as an operator would type it."""
    if not loc:
        return "settings"
    field = settings_cls.model_fields.get(str(loc[0]))
    alias = field.validation_alias if field is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0].upper()
    return f"{settings_cls.model_config.get('env_prefix', '')}{loc[0]}".upper()


def authenticator_from(settings: ServiceSettings) -> Authenticator:
    """The authenticator for a distributed service: a shared secret is required."""
    if settings.auth_secret is None:
        sys.exit("configuration error: RINGWAY_AUTH_SECRET: required (>= 32 characters)")
    admin = settings.admin_api_key.get_secret_value() if settings.admin_api_key else None
    return Authenticator(settings.auth_secret.get_secret_value(), admin_api_key=admin)


def serve(settings_cls: type[S], create_app: AppFactory, *, default_port: int) -> None:
    """Run one service on Kafka and its database until SIGTERM/SIGINT."""
    settings = load_settings(settings_cls)
    setup_logging(settings.log_level)
    if not settings.kafka_bootstrap_servers:
        sys.exit("configuration error: KAFKA_BOOTSTRAP_SERVERS: required to run a service "
                 "on its own (use `make run` for the embedded mode)")
    bus: EventBus = KafkaBus(settings.kafka_bootstrap_servers, client_id=settings.service_name,
                             namespace=settings.kafka_namespace,
                             stall_timeout_s=settings.consumer_stall_timeout_s)
    app = create_app(settings, bus, authenticator_from(settings), owns_bus=True)
    port = int(os.environ.get("PORT", default_port))
    host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104 - a container listens on all addresses
    uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=20)
