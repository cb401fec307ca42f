"""Blending: inbound service level has precedence over outbound calls (pure rules)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_OFFERED = 10  # fewer inbound contacts in the window say little about a service level


@dataclass(frozen=True)
class QueueLevel:
    """One inbound queue over the recent window: contacts answered in time among those offered.

    Offered counts answered contacts, contacts abandoned after the threshold, and contacts
    still waiting past it (they have missed it already); short abandons are left out.
    """

    queue_id: str
    in_time: int
    offered: int
    target: float | None = None  # the queue's own target, when routing told it

    @property
    def level(self) -> float:
        """The share answered within the threshold (1.0 with nothing offered)."""
        return self.in_time / self.offered if self.offered else 1.0


def queues_below_target(levels: list[QueueLevel], target: float | None,
                        protected: list[str]) -> list[str]:
    """The protected inbound queues (all when none named) missing their service-level target.

    Each queue's own target wins over the campaign's `target`; None for the campaign turns
    the rule off.
    """
    if target is None:
        return []
    return sorted(q.queue_id for q in levels
                  if (not protected or q.queue_id in protected)
                  and q.offered >= MIN_OFFERED and q.level < (q.target or target))
