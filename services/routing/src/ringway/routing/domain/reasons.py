"""Contact reasons and routing rules: which queue and priority a contact gets, and repeats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ringway.routing.domain.model import TOP_PRIORITY
from ringway.shared.contracts.common import Channel


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """What is known about a new contact when its queue is chosen."""

    channel: Channel
    reason: str | None = None
    category: str | None = None
    language: str | None = None
    attributes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rule:
    """When every condition set here holds, the contact goes to `queue_id` at `priority`."""

    id: str
    queue_id: str
    position: int = 100
    priority: int | None = None
    reason: str | None = None
    category: str | None = None
    channels: frozenset[Channel] = frozenset()
    languages: frozenset[str] = frozenset()
    attributes: tuple[tuple[str, str], ...] = ()

    def matches(self, request: RouteRequest) -> bool:
        """True when every condition the rule sets holds for the request."""
        if self.reason is not None and self.reason != request.reason:
            return False
        if self.category is not None and self.category != request.category:
            return False
        if self.channels and request.channel not in self.channels:
            return False
        if self.languages and request.language not in self.languages:
            return False
        return all(name in request.attributes and str(request.attributes[name]) == value
                   for name, value in self.attributes)

    @property
    def specificity(self) -> int:
        """How many conditions the rule sets (a tie-break: the more specific rule wins)."""
        return (sum(x is not None for x in (self.reason, self.category))
                + bool(self.channels) + bool(self.languages) + len(self.attributes))


def choose_rule(rules: Iterable[Rule], request: RouteRequest) -> Rule | None:
    """The first matching rule by position, then the more specific, then by id."""
    ordered = sorted(rules, key=lambda r: (r.position, -r.specificity, r.id))
    return next((rule for rule in ordered if rule.matches(request)), None)


@dataclass(frozen=True, slots=True)
class RepeatPolicy:
    """A customer contacting again within `window_s` of an earlier contact gets `boost`."""

    window_s: float = 72 * 3600.0
    boost: int = 10

    def is_repeat(self, previous_arrival: float | None, now: float) -> bool:
        """True when an earlier contact arrived within the window."""
        return (previous_arrival is not None and self.boost > 0
                and now - previous_arrival <= self.window_s)

    def priority(self, base: int, repeat: bool) -> int:
        """The base priority, raised for a repeat contact (never above the top)."""
        return min(TOP_PRIORITY, base + self.boost) if repeat else base


def unknown_references(rule: Rule, reasons: Mapping[str, str]) -> list[str]:
    """Reason codes or categories a rule names that the taxonomy (code -> category) lacks."""
    bad = []
    if rule.reason is not None and rule.reason not in reasons:
        bad.append(f"reason {rule.reason!r}")
    if rule.category is not None and rule.category not in set(reasons.values()):
        bad.append(f"category {rule.category!r}")
    return bad
