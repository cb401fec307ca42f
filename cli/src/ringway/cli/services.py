"""The four services, as the embedded mode and the CLI mount them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module, resources
from pathlib import Path

from fastapi import FastAPI

from ringway.dialer.settings import DialerSettings
from ringway.metrics.settings import MetricsSettings
from ringway.routing.settings import RoutingSettings
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceEntry:
    """How to build one service: its URL prefix, settings class and app factory."""

    name: str
    prefix: str
    settings: type[ServiceSettings]
    package: str
    default_port: int

    @property
    def create_app(self) -> Callable[..., FastAPI]:
        """The service's app factory, imported on first use (`migrate` never needs it)."""
        factory: Callable[..., FastAPI] = import_module(f"{self.package}.app").create_app
        return factory

    @property
    def migrations(self) -> Path:
        """The service's Alembic script folder (inside its installed package)."""
        return Path(str(resources.files(self.package) / "migrations"))


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("routing", "/routing", RoutingSettings, "ringway.routing", 8001),
    ServiceEntry("dialer", "/dialer", DialerSettings, "ringway.dialer", 8002),
    ServiceEntry("selfservice", "/selfservice", SelfServiceSettings, "ringway.selfservice", 8003),
    ServiceEntry("metrics", "/metrics", MetricsSettings, "ringway.metrics", 8004),
)


def service_entry(name: str) -> ServiceEntry:
    """The entry of a service by name; KeyError names the known ones."""
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(f"unknown service {name!r}; one of: {', '.join(e.name for e in SERVICES)}")
