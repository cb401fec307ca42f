"""Payment rules: what may be paid, idempotency fingerprints, provider outcomes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class PaymentStatus(StrEnum):
    """Where a payment stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"


class NothingToPay(ValueError):
    """The amount asked for is not owed."""


@dataclass(frozen=True)
class ChargeResult:
    """The provider's answer to one charge."""

    status: PaymentStatus
    provider_ref: str | None = None
    decline_code: str | None = None


def amount_to_pay(*, requested_cents: int | None, due_cents: int) -> int:
    """The amount to charge: the request, or everything due; never more than is due."""
    if due_cents <= 0:
        raise NothingToPay("nothing is due")
    amount = due_cents if requested_cents is None else requested_cents
    if amount <= 0 or amount > due_cents:
        raise NothingToPay(f"amount must be between 1 and {due_cents} (what is due)")
    return amount


def amount_for_invoice(*, requested_cents: int | None, invoice_cents: int, open_: bool,
                       outstanding_cents: int) -> int:
    """An invoice is paid in full, once, and only while something is outstanding."""
    if not open_:
        raise NothingToPay("the invoice is already paid or being paid")
    if requested_cents is not None and requested_cents != invoice_cents:
        raise NothingToPay(f"an invoice is paid in full: {invoice_cents}")
    return amount_to_pay(requested_cents=invoice_cents,
                         due_cents=min(invoice_cents, outstanding_cents))


def fingerprint(scope: str, body: object) -> str:
    """A stable digest of what was asked, to tell a true retry from a reused key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{scope}\n{canonical}".encode()).hexdigest()


# A live request gives up on the provider after its timeout and records `timed_out`; a payment
# still `pending` this long after that was left by a process that died mid-payment.
RECONCILE_MARGIN = timedelta(seconds=60)
# Timed-out payments are asked about again for this long (a late approval took the money).
RECHECK_TIMED_OUT = timedelta(days=1)


def orphaned_before(now: datetime, timeout_s: float) -> datetime:
    """Pending payments created before this were abandoned by a crash, not still running."""
    return now - timedelta(seconds=timeout_s) - RECONCILE_MARGIN


def reconciled(found: ChargeResult | None) -> ChargeResult:
    """The outcome to record for a payment the provider knows (or never saw: open, not booked)."""
    return found if found is not None else ChargeResult(PaymentStatus.TIMED_OUT)
