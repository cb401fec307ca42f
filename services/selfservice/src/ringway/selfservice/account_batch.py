"""Account reads on PostgreSQL, grouped: one autocommit statement answers and audits many.

Each read writes its audit row (and a customer's `account_viewed` event row) only if the
customer exists and is not erased, in the statement that reads the figures: one round trip,
atomic, for every read waiting. The relay is nudged once the statement has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ringway.selfservice import audit
from ringway.selfservice.groupcommit import Coalesced, GroupCommit, driver_connection
from ringway.selfservice.ids import account_viewed_row
from ringway.shared.runtime import ServiceRuntime
from ringway.shared.web.auth import Principal, Role

# Input arrays, then (customer found, balance, pending, open invoices) per read, in order.
_STATEMENT = """
WITH req AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[],
                       $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                       $12::timestamptz[])
    WITH ORDINALITY AS r(customer_id, audit_id, at, actor, roles, event_id, topic, key,
                         event_type, headers, payload, created_at, n)
), live AS (
  SELECT req.* FROM req JOIN customers c ON c.id = req.customer_id AND c.erased_at IS NULL
), audited AS (
  INSERT INTO audit_log (id, at, actor, roles, action, resource, resource_id, customer_id)
  SELECT audit_id, at, actor, roles, 'read', 'account', NULL, customer_id FROM live
), published AS (
  INSERT INTO outbox (event_id, topic, key, event_type, headers, payload, created_at)
  SELECT event_id, topic, key, event_type, headers, payload, created_at FROM live
  WHERE event_id IS NOT NULL ORDER BY n
)
SELECT live.n IS NOT NULL AS found,
  coalesce((SELECT b.balance_cents FROM ledger_balances b
    WHERE b.customer_id = req.customer_id), 0) AS balance,
  (SELECT coalesce(sum(p.amount_cents), 0) FROM payments p
    WHERE p.customer_id = req.customer_id AND p.status = 'pending') AS pending,
  (SELECT count(*) FROM invoices i
    WHERE i.customer_id = req.customer_id AND i.status = 'open') AS open_invoices
FROM req LEFT JOIN live ON live.n = req.n ORDER BY req.n
"""
_OUTBOX = ("event_id", "topic", "key", "event_type", "headers", "payload", "created_at")


@dataclass(frozen=True)
class AccountRead:
    """One read to answer: who reads which customer, and when."""

    principal: Principal
    customer_id: str
    now: datetime


Figures = tuple[int, int, int] | None  # balance, pending, open invoices; None: no such customer


class AccountReads:
    """Account reads grouped into one statement per round trip (PostgreSQL only)."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self._nudge = Coalesced(runtime.relay.notify)  # events written: the relay publishes
        self.group: GroupCommit[AccountRead, Figures] = GroupCommit(self._write, writers=2)

    async def read(self, principal: Principal, customer_id: str, now: datetime) -> Figures:
        """The customer's figures, audited (and the view event), or None if not found."""
        return await self.group.submit(AccountRead(principal, customer_id, now))

    async def _write(self, reads: Sequence[AccountRead]) -> list[Figures]:
        columns: list[list[object]] = [[] for _ in range(12)]
        for read in reads:
            entry = audit.entry(read.principal, action="read", resource="account",
                                resource_id=None, customer_id=read.customer_id, at=read.now)
            row = self._event_row(read)
            values = (read.customer_id, entry["id"], read.now, entry["actor"], entry["roles"],
                      *(row[name] if row else None for name in _OUTBOX))
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        async with driver_connection(self.runtime.db) as conn:
            rows = await conn.fetch(_STATEMENT, *columns)
        if any(columns[5]):
            self._nudge()
        return [(int(r[1]), int(r[2]), int(r[3])) if r[0] else None for r in rows]

    def _event_row(self, read: AccountRead) -> dict[str, object] | None:
        # Checking one's account is a self-service action: it counts for containment.
        if Role.CUSTOMER not in read.principal.roles:
            return None
        return account_viewed_row(read.customer_id, read.principal.subject, read.now,
                                  source=self.runtime.name)
