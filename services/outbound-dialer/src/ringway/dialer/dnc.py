"""Do-not-call lists (global and per campaign) and the record of suppressed numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, or_, select
from ulid import ULID

from ringway.dialer import tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain.phones import InvalidNumber, normalize
from ringway.dialer.schemas import (
    DoNotCallEntries,
    DoNotCallResult,
    SuppressionPage,
    SuppressionRead,
)
from ringway.dialer.service import load_campaign
from ringway.shared.db.uow import UnitOfWork

GLOBAL = "global"


async def add_numbers(ctx: DialerContext, *, scope: str, body: DoNotCallEntries) -> DoNotCallResult:
    """Add numbers to a list at once; invalid entries are reported, the rest are added."""
    invalid: list[dict[str, str | int]] = []
    numbers: set[str] = set()
    for index, raw in enumerate(body.phones):
        try:
            numbers.add(normalize(raw, body.default_region)[0])
        except InvalidNumber as error:
            invalid.append({"index": index, "reason": error.reason, "detail": str(error)})
    async with ctx.uow() as uow:
        if scope != GLOBAL:
            await load_campaign(uow, scope)
        added = await add(uow, scope, sorted(numbers), body.reason, ctx)
    return DoNotCallResult(added=added, already_listed=len(numbers) - added, invalid=invalid)


async def add(uow: UnitOfWork, scope: str, phones: list[str], reason: str,
              ctx: DialerContext) -> int:
    """Insert numbers into a list inside the caller's transaction; how many were new."""
    if not phones:
        return 0
    rows = [{"scope": scope, "phone": p, "reason": reason, "added_at": ctx.clock()}
            for p in phones]
    result = await uow.session.execute(
        uow.db.insert(tables.do_not_call).values(rows).on_conflict_do_nothing())
    return int(getattr(result, "rowcount", 0))


async def listed_scope(uow: UnitOfWork, campaign_id: str, phone: str) -> str | None:
    """'global' or 'campaign' when the number is on a list that binds this campaign."""
    t = tables.do_not_call
    scopes = set((await uow.session.execute(select(t.c.scope).where(
        t.c.phone == phone, or_(t.c.scope == GLOBAL, t.c.scope == campaign_id)))).scalars())
    if GLOBAL in scopes:
        return GLOBAL
    return "campaign" if scopes else None


async def record_suppression(uow: UnitOfWork, *, campaign_id: str, contact_id: str | None,
                             phone: str | None, reason: str, detail: str,
                             ctx: DialerContext) -> None:
    """Keep the fact that a number was not dialed, and why."""
    await uow.session.execute(insert(tables.suppressions).values(
        id=str(ULID()), campaign_id=campaign_id, campaign_contact_id=contact_id, phone=phone,
        reason=reason, detail=detail[:300], at=ctx.clock()))


async def suppressions(ctx: DialerContext, *, campaign_id: str, limit: int,
                       offset: int) -> SuppressionPage:
    """A campaign's suppressions, newest first."""
    t = tables.suppressions
    async with ctx.uow() as uow:
        await load_campaign(uow, campaign_id)
        rows = (await uow.session.execute(select(t).where(t.c.campaign_id == campaign_id)
                .order_by(t.c.at.desc(), t.c.id.desc()).limit(limit).offset(offset))).mappings()
        items = [SuppressionRead.model_validate(_public(r)) for r in rows]
    return SuppressionPage(items=items, limit=limit, offset=offset)


def _public(row: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(row).items() if k != "phone"}
