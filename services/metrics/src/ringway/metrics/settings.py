"""Metrics settings: METRICS_* variables (DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS as fallbacks)."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from ringway.shared.settings import ServiceSettings

INTERVAL_CHOICES = (15, 30, 60)
DEFAULT_REASON_CATEGORIES = {
    **dict.fromkeys(("product_info", "pricing", "availability", "ordering", "order"),
                    "pre_purchase"),
    **dict.fromkeys(("billing", "payment", "support", "complaint", "registration",
                     "service_visit", "delivery", "returns"), "post_sale"),
}


class MetricsSettings(ServiceSettings):
    """Settings of the metrics service."""

    model_config = SettingsConfigDict(env_prefix="METRICS_", extra="ignore", populate_by_name=True)

    service_name: str = "metrics"
    interval_minutes: int = Field(
        default=15, description="Length of a reporting interval in minutes: 15, 30 or 60."
    )
    service_level_threshold_s: int = Field(
        default=20, gt=0, description="A contact answered within this many seconds meets the "
        "service level (e.g. 80% in 20 s)."
    )

    short_abandon_s: int = Field(
        default=5, ge=0, description="Abandons sooner than this are short abandons, reported apart."
    )
    fcr_window_h: int = Field(
        default=72, gt=0, description="A contact of the same customer and reason within this many "
        "hours means the earlier one was not resolved at first contact."
    )
    reason_categories: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_REASON_CATEGORIES),
        description="Contact reason -> category (JSON), for the pre-purchase / post-sale split."
    )

    abandon_cap: float = Field(
        default=0.03, gt=0, le=1, description="Abandoned-call limit of outbound campaigns."
    )
    abandon_warn_at: float = Field(
        default=0.8, gt=0, le=1, description="Alert when a window's rate reaches this share of "
        "the cap."
    )
    conversion_dispositions: list[str] = Field(
        default_factory=lambda: ["sale", "converted", "accepted", "booked"],
        description="Dispositions that count as a conversion (JSON list)."
    )

    # Above what one fetch buffers (~1 MB a partition): a poll then takes all of it and the
    # consumer fetches the next records while this batch is written, instead of after.
    consumer_batch_max: int = Field(
        default=20_000, ge=1, le=100_000, description="Most events one Kafka poll hands to one "
        "ingestion transaction (when the service owns its Kafka bus)."
    )
    prune_interval_s: float = Field(
        default=300, gt=0, description="How often per-contact state past its retention is deleted."
    )
    finished_contact_retention_h: float = Field(
        default=24, gt=0, description="Hours a finished contact's wallboard row is kept."
    )
    stale_waiting_h: float = Field(
        default=72, gt=0, description="Hours after which a contact still marked waiting (its "
        "end event never came) leaves the wallboard."
    )
    contact_memory_days: float = Field(
        default=7, gt=0, description="Days a contact is remembered to tell transfers apart."
    )

    @field_validator("interval_minutes")
    @classmethod
    def _interval_choice(cls, value: int) -> int:
        # A Literal would reject the env var's text "30"; an int then a membership check won't.
        if value not in INTERVAL_CHOICES:
            raise ValueError(f"must be one of {', '.join(map(str, INTERVAL_CHOICES))}")
        return value
