"""Routing settings: ROUTING_* variables (DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS as fallbacks)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    """Settings of the routing service."""

    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore", populate_by_name=True)

    service_name: str = "routing"
    max_missed_offers: int = Field(
        default=2, ge=1, description="Missed offers (rejected or timed out) in a row that set "
        "an agent not-ready with reason `missed_offer`.")
    tick_s: float = Field(default=0.1, gt=0, le=3600,
                          description="How often timers (offer expiry, overflow, connect limits) "
                          "are checked.")
    support_queue_id: str = Field(
        default="support", min_length=1, max_length=100,
        description="Queue for written support requests from self-service.")
    repeat_window_s: float = Field(
        default=72 * 3600.0, ge=0, description="A customer's contact within this many seconds "
        "of their previous one is a repeat contact.")
    repeat_boost: int = Field(default=10, ge=0, le=100,
                              description="Priority added to a repeat contact (0 = none).")
