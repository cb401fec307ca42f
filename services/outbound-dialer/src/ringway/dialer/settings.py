"""Dialer settings: DIALER_* variables (DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS as fallbacks)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class DialerSettings(ServiceSettings):
    """Settings of the outbound dialer service."""

    model_config = SettingsConfigDict(env_prefix="DIALER_", extra="ignore", populate_by_name=True)

    service_name: str = "dialer"
    compliance_profiles_file: Path | None = Field(
        default=None, description="JSON file of extra or overriding compliance profiles, "
        "in the shape of the shipped compliance_profiles.json.")
    upload_batch_rows: int = Field(
        default=1000, ge=10, le=2000, description="Rows per transaction of a list upload.")
    dialing_enabled: bool = Field(
        default=True, description="Run the pacing loop that places calls for running campaigns.")
    dialing_interval_s: float = Field(default=1.0, gt=0, le=60,
                                      description="Seconds between pacing decisions.")
    simulated_carrier_seed: int = Field(
        default=7, description="Seed of the simulated carrier (the only telephony adapter yet).")
