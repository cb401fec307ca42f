"""Group commit: the commands that arrive while one transaction is being written share the next.

A routing instance runs its commands one at a time against one in-memory engine, and each
used to wait for a transaction of its own: at 100 contacts/s the line of commands grew faster
than the database could commit them. Now a single committer takes every command waiting,
runs them in arrival order against the engine and writes all their rows and events in one
transaction. Each command with database work of its own (`prepare`) runs in a savepoint, so
a command that fails takes back only its own writes and events; the others commit.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Update, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from ringway.routing import store, tables
from ringway.routing.domain import InvalidRequest, InvalidTransition, RoutingEngine, UnknownEntity
from ringway.routing.domain import effects as fx
from ringway.routing.domain.records import AgentRecord, ContactRecord
from ringway.routing.events import Context, to_event
from ringway.shared.db.uow import UnitOfWork
from ringway.shared.events.envelope import EventData

Command = Callable[[RoutingEngine], list[fx.Effect]]
Prepare = Callable[[UnitOfWork], Awaitable[None]]
MAX_BATCH = 128
"""Commands per transaction at most: bounds savepoints and the size of one write."""


@dataclass(eq=False)
class Pending:
    """A command waiting for the committer, and the future its caller awaits."""

    command: Command
    prepare: Prepare | None
    undo: Prepare | None = None
    """Takes back `prepare`'s writes if the engine refuses (then no savepoint is needed)."""
    done: asyncio.Future[list[fx.Effect]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())

    def settle(self, outcome: list[fx.Effect] | BaseException) -> None:
        """Hand the caller its effects or its error (once; a cancelled caller is skipped)."""
        if self.done.done():
            return
        if isinstance(outcome, BaseException):
            self.done.set_exception(outcome)
        else:
            self.done.set_result(outcome)


def domain_error(error: BaseException) -> bool:
    """An engine refusal: nothing changed, the caller gets a 4xx."""
    return isinstance(error, InvalidRequest | InvalidTransition | UnknownEntity)


class BatchFailed(Exception):
    """Writing a batch failed after the engine moved: rebuild, then run its commands alone."""


Outcome = list[fx.Effect] | BaseException


async def run_batch(engine: RoutingEngine, uow: UnitOfWork, batch: Sequence[Pending],
                    context: Context) -> tuple[list[Outcome], list[ContactRecord]]:
    """Run each command in order inside the open transaction; the caller commits.

    Returns each command's effects or its own error (plus, last, the effects of timers no
    caller owns) and the contacts written. Raises `BatchFailed` when the engine
    may have moved without its rows (an unexpected error), so the batch must not commit.
    """
    outcomes: list[Outcome] = []
    found: list[fx.Effect] = []
    events: list[EventData] = []
    for item in batch:
        outcome = await _run_one(engine, uow, item)
        outcomes.append(outcome)
        if not isinstance(outcome, BaseException):
            found.extend(outcome)
            # Built now: a later command in the batch may move the contact (transfer).
            events.extend(to_event(effect, context) for effect in outcome)
    # Effects of timers fired by a command that then failed belong to no caller; store them.
    leftover = engine.take_effects()
    found.extend(leftover)
    events.extend(to_event(effect, context) for effect in leftover)
    contacts = await store_changes(uow, engine, found, events)
    if leftover:
        outcomes.append(leftover)
    return outcomes, contacts


async def _run_one(engine: RoutingEngine, uow: UnitOfWork, item: Pending) -> Outcome:
    if item.prepare is not None and item.undo is not None:
        return await _run_undoable(engine, uow, item, item.prepare, item.undo)
    ran = False
    try:
        if item.prepare is None:
            ran = True
            return item.command(engine)
        async with uow.savepoint():
            await item.prepare(uow)
            ran = True
            return item.command(engine)
    except Exception as error:
        if ran and not domain_error(error):
            raise BatchFailed(repr(error)) from error
        return error


async def _run_undoable(engine: RoutingEngine, uow: UnitOfWork, item: Pending,
                        prepare: Prepare, undo: Prepare) -> Outcome:
    """A command whose writes `undo` takes back: no SAVEPOINT and RELEASE round trips."""
    try:
        await prepare(uow)
    except Exception as error:
        # Without a savepoint the failed write may have aborted the whole transaction.
        raise BatchFailed(repr(error)) from error
    try:
        return item.command(engine)
    except Exception as error:
        if not domain_error(error):
            raise BatchFailed(repr(error)) from error
        await undo(uow)  # refused: the engine did not move, only the writes go
        return error


async def store_changes(uow: UnitOfWork, engine: RoutingEngine, found: list[fx.Effect],
                        events: list[EventData]) -> list[ContactRecord]:
    """Write the engine's changed rows, how contacts ended, and the events (outbox)."""
    agents, contacts = engine.drain_dirty()
    await save(uow.session, agents, contacts)
    for effect in found:
        await record_end(uow, effect)
    for event in events:
        uow.publish(event)
    return contacts


async def save(session: AsyncSession, agents: list[AgentRecord],
               contacts: list[ContactRecord]) -> None:
    """The changed agents' and contacts' engine state: one executemany per table."""
    await _update_many(session, tables.agents.name,
                       [(agent.spec.id, store.agent_values(agent)) for agent in agents])
    await _update_many(session, tables.contacts.name,
                       [(contact.id, store.contact_values(contact)) for contact in contacts])


async def _update_many(session: AsyncSession, table_name: str,
                       rows: list[tuple[str, dict[str, Any]]]) -> None:
    if not rows:
        return
    columns = tuple(rows[0][1])
    params = [{"k_id": key, **{f"v_{name}": values[name] for name in columns}}
              for key, values in rows]
    await session.execute(_update_by_id(table_name, columns), params)


@functools.cache
def _update_by_id(table_name: str, columns: tuple[str, ...]) -> Update:
    """UPDATE ... SET the columns WHERE id = :k_id, built once per table and column set."""
    table = tables.agents if table_name == tables.agents.name else tables.contacts
    # Bind names differ from column names: SQLAlchemy reserves those for the SET clause.
    return (update(table).where(table.c.id == bindparam("k_id"))
            .values({name: bindparam(f"v_{name}") for name in columns}))


async def record_end(uow: UnitOfWork, effect: fx.Effect) -> None:
    """How a contact ended: disposition, resolved flag or reason, and when."""
    if isinstance(effect, fx.Completed):
        values: dict[str, Any] = {
            "disposition": effect.disposition, "resolved": effect.resolved,
            "end_reason": "auto_wrap_up" if effect.automatic else "completed"}
    elif isinstance(effect, fx.Abandoned):
        values = {"end_reason": effect.cause}
    elif isinstance(effect, fx.Closed):
        values = {"end_reason": effect.reason}
    else:
        return
    values["ended_at"] = store.to_dt(effect.at)
    await uow.session.execute(update(tables.contacts)
                              .where(tables.contacts.c.id == effect.contact_id).values(**values))
