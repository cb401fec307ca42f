"""Self-service settings: SELFSERVICE_* variables (DATABASE_URL etc. as common fallbacks)."""

from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class SelfServiceSettings(ServiceSettings):
    """Settings of the self-service service."""

    model_config = SettingsConfigDict(env_prefix="SELFSERVICE_", extra="ignore",
                                      populate_by_name=True)

    service_name: str = "selfservice"
