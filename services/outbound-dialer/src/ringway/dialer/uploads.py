"""Contact-list uploads: streamed, committed batch by batch, progress visible while loading."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from ulid import ULID

from ringway.dialer import domain, tables
from ringway.dialer.context import DialerContext
from ringway.dialer.domain import CampaignStatus
from ringway.dialer.domain.lists import ListEntry, RowError, merge_duplicates, parse_row
from ringway.dialer.listio import ListFormatError
from ringway.dialer.schemas import CampaignRead
from ringway.dialer.service import load_campaign
from ringway.dialer.upload_schemas import UploadRead
from ringway.shared.contracts.dialer import ContactListLoaded
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.web.problems import Conflict, NotFound, ProblemError

Row = Mapping[str, Any]


async def upload(ctx: DialerContext, *, campaign_id: str, fmt: str,
                 rows: AsyncIterator[Row]) -> UploadRead:
    """Load rows into a campaign; on a malformed stream nothing of this upload stays."""
    campaign, progress = await _begin(ctx, campaign_id, fmt)
    try:
        await _load(ctx, campaign, progress, rows)
    except ListFormatError as error:
        await _abort(ctx, progress)
        raise ProblemError(400, "Unreadable list", str(error), code="unreadable-list",
                           reason=error.reason, upload_id=progress.id) from None
    except BaseException:
        await _abort(ctx, progress)
        raise
    return await _finish(ctx, campaign, progress)


async def _begin(ctx: DialerContext, campaign_id: str, fmt: str) -> tuple[CampaignRead,
                                                                          UploadRead]:
    async with ctx.uow() as uow:
        campaign = await load_campaign(uow, campaign_id)
        if campaign.status is CampaignStatus.COMPLETED:
            raise Conflict(f"campaign {campaign_id!r} is completed", code="campaign-completed")
        progress = UploadRead(id=str(ULID()), campaign_id=campaign_id, format=fmt,
                              status="loading", rows_read=0, accepted=0, merged=0, invalid=0,
                              started_at=ctx.clock())
        await uow.session.execute(insert(tables.list_uploads).values(**progress.model_dump()))
    return campaign, progress


async def _load(ctx: DialerContext, campaign: CampaignRead, progress: UploadRead,
                rows: AsyncIterator[Row]) -> None:
    batch: list[Row] = []
    async for row in rows:
        batch.append(row)
        if len(batch) >= ctx.upload_batch_rows:
            await _store_batch(ctx, campaign, progress, batch)
            batch = []
    if batch:
        await _store_batch(ctx, campaign, progress, batch)


async def _store_batch(ctx: DialerContext, campaign: CampaignRead, progress: UploadRead,
                       batch: list[Row]) -> None:
    first = progress.rows_read + 1
    parsed = [_parse(row, first + i, campaign.settings.default_region)
              for i, row in enumerate(batch)]
    errors = [p for p in parsed if isinstance(p, RowError)]
    entries, merged = merge_duplicates(p for p in parsed if isinstance(p, ListEntry))
    async with ctx.uow() as uow:
        errors += await _drop_do_not_call(uow, campaign.id, entries)
        merged += await _merge_existing(uow, campaign.id, entries)
        merged += await _drop_known_customers(uow, campaign.id, entries)
        accepted = await _insert_new(uow, campaign.id, progress, entries, ctx)
        await _store_errors(uow, progress.id, errors)
        progress.rows_read += len(batch)
        progress.accepted += accepted
        progress.merged += merged
        progress.invalid += len(errors)
        await _save_progress(uow, progress)


def _parse(row: Row, number: int, region: str | None) -> ListEntry | RowError:
    if "__invalid__" in row:
        return RowError(number, "invalid_row", str(row["__invalid__"]))
    text = {str(k): (None if v is None else str(v)) for k, v in row.items()}
    return parse_row(text, number, region)


async def _drop_do_not_call(uow: UnitOfWork, campaign_id: str,
                            entries: dict[str, ListEntry]) -> list[RowError]:
    t = tables.do_not_call
    listed = set((await uow.session.execute(select(t.c.phone).where(
        t.c.phone.in_(list(entries)), or_(t.c.scope == "global", t.c.scope == campaign_id))
    )).scalars())
    return [RowError(entries.pop(p).row, "do_not_call", "number is on a do-not-call list")
            for p in sorted(listed)]


async def _merge_existing(uow: UnitOfWork, campaign_id: str,
                          entries: dict[str, ListEntry]) -> int:
    t = tables.campaign_contacts
    existing = (await uow.session.execute(select(t.c.id, t.c.phone, t.c.attributes, t.c.priority)
                .where(t.c.campaign_id == campaign_id, t.c.phone.in_(list(entries))))).all()
    for row in existing:
        entry = entries.pop(row.phone)
        await uow.session.execute(update(t).where(t.c.id == row.id).values(
            attributes={**(row.attributes or {}), **entry.attributes} or None,
            priority=max(row.priority, entry.priority)))
    return len(existing)


async def _drop_known_customers(uow: UnitOfWork, campaign_id: str,
                                entries: dict[str, ListEntry]) -> int:
    """Rows whose customer is already in the campaign under another number are merged away."""
    t = tables.campaign_contacts
    ids = {e.customer_id for e in entries.values() if e.customer_id}
    if not ids:
        return 0
    known = set((await uow.session.execute(select(t.c.customer_id).where(
        t.c.campaign_id == campaign_id, t.c.customer_id.in_(ids)))).scalars())
    dropped = [p for p, e in entries.items() if e.customer_id in known]
    for phone in dropped:
        del entries[phone]
    return len(dropped)


async def _insert_new(uow: UnitOfWork, campaign_id: str, progress: UploadRead,
                      entries: dict[str, ListEntry], ctx: DialerContext) -> int:
    if not entries:
        return 0
    now = ctx.clock()
    values = [{"id": str(ULID()), "campaign_id": campaign_id, "customer_id": e.customer_id,
               "phone": e.phone, "trigger": "list", "status": domain.CONTACT_PENDING,
               "enrolled_at": now, "region": e.region, "zones": list(e.zones),
               "attributes": e.attributes or None, "priority": e.priority, "attempts": 0,
               "next_attempt_at": now, "upload_id": progress.id} for e in entries.values()]
    # executemany: a multi-VALUES statement of 1,000 rows costs more to compile than to run.
    # Conflicts were merged above; a concurrent enrolment of the same person is skipped.
    await uow.session.execute(
        uow.db.insert(tables.campaign_contacts).on_conflict_do_nothing(), values)
    return len(values)


async def _store_errors(uow: UnitOfWork, upload_id: str, errors: list[RowError]) -> None:
    if errors:
        await uow.session.execute(insert(tables.list_upload_errors), [
            {"upload_id": upload_id, "row": e.row, "reason": e.reason,
             "detail": e.detail[:300]} for e in errors])


async def _save_progress(uow: UnitOfWork, progress: UploadRead) -> None:
    await uow.session.execute(update(tables.list_uploads).where(
        tables.list_uploads.c.id == progress.id).values(
        **progress.model_dump(include={"status", "rows_read", "accepted", "merged", "invalid",
                                       "finished_at"})))


async def _finish(ctx: DialerContext, campaign: CampaignRead,
                  progress: UploadRead) -> UploadRead:
    progress.status, progress.finished_at = "completed", ctx.clock()
    async with ctx.uow() as uow:
        await _save_progress(uow, progress)
        uow.publish(ContactListLoaded(
            campaign_id=campaign.id, upload_id=progress.id, rows_read=progress.rows_read,
            accepted=progress.accepted, merged=progress.merged, invalid=progress.invalid,
            finished_at=progress.finished_at))
    return progress


async def _abort(ctx: DialerContext, progress: UploadRead) -> None:
    """Remove what this upload added so a failed load leaves no half-written list."""
    progress.status, progress.finished_at = "failed", ctx.clock()
    async with ctx.uow() as uow:
        await uow.session.execute(delete(tables.campaign_contacts).where(
            tables.campaign_contacts.c.upload_id == progress.id))
        await _save_progress(uow, progress)


async def get_upload(ctx: DialerContext, *, campaign_id: str, upload_id: str) -> UploadRead:
    """An upload's progress or result."""
    t = tables.list_uploads
    async with ctx.uow() as uow:
        row = (await uow.session.execute(select(t).where(
            t.c.id == upload_id, t.c.campaign_id == campaign_id))).mappings().first()
    if row is None:
        raise NotFound("upload", upload_id)
    return UploadRead.model_validate(dict(row))


async def upload_errors(ctx: DialerContext, *, campaign_id: str, upload_id: str, limit: int,
                        offset: int) -> list[dict[str, Any]]:
    """Rejected rows of an upload, in row order."""
    await get_upload(ctx, campaign_id=campaign_id, upload_id=upload_id)
    t = tables.list_upload_errors
    async with ctx.uow() as uow:
        rows = (await uow.session.execute(select(t.c.row, t.c.reason, t.c.detail).where(
            t.c.upload_id == upload_id).order_by(t.c.row).limit(limit).offset(offset))).mappings()
        return [dict(r) for r in rows]
