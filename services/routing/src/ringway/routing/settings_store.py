"""Per-deployment routing settings admins set over the API; the environment gives defaults."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ringway.routing import tables
from ringway.routing.domain.reasons import RepeatPolicy
from ringway.routing.router import Router
from ringway.routing.schemas import RoutingSettingsBody, RoutingSettingsRead
from ringway.shared.contracts.routing import RoutingSettingsChanged

REPEAT = "repeat"
"""The row holding the repeat-contact window and boost."""


async def _stored(session: AsyncSession) -> tuple[dict[str, float], datetime] | None:
    row = (await session.execute(select(tables.routing_settings.c.value,
                                        tables.routing_settings.c.updated_at)
                                 .where(tables.routing_settings.c.key == REPEAT))).first()
    return (row[0], row[1]) if row is not None else None


async def repeat_policy(session: AsyncSession, default: RepeatPolicy) -> RepeatPolicy:
    """The admin's repeat policy if one was set, else the environment's (`default`)."""
    stored = await _stored(session)
    if stored is None:
        return default
    return RepeatPolicy(float(stored[0]["window_s"]), int(stored[0]["boost"]))


async def read(router: Router, default: RepeatPolicy) -> RoutingSettingsRead:
    """The settings in force and whether an admin set them."""
    async with router.uow() as uow:
        stored = await _stored(uow.session)
    if stored is None:
        return RoutingSettingsRead(repeat_window_s=default.window_s,
                                   repeat_boost=default.boost, source="environment")
    return RoutingSettingsRead(repeat_window_s=stored[0]["window_s"],
                               repeat_boost=int(stored[0]["boost"]), source="admin",
                               updated_at=stored[1])


async def write(router: Router, body: RoutingSettingsBody, default: RepeatPolicy,
                changed_by: str | None) -> RoutingSettingsRead:
    """Persist the settings and emit `routing_settings.changed` in the same transaction."""
    now, table = datetime.now(UTC), tables.routing_settings
    value = {"window_s": body.repeat_window_s, "boost": body.repeat_boost}
    async with router.uow() as uow:
        if await _stored(uow.session) is None:
            await uow.session.execute(insert(table).values(key=REPEAT, value=value,
                                                           updated_at=now))
        else:
            await uow.session.execute(update(table).where(table.c.key == REPEAT)
                                      .values(value=value, updated_at=now))
        uow.publish(RoutingSettingsChanged(
            item="settings", repeat_window_s=body.repeat_window_s,
            repeat_boost=body.repeat_boost, changed_by=changed_by, changed_at=now))
    return await read(router, default)
