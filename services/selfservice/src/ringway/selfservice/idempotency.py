"""Idempotency-Key: the first request with a key runs; its retries get its answer."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, String, bindparam, select, update

from ringway.selfservice import tables
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import Conflict

_POLL_S = 0.05
_t = tables.idempotency_keys
# Built once (per dialect): they run on every payment.
_CLAIM: dict[bool, Executable] = {}
_STORE = (update(_t).where(_t.c.customer_id == bindparam("of_customer", type_=String()),
                           _t.c.key == bindparam("of_key", type_=String()))
          .values(status_code=bindparam("status_code"), response=bindparam("response")))


@dataclass(frozen=True)
class StoredResponse:
    """An answer as first given, replayed byte for byte."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


async def claim(uow: UnitOfWork, *, customer_id: str, key: str, fingerprint: str,
                now: datetime) -> bool:
    """True when this request is the first with the key; the claim commits with `uow`.

    A parallel request with the same key waits here until the first one's transaction ends:
    it then sees the claim (and replays), or, if that transaction rolled back, claims it.
    """
    statement = _CLAIM.get(uow.db.is_postgres)
    if statement is None:
        statement = _CLAIM[uow.db.is_postgres] = (
            uow.db.insert(tables.idempotency_keys).on_conflict_do_nothing())
    result = await uow.session.execute(statement, {
        "customer_id": customer_id, "key": key, "fingerprint": fingerprint, "created_at": now})
    return bool(getattr(result, "rowcount", 0) == 1)


async def replay(uow_factory: UnitOfWorkFactory, *, customer_id: str, key: str,
                 fingerprint: str, wait_s: float) -> StoredResponse:
    """The first answer; waits while the first request still runs."""
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        row = await _load(uow_factory, customer_id, key)
        if row is not None and row.fingerprint != fingerprint:
            raise Conflict("this Idempotency-Key was used with a different request",
                           code="idempotency-key-reused")
        if row is not None and row.status_code is not None:
            return StoredResponse(row.status_code, json.loads(row.response), replayed=True)
        if asyncio.get_running_loop().time() > deadline:
            raise Conflict("the first request with this Idempotency-Key is still running",
                           code="idempotency-key-in-progress")
        await asyncio.sleep(_POLL_S)


async def _load(uow_factory: UnitOfWorkFactory, customer_id: str, key: str) -> Any:
    t = tables.idempotency_keys
    async with uow_factory() as uow:
        return (await uow.session.execute(
            select(t.c.fingerprint, t.c.status_code, t.c.response)
            .where(t.c.customer_id == customer_id, t.c.key == key))).first()


async def store(uow: UnitOfWork, *, customer_id: str, key: str,
                response: StoredResponse) -> None:
    """Keep the answer, in the transaction that made it true."""
    await uow.session.execute(_STORE, {
        "of_customer": customer_id, "of_key": key, "status_code": response.status_code,
        "response": json.dumps(response.body)})
