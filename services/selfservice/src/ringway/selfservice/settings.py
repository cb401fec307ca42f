"""Self-service settings: SELFSERVICE_* variables (DATABASE_URL etc. as common fallbacks)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class SelfServiceSettings(ServiceSettings):
    """Settings of the self-service service."""

    model_config = SettingsConfigDict(env_prefix="SELFSERVICE_", extra="ignore",
                                      populate_by_name=True)

    service_name: str = "selfservice"
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$",
                          description="ISO 4217 code of every amount (minor units).")
    payment_timeout_s: float = Field(default=10.0, gt=0, le=120)
    password_memory_kib: int = Field(default=65_536, ge=1024, le=4_194_304,
                                     description="argon2id memory cost per hash.")
    password_time_cost: int = Field(default=3, ge=1, le=20)
    payment_webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC secret the payment provider signs callbacks with; "
        "unset disables the callback endpoint.")
