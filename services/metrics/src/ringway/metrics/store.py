"""Read-model writes: atomic upserts that add counts (or keep maxima). Flushes, never commits.

Inside `write_behind()` (a batch of events in one transaction) the writes collect in memory
instead: sums add up per row, replaced rows keep their last value, and `flush` sends each table
as one multi-row upsert. Reads through `row` see the collected writes, so handlers behave the
same either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, TypeDecorator, any_, bindparam, case, cast, select, text
from sqlalchemy.dialects import postgresql

from ringway.shared.db.types import UtcDateTime
from ringway.shared.db.uow import UnitOfWork

Key = tuple[Any, ...]
Statement = tuple[Any, Any]  # a statement and its parameters (None: bound in it)
CHUNK_ROWS = 2000


@dataclass
class _Pending:
    """Writes of one kind to one table, by row key."""

    table: Table
    key_names: tuple[str, ...]
    maxima: frozenset[str] = frozenset()
    newer_by: str | None = None  # replace only when this column is not older
    rows: dict[Key, dict[str, Any]] = field(default_factory=dict)


@dataclass
class WriteBehind:
    """Writes of a batch not yet sent, and rows already read (None: known to be absent)."""

    sums: dict[tuple[str, frozenset[str]], _Pending] = field(default_factory=dict)
    puts: dict[str, _Pending] = field(default_factory=dict)
    known: dict[tuple[str, Key], dict[str, Any] | None] = field(default_factory=dict)

    def add(self, table: Table, key: dict[str, Any], amounts: dict[str, int],
            maxima: frozenset[str]) -> None:
        """Add amounts to the collected row (keeping the larger of `maxima`)."""
        slot = (table.name, frozenset(amounts))
        pending = self.sums.get(slot)
        if pending is None:
            pending = self.sums[slot] = _Pending(table, tuple(key), maxima)
        row = pending.rows.get(_key(key))
        if row is None:
            pending.rows[_key(key)] = {**key, **amounts}
            return
        for name, amount in amounts.items():
            row[name] = max(row[name], amount) if name in maxima else row[name] + amount

    def add_all(self, table: Table, key_names: tuple[str, ...], amount_names: tuple[str, ...],
                maxima: frozenset[str], deltas: dict[Key, Any]) -> None:
        """`add` for many rows at once: key tuples (in `key_names` order) to amount lists."""
        slot = (table.name, frozenset(amount_names))
        pending = self.sums.get(slot)
        if pending is None:
            pending = self.sums[slot] = _Pending(table, key_names, maxima)
        rows, names = pending.rows, key_names + amount_names
        for key, amounts in deltas.items():
            row = rows.get(key)
            if row is None:  # the usual case: one dict per row, built once
                rows[key] = dict(zip(names, (*key, *amounts), strict=True))
                continue
            for name, amount in zip(amount_names, amounts, strict=True):
                row[name] = max(row[name], amount) if name in maxima else row[name] + amount

    def put(self, table: Table, key: dict[str, Any], values: dict[str, Any],
            newer_by: str | None = None) -> None:
        """Replace the collected row (unless `newer_by` says the collected one is newer)."""
        self.put_row(table, tuple(key), _key(key), {**key, **values}, newer_by)

    def put_row(self, table: Table, key_names: tuple[str, ...], key: Key, row: dict[str, Any],
                newer_by: str | None = None) -> None:
        """`put` of a whole row (its key columns included) at the key tuple `key`."""
        pending = self.puts.get(table.name)
        if pending is None:  # (not setdefault: that would build a _Pending on every call)
            pending = self.puts[table.name] = _Pending(table, key_names, newer_by=newer_by)
        old = pending.rows.get(key)
        if newer_by is not None and old is not None and old[newer_by] > row[newer_by]:
            return
        # One dict for both: rows put are replaced, never changed in place, and `row`
        # hands out copies.
        pending.rows[key] = self.known[(table.name, key)] = row

    async def flush(self, uow: UnitOfWork) -> None:
        """Send every collected write as multi-row upserts and start empty."""
        await execute(uow, self.prepare(uow))

    def prepare(self, uow: UnitOfWork) -> list[Statement]:
        """The upserts of every collected write, built but not sent; starts empty."""
        statements = [s for p in self.sums.values() for s in _upsert_sums(uow, p)]
        statements += [s for p in self.puts.values() for s in _upsert_rows(uow, p)]
        self.sums.clear()
        self.puts.clear()
        return statements


_BUFFER: ContextVar[WriteBehind | None] = ContextVar("metrics_write_behind", default=None)


@contextmanager
def write_behind() -> Iterator[WriteBehind]:
    """Collect writes in memory until `flush` (the caller flushes before commit)."""
    buffer = WriteBehind()
    token = _BUFFER.set(buffer)
    try:
        yield buffer
    finally:
        _BUFFER.reset(token)


@contextmanager
def write_through() -> Iterator[None]:
    """Write at once, even inside a batch (for handlers that read what they write)."""
    token = _BUFFER.set(None)
    try:
        yield
    finally:
        _BUFFER.reset(token)


async def increment(uow: UnitOfWork, table: Table, key: dict[str, Any],
                    amounts: dict[str, int], maxima: Iterable[str] = ()) -> None:
    """Add `amounts` to the row at `key` (created at zero), keeping the larger of `maxima`."""
    buffer = _BUFFER.get()
    if buffer is not None:
        buffer.add(table, key, amounts, frozenset(maxima))
        return
    await execute(uow, _upsert_sums(uow, _Pending(table, tuple(key), frozenset(maxima),
                                                  rows={(): {**key, **amounts}})))


async def put(uow: UnitOfWork, table: Table, key: dict[str, Any], values: dict[str, Any],
              newer_by: str | None = None) -> None:
    """Insert or replace the row at `key` (only by a row not older in `newer_by`, if given)."""
    buffer = _BUFFER.get()
    if buffer is not None:
        buffer.put(table, key, values, newer_by)
        return
    await execute(uow, _upsert_rows(uow, _Pending(table, tuple(key), newer_by=newer_by,
                                                  rows={(): {**key, **values}})))


async def row(uow: UnitOfWork, table: Table, **key: Any) -> dict[str, Any] | None:
    """The row at `key`, as the writes so far (collected or sent) left it."""
    buffer = _BUFFER.get()
    if buffer is not None and (table.name, _key(key)) in buffer.known:
        found = buffer.known[(table.name, _key(key))]
        return dict(found) if found is not None else None
    query = select(table).where(*(table.c[name] == value for name, value in key.items()))
    result = (await uow.session.execute(query)).mappings().first()
    found = dict(result) if result is not None else None
    if buffer is not None:
        buffer.known[(table.name, _key(key))] = found
    return dict(found) if found is not None else None


async def prefetch(uow: UnitOfWork, table: Table, column: str, values: Iterable[Any]) -> None:
    """Read the rows of many single-column keys at once into the batch's memory."""
    buffer = _BUFFER.get()
    wanted = sorted(set(values))
    if buffer is None or not wanted:
        return
    key = table.c[column]
    # PostgreSQL: all keys as one array, one statement whatever their number (an IN list
    # costs a bound parameter each, and a new statement text for every length).
    chunk_rows = len(wanted) if uow.db.is_postgres else CHUNK_ROWS
    for start in range(0, len(wanted), chunk_rows):
        chunk = wanted[start:start + chunk_rows]
        query = select(table).where(
            key == any_(cast(bindparam("keys", chunk), postgresql.ARRAY(key.type)))
            if uow.db.is_postgres else key.in_(chunk))
        found = {r[column]: dict(r) for r in (await uow.session.execute(query)).mappings()}
        for value in chunk:
            buffer.known.setdefault((table.name, (value,)), found.get(value))


def _in_key_order(pending: _Pending) -> list[dict[str, Any]]:
    # Every replica locks rows in the same order, so two batches cannot deadlock each other.
    # A table's keys share their column types: compared as they are, with no str() of each
    # part (a third of a flush's CPU); as text only if some part does not compare.
    try:
        order = sorted(pending.rows)
    except TypeError:
        order = sorted(pending.rows, key=lambda k: tuple(map(str, k)))
    return [pending.rows[k] for k in order]


def _key(key: dict[str, Any]) -> Key:
    return tuple(key.values())


async def execute(uow: UnitOfWork, statements: Iterable[Statement]) -> None:
    """Send statements built by `WriteBehind.prepare`, in their order."""
    for statement, params in statements:
        if params is None:
            await uow.session.execute(statement)
        else:
            await uow.session.execute(statement, params)


def _upsert_sums(uow: UnitOfWork, pending: _Pending) -> list[Statement]:
    # One INSERT ... ON CONFLICT DO UPDATE: atomic under concurrent consumers, no read first.
    rows = _in_key_order(pending)
    if not rows:
        return []
    table, names = pending.table, [n for n in rows[0] if n not in pending.key_names]
    if uow.db.is_postgres and len(rows) > 1:
        sets = [f"{n} = GREATEST({table.name}.{n}, EXCLUDED.{n})" if n in pending.maxima
                else f"{n} = {table.name}.{n} + EXCLUDED.{n}" for n in names]
        return [_unnest_upsert(pending, rows, ", ".join(sets))]
    statement = uow.db.insert(table)
    excluded = statement.excluded
    updates: dict[str, Any] = {n: table.c[n] + excluded[n] for n in names
                               if n not in pending.maxima}
    updates.update({n: case((excluded[n] > table.c[n], excluded[n]), else_=table.c[n])
                    for n in names if n in pending.maxima})
    upsert = statement.on_conflict_do_update(index_elements=list(pending.key_names),
                                             set_=updates)
    return _send(upsert, rows)


def _upsert_rows(uow: UnitOfWork, pending: _Pending) -> list[Statement]:
    rows = _in_key_order(pending)
    if not rows:
        return []
    table = pending.table
    names = [n for n in rows[0] if n not in pending.key_names]
    if uow.db.is_postgres and len(rows) > 1:
        sets = ", ".join(f"{n} = EXCLUDED.{n}" for n in names)
        if pending.newer_by is not None:
            sets += f" WHERE EXCLUDED.{pending.newer_by} >= {table.name}.{pending.newer_by}"
        return [_unnest_upsert(pending, rows, sets)]
    statement = uow.db.insert(table)
    excluded = statement.excluded
    updates = {n: excluded[n] for n in names}
    where = None if pending.newer_by is None else \
        excluded[pending.newer_by] >= table.c[pending.newer_by]
    upsert = statement.on_conflict_do_update(index_elements=list(pending.key_names),
                                             set_=updates, where=where)
    return _send(upsert, rows)


def _unnest_upsert(pending: _Pending, rows: list[dict[str, Any]], sets: str) -> Statement:
    """PostgreSQL: all rows as one array per column, one statement whatever their number.

    A multi-row VALUES costs SQLAlchemy a compile per batch and executemany a round of
    parameter processing per row; `unnest` of typed arrays does neither.
    """
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    table, columns = pending.table, list(rows[0])
    casts, params = [], {}
    # Rows to columns in C (itemgetter, zip) rather than a comprehension per column.
    by_column = zip(*map(itemgetter(*columns), rows), strict=True) if len(columns) > 1 else \
        [tuple(row[columns[0]] for row in rows)]
    for i, (name, column) in enumerate(zip(columns, by_column, strict=True)):
        kind = table.c[name].type
        values = list(column)
        if isinstance(kind, UtcDateTime):  # most are UTC already: convert only the others
            utc = kind.process_bind_param
            values = [v if v is None or v.tzinfo is UTC else utc(v, dialect) for v in values]
        elif isinstance(kind, TypeDecorator):
            convert = kind.process_bind_param
            values = [convert(v, dialect) for v in values]
        literal = array_literal(values)
        params[f"p{i}"] = values if literal is None else literal
        array = f"{kind.compile(dialect=dialect)}[]"
        casts.append(f"CAST(:p{i} AS {array})" if literal is None
                     else f"CAST(CAST(:p{i} AS TEXT) AS {array})")
    # Names come from our own table definitions, values travel as bound arrays.
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
           f"SELECT * FROM unnest({', '.join(casts)}) "
           f"ON CONFLICT ({', '.join(pending.key_names)}) DO UPDATE SET {sets}")
    return text(sql), params


def array_literal(values: list[Any]) -> str | None:
    """PostgreSQL's text form of an array of plain strings or integers; None for any other.

    asyncpg checks each element of a list parameter against abstract base classes (~0.2 us
    each, about a tenth of a batch's CPU); one text parameter that the server parses has
    no per-element cost here. Strings are quoted (so commas, braces, spaces and "NULL" stay
    text); one holding a quote or backslash, which would need escaping, takes the list path.
    """
    kinds = set(map(type, values))
    if kinds == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if kinds != {str}:
        return None
    inner = '","'.join(values)
    if "\\" in inner or inner.count('"') != 2 * (len(values) - 1):
        return None
    return '{"' + inner + '"}'


def _send(statement: Any, rows: list[dict[str, Any]]) -> list[Statement]:
    if len(rows) == 1:
        return [(statement.values(**rows[0]), None)]
    return [(statement, rows[start:start + CHUNK_ROWS])
            for start in range(0, len(rows), CHUNK_ROWS)]
