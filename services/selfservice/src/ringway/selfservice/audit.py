"""The audit log: who read or changed which resource (ids only, never the data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from ringway.selfservice import tables
from ringway.selfservice.ids import new_ulid
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.auth import Principal

# Built once: every audited request runs it.
_INSERT = insert(tables.audit_log)
COLUMNS = ("id", "at", "actor", "roles", "action", "resource", "resource_id", "customer_id")


def entry(principal: Principal, *, action: str, resource: str, resource_id: str | None,
          customer_id: str | None, at: datetime) -> dict[str, object]:
    """One audit row."""
    return {"id": new_ulid(), "at": at, "actor": principal.subject[:200],
            "roles": " ".join(sorted(principal.roles))[:100], "action": action,
            "resource": resource, "resource_id": resource_id, "customer_id": customer_id}


async def record(uow: UnitOfWork, principal: Principal, *, action: str, resource: str,
                 resource_id: str | None, customer_id: str | None, at: datetime) -> None:
    """Add one audit entry inside the caller's transaction."""
    await uow.session.execute(_INSERT, entry(
        principal, action=action, resource=resource, resource_id=resource_id,
        customer_id=customer_id, at=at))

