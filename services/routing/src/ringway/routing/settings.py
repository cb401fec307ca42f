"""Routing settings: ROUTING_* variables (DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS as fallbacks)."""

from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    """Settings of the routing service."""

    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore", populate_by_name=True)

    service_name: str = "routing"
