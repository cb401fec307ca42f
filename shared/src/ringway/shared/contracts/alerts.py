"""Topic `alerts`, keyed by campaign id: operational alerts raised by metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "alerts"


@event("campaign.abandon_rate_near_cap", topic=TOPIC, key="campaign_id")
class CampaignAbandonRateNearCap(EventData):
    """A campaign's abandoned-call rate over a compliance window reached the warning level.

    Raised once when the rate crosses `warn_at`; raised again only after it fell back below.
    """

    campaign_id: str
    window: Literal["24h", "30d"] = Field(description="Rolling compliance window.")
    abandon_rate: float = Field(ge=0, le=1, description="abandoned / (connected + abandoned).",
                                examples=[0.026])
    abandoned: int = Field(ge=0)
    live_calls: int = Field(ge=0, description="Calls a person answered: connected + abandoned.")
    cap: float = Field(gt=0, le=1, description="The legal limit, e.g. 0.03.", examples=[0.03])
    warn_at: float = Field(gt=0, le=1, examples=[0.8],
                           description="The share of the cap that raises the alert.")
    raised_at: datetime
