"""Settings from the environment: one model per service, common variables shared."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Variables a deployment usually sets once for every service; ROUTING_DATABASE_URL and
# the like (the service's own prefix) win over them.
COMMON_VARIABLES = ("database_url", "kafka_bootstrap_servers")


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `service_name` and an env prefix."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL, e.g. postgresql+asyncpg://user@host/db. "
        "Unset: a SQLite file named after the service under RINGWAY_DATA_DIR.",
    )
    database_schema: str | None = Field(
        default=None, description="PostgreSQL schema of this service (default: the service name)."
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        description="Kafka bootstrap servers, e.g. kafka:9092. Unset: the in-process bus "
        "(embedded mode only).",
    )
    kafka_namespace: str = Field(
        default="",
        validation_alias=AliasChoices("KAFKA_NAMESPACE", "kafka_namespace"),
        pattern=r"^[A-Za-z0-9._-]*$",
        description="Prefix of every Kafka topic and consumer group name, so several "
        "environments can share one cluster (e.g. `staging.`).",
    )
    data_dir: Path = Field(
        default=Path("data"),
        validation_alias=AliasChoices("RINGWAY_DATA_DIR", "data_dir"),
        description="Folder for SQLite files and the embedded mode's generated secrets.",
    )
    auth_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("RINGWAY_AUTH_SECRET", "auth_secret"),
        description="HMAC secret that signs and verifies tokens (>= 32 chars). Required when "
        "distributed; the embedded mode generates one under the data folder.",
    )
    admin_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("RINGWAY_ADMIN_API_KEY", "admin_api_key"),
        description="Bootstrap admin API key (>= 24 chars). The embedded mode makes one if unset.",
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("RINGWAY_LOG_LEVEL", "log_level"),
        description="Log level: DEBUG, INFO, WARNING or ERROR (logs are JSON lines).",
    )
    outbox_poll_interval_s: float = Field(
        default=1.0, gt=0, description="Safety-net polling of the outbox between commit nudges."
    )
    consumer_stall_timeout_s: float = Field(
        default=30.0, gt=0, description="A consumer that makes no progress this long is restarted."
    )
    leader_election: bool = Field(
        default=False,
        description="Run this service's consumers (and engine) on one instance at a time: a "
        "PostgreSQL advisory lock elects the leader, other replicas stand by and take over.",
    )
    leader_election_interval_s: float = Field(
        default=2.0, gt=0,
        description="How often the standby tries the lock and the leader's watchdog checks it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _common_variables(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in COMMON_VARIABLES:
                if data.get(name) is None and os.environ.get(name.upper()):
                    data[name] = os.environ[name.upper()]
        return data

    @model_validator(mode="after")
    def _check_secrets(self) -> ServiceSettings:
        if self.auth_secret is not None and len(self.auth_secret.get_secret_value()) < 32:
            raise ValueError("RINGWAY_AUTH_SECRET must be at least 32 characters")
        if self.admin_api_key is not None and len(self.admin_api_key.get_secret_value()) < 24:
            raise ValueError("RINGWAY_ADMIN_API_KEY must be at least 24 characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or this service's SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').as_posix()}"

    @property
    def resolved_schema(self) -> str:
        """PostgreSQL schema for this service."""
        return self.database_schema or self.service_name
