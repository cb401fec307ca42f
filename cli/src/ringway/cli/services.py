"""The four services, as the embedded mode and the CLI mount them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fastapi import FastAPI

from ringway.dialer.app import create_app as create_dialer
from ringway.dialer.settings import DialerSettings
from ringway.metrics.app import create_app as create_metrics
from ringway.metrics.settings import MetricsSettings
from ringway.routing.app import create_app as create_routing
from ringway.routing.settings import RoutingSettings
from ringway.selfservice.app import create_app as create_selfservice
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceEntry:
    """How to build one service: its URL prefix, settings class and app factory."""

    name: str
    prefix: str
    settings: type[ServiceSettings]
    create_app: Callable[..., FastAPI]
    package: str = ""
    default_port: int = 8000

    @property
    def migrations(self) -> Path:
        """The service's Alembic script folder (inside its installed package)."""
        return Path(str(resources.files(self.package) / "migrations"))


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("routing", "/routing", RoutingSettings, create_routing, "ringway.routing", 8001),
    ServiceEntry("dialer", "/dialer", DialerSettings, create_dialer, "ringway.dialer", 8002),
    ServiceEntry("selfservice", "/selfservice", SelfServiceSettings, create_selfservice,
                 "ringway.selfservice", 8003),
    ServiceEntry("metrics", "/metrics", MetricsSettings, create_metrics, "ringway.metrics", 8004),
)


def service_entry(name: str) -> ServiceEntry:
    """The entry of a service by name; KeyError names the known ones."""
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(f"unknown service {name!r}; one of: {', '.join(e.name for e in SERVICES)}")
