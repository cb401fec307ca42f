"""Order and warranty rules: lines, totals, when a cancel is allowed, warranty end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

CANCEL_WINDOW = timedelta(hours=24)
DEFAULT_WARRANTY_MONTHS = 24
OLDEST_PURCHASE = timedelta(days=366 * 10)


class OrderStatus(StrEnum):
    """An order's life."""

    PLACED = "placed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderRuleBroken(ValueError):
    """The order or its change breaks a rule; the message says which."""


@dataclass(frozen=True)
class Line:
    """One product and how many."""

    sku: str
    quantity: int


def check_lines(lines: list[Line]) -> list[Line]:
    """Lines sorted by SKU (a fixed lock order: no deadlocks); a SKU at most once."""
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise OrderRuleBroken("each product may appear once; add to its quantity instead")
    return sorted(lines, key=lambda line: line.sku)


def total_cents(lines: list[tuple[int, int]]) -> int:
    """Sum of quantity x unit price."""
    return sum(quantity * unit for quantity, unit in lines)


def check_cancel(status: str, placed_at: datetime, now: datetime) -> None:
    """Only a placed order, within the window, may be cancelled."""
    if status != OrderStatus.PLACED:
        raise OrderRuleBroken(f"an order that is {status} cannot be cancelled")
    if now - placed_at > CANCEL_WINDOW:
        raise OrderRuleBroken("orders can be cancelled within 24 hours of placing them")


def check_status_change(current: str, new: str) -> None:
    """Placed -> shipped -> delivered; a cancelled or delivered order stays so."""
    allowed = {OrderStatus.PLACED: {OrderStatus.SHIPPED},
               OrderStatus.SHIPPED: {OrderStatus.DELIVERED}}
    if OrderStatus(new) not in allowed.get(OrderStatus(current), set()):
        raise OrderRuleBroken(f"an order cannot go from {current} to {new}")


def warranty_until(purchased_on: date, months: int, today: date) -> date:
    """The last day of cover; the purchase must be in the past ten years and not ahead."""
    if purchased_on > today:
        raise OrderRuleBroken("the purchase date is in the future")
    if today - purchased_on > OLDEST_PURCHASE:
        raise OrderRuleBroken("purchases older than ten years cannot be registered")
    month = purchased_on.month - 1 + months
    year, month = purchased_on.year + month // 12, month % 12 + 1
    day = min(purchased_on.day, _days_in(year, month))
    return date(year, month, day)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
