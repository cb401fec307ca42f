"""The payment-provider port and a deterministic simulated provider."""

from __future__ import annotations

import asyncio
from typing import Protocol

from ringway.selfservice.domain.payments import ChargeResult, PaymentStatus


class ProviderTimeout(Exception):
    """The provider did not answer in time; the charge's fate is unknown."""


class PaymentProvider(Protocol):
    """Charges a tokenized payment method; `payment_id` is the provider's idempotency key."""

    async def charge(self, *, payment_id: str, method_token: str, amount_cents: int,
                     currency: str) -> ChargeResult:
        """Charge once per payment id."""
        ...

    async def outcome(self, *, payment_id: str) -> ChargeResult | None:
        """What became of the charge with this id; None when the provider never received it."""
        ...


class SimulatedProvider:
    """Decides by token: `pm_decline…` declines, `pm_timeout…` never answers, else approves."""

    def __init__(self, *, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self.charges: dict[str, ChargeResult] = {}

    async def charge(self, *, payment_id: str, method_token: str, amount_cents: int,
                     currency: str) -> ChargeResult:
        """Answer deterministically; a repeated payment id returns the first answer."""
        if payment_id in self.charges:
            return self.charges[payment_id]
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if method_token.startswith("pm_timeout"):
            raise ProviderTimeout(payment_id)
        result = _decide(payment_id, method_token)
        self.charges.setdefault(payment_id, result)
        return self.charges[payment_id]

    async def outcome(self, *, payment_id: str) -> ChargeResult | None:
        """The recorded answer for a payment id, if a charge with it ever arrived."""
        return self.charges.get(payment_id)

    @property
    def approved(self) -> int:
        """How many charges took money."""
        return sum(1 for r in self.charges.values() if r.status is PaymentStatus.APPROVED)


def _decide(payment_id: str, method_token: str) -> ChargeResult:
    if method_token.startswith("pm_decline"):
        return ChargeResult(PaymentStatus.DECLINED, decline_code="card_declined")
    return ChargeResult(PaymentStatus.APPROVED, provider_ref=f"sim_{payment_id}")
