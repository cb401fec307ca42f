"""The four services, as the embedded mode and the CLI mount them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("routing", "/routing", RoutingSettings, create_routing),
    ServiceEntry("dialer", "/dialer", DialerSettings, create_dialer),
    ServiceEntry("selfservice", "/selfservice", SelfServiceSettings, create_selfservice),
    ServiceEntry("metrics", "/metrics", MetricsSettings, create_metrics),
)
