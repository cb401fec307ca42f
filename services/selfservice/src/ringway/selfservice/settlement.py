"""A payment's settlement as one PostgreSQL statement (one round trip, atomic by itself).

Parameter names never equal a column name of an updated table: SQLAlchemy would add such a
parameter to that UPDATE's SET clause.

The conditional update of the pending payment is the gate: every other write (ledger entry,
invoice, the key's answer, audit row, event) happens only if that update took the payment,
so a settler that lost the race to the reconciler or a provider callback writes nothing.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Executable, String, bindparam, func, select, update

from ringway.selfservice import audit, tables, writes
from ringway.selfservice.domain.payments import PaymentStatus

LEDGER_COLUMNS = ("id", "customer_id", "kind", "amount_cents", "reference_id", "at")
OUTBOX_COLUMNS = ("event_id", "topic", "key", "event_type", "headers", "payload", "created_at")


@cache
def statement(approved: bool) -> Executable:
    """Settle a pending payment; the row it returns counts the payments it took (0 or 1)."""
    p, i, k = tables.payments, tables.invoices, tables.idempotency_keys
    outcome = (update(p).where(p.c.id == bindparam("settle_payment", type_=String()),
                               p.c.status == bindparam("pending", PaymentStatus.PENDING.value,
                                                       type_=String()))
               .values(status=bindparam("outcome_status", type_=String()),
                       provider_ref=bindparam("outcome_provider_ref", type_=String()),
                       decline_code=bindparam("outcome_decline_code", type_=String()),
                       decided_at=bindparam("outcome_decided_at", type_=p.c.decided_at.type))
               .returning(p.c.id).cte("outcome"))
    took = select(outcome.c.id).exists()
    answer = (update(k).where(k.c.customer_id == bindparam("answer_customer", type_=String()),
                              k.c.key == bindparam("answer_key", type_=String()), took)
              .values(status_code=bindparam("answer_status_code", type_=k.c.status_code.type),
                      response=bindparam("answer_response", type_=k.c.response.type))
              .cte("answer"))
    ctes = [answer, writes.insert_cte(tables.audit_log, "audit_", audit.COLUMNS, when=took),
            writes.insert_cte(tables.outbox, "event_", OUTBOX_COLUMNS, when=took)]
    if approved:
        paid = (update(i).where(i.c.id == bindparam("settle_invoice", type_=String()), took)
                .values(status=bindparam("invoice_status", "paid", type_=String()),
                        payment_id=bindparam("invoice_payment", type_=String()))
                .cte("invoice_paid"))
        ctes += [writes.insert_cte(tables.ledger_entries, "ledger_", LEDGER_COLUMNS, when=took),
                 paid]
    return select(func.count()).select_from(outcome).add_cte(*ctes)
