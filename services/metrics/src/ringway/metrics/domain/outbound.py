"""Outbound KPIs per campaign and the abandoned-call limit on its compliance windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ringway.metrics.domain.kpis import ratio

LIVE = frozenset({"human", "connected"})
WRONG_PARTY = frozenset({"wrong_party", "wrong_number"})
WINDOWS = {"24h": timedelta(hours=24), "30d": timedelta(days=30)}
COUNTS = ("attempts", "finished", "connected", "abandoned", "right_party", "conversions")


@dataclass(frozen=True)
class OutboundRules:
    """The abandoned-call cap, when to warn, and which dispositions are conversions."""

    abandon_cap: float = 0.03
    warn_at: float = 0.8
    conversions: frozenset[str] = frozenset({"sale", "converted", "accepted", "booked"})


def finished_counts(outcome: str, disposition: str | None,
                    rules: OutboundRules) -> dict[str, int]:
    """What one finished attempt adds: connected, abandoned, right party, conversion."""
    live = outcome in LIVE
    return {"finished": 1, "connected": int(live), "abandoned": int(outcome == "abandoned"),
            "right_party": int(live and disposition is not None
                               and disposition not in WRONG_PARTY),
            "conversions": int(disposition in rules.conversions)}


def abandon_rate(counts: Mapping[str, int]) -> float | None:
    """Abandoned over calls a person answered (connected + abandoned), as regulators count."""
    return ratio(counts["abandoned"], counts["connected"] + counts["abandoned"])


def near_cap(counts: Mapping[str, int], rules: OutboundRules) -> bool:
    """True when the window's abandon rate reached warn_at x cap (with an abandon at all)."""
    rate = abandon_rate(counts)
    return rate is not None and counts["abandoned"] > 0 and \
        rate >= rules.warn_at * rules.abandon_cap


@dataclass(frozen=True)
class CampaignKpis:
    """Rates of a campaign over some counts."""

    connect_rate: float | None
    right_party_rate: float | None
    conversion_rate: float | None
    abandon_rate: float | None


def campaign_kpis(counts: Mapping[str, int]) -> CampaignKpis:
    """connect = connected / finished; RPC and conversion over connected."""
    return CampaignKpis(ratio(counts["connected"], counts["finished"]),
                        ratio(counts["right_party"], counts["connected"]),
                        ratio(counts["conversions"], counts["connected"]),
                        abandon_rate(counts))
