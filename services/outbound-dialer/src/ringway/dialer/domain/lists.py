"""Contact-list rows: validation with per-row reasons, and merging of duplicates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ringway.dialer.domain.phones import InvalidNumber, parse_callee, valid_zone

KNOWN_COLUMNS = frozenset({"phone", "customer_id", "priority", "timezone", "country"})
MAX_ATTRIBUTES = 30
MAX_VALUE = 500
MAX_PRIORITY = 99  # 100 is reserved for callbacks


@dataclass
class ListEntry:
    """A valid row: who to call, where they are, what the agent sees."""

    row: int
    phone: str
    region: str | None
    zones: tuple[str, ...]
    customer_id: str | None = None
    priority: int = 0
    attributes: dict[str, str] = field(default_factory=dict)

    def absorb(self, other: ListEntry) -> None:
        """Merge a duplicate of the same number into this entry (later values win)."""
        self.attributes.update(other.attributes)
        self.priority = max(self.priority, other.priority)
        self.customer_id = self.customer_id or other.customer_id


@dataclass(frozen=True)
class RowError:
    """Why one row was rejected."""

    row: int
    reason: str
    detail: str


def parse_row(values: Mapping[str, str | None], row: int,
              default_region: str | None) -> ListEntry | RowError:
    """Validate one row (column -> text); a RowError says why it cannot be called."""
    clean = {k.strip().lower(): (v or "").strip() for k, v in values.items() if k}
    zone = clean.get("timezone") or None
    if zone and valid_zone(zone) is None:
        return RowError(row, "invalid_timezone", f"unknown time zone {zone!r}")
    try:
        callee = parse_callee(clean.get("phone"), default_region, address_zone=zone,
                              address_country=clean.get("country") or None)
    except InvalidNumber as error:
        return RowError(row, error.reason, str(error))
    priority = _priority(clean.get("priority", ""))
    if priority is None:
        return RowError(row, "invalid_priority", f"priority must be 0-{MAX_PRIORITY}")
    attributes = {k: v for k, v in clean.items() if k not in KNOWN_COLUMNS and v}
    problem = _attribute_problem(attributes)
    if problem:
        return RowError(row, "invalid_attributes", problem)
    return ListEntry(row, callee.phone, callee.region, callee.zones,
                     clean.get("customer_id") or None, priority, attributes)


def _priority(text: str) -> int | None:
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_PRIORITY:
        return None
    return int(text)


def _attribute_problem(attributes: Mapping[str, str]) -> str | None:
    if len(attributes) > MAX_ATTRIBUTES:
        return f"more than {MAX_ATTRIBUTES} attribute columns"
    long = [k for k, v in attributes.items() if len(v) > MAX_VALUE or len(k) > 64]
    return f"too long: {', '.join(sorted(long))}" if long else None


def merge_duplicates(entries: Iterable[ListEntry]) -> tuple[dict[str, ListEntry], int]:
    """Entries by number, duplicates merged into the first; and how many were merged."""
    merged: dict[str, ListEntry] = {}
    count = 0
    for entry in entries:
        if entry.phone in merged:
            merged[entry.phone].absorb(entry)
            count += 1
        else:
            merged[entry.phone] = entry
    return merged, count
