"""Customer experience: CSAT and NPS from post-contact survey answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ringway.metrics.domain.kpis import ratio

SATISFIED = 4  # CSAT: the share of answers of 4 or 5 on the 1-5 scale ("top two boxes")
PROMOTER, DETRACTOR = 9, 6  # NPS: 9-10 promote, 0-6 detract


def survey_counts(csat: int | None, nps: int | None) -> dict[str, int]:
    """What one answer adds to the CSAT / NPS counts."""
    return {
        "csat_responses": int(csat is not None), "csat_total": csat or 0,
        "csat_satisfied": int(csat is not None and csat >= SATISFIED),
        "nps_responses": int(nps is not None),
        "promoters": int(nps is not None and nps >= PROMOTER),
        "detractors": int(nps is not None and nps <= DETRACTOR),
    }


@dataclass(frozen=True)
class Experience:
    """CSAT (share satisfied), average CSAT and NPS (-100..100) of a group of answers."""

    csat: float | None
    avg_csat: float | None
    nps: float | None


def experience(counts: Mapping[str, int]) -> Experience:
    """The customer-experience KPIs of summed survey counts."""
    nps_share = ratio(counts["promoters"] - counts["detractors"], counts["nps_responses"])
    return Experience(ratio(counts["csat_satisfied"], counts["csat_responses"]),
                      ratio(counts["csat_total"], counts["csat_responses"]),
                      None if nps_share is None else 100.0 * nps_share)
