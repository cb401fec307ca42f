"""Dialer settings: DIALER_* variables (DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS as fallbacks)."""

from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class DialerSettings(ServiceSettings):
    """Settings of the outbound dialer service."""

    model_config = SettingsConfigDict(env_prefix="DIALER_", extra="ignore", populate_by_name=True)

    service_name: str = "dialer"
