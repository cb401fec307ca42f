"""Several row inserts in one statement (one round trip) on PostgreSQL; one by one elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CTE, ColumnElement, Executable, Table, bindparam, insert, select

from ringway.shared.db.uow import UnitOfWork

Rows = Sequence[tuple[Table, dict[str, object]]]

# Statements by the shape of the rows they insert: built once, reused by every request.
_BUILT: dict[tuple[tuple[str, tuple[str, ...]], ...], Executable] = {}


def insert_cte(table: Table, prefix: str, columns: Iterable[str],
               when: ColumnElement[bool] | None = None) -> CTE:
    """INSERT of one row of `table` as a CTE, each of `columns` bound as `<prefix><column>`.

    PostgreSQL runs a data-modifying CTE whether or not the query reads it: added to another
    statement, it writes its row in that statement's round trip. With `when`, only if true.
    """
    values = _bound_columns(table, prefix, columns)
    if when is None:
        return insert(table).values(values).cte(f"{prefix}row")
    row = select(*(value.label(name) for name, value in values.items())).where(when)
    return insert(table).from_select(list(values), row).cte(f"{prefix}row")


def bound(row: dict[str, object], prefix: str) -> dict[str, object]:
    """A row's values under the parameter names `insert_cte` gave them."""
    return {f"{prefix}{name}": value for name, value in row.items()}


async def insert_rows(uow: UnitOfWork, rows: Rows) -> None:
    """Insert each row into its table inside the unit of work's transaction."""
    if not uow.db.is_postgres or len(rows) == 1:
        for table, row in rows:
            await uow.session.execute(insert(table), row)
        return
    shape = tuple((table.name, tuple(row)) for table, row in rows)
    statement = _BUILT.get(shape)
    if statement is None:
        statement = _BUILT[shape] = _together(rows)
    params: dict[str, Any] = {}
    for n, (_, row) in enumerate(rows):
        params.update(bound(row, f"r{n}_"))
    await uow.session.execute(statement, params)


def _together(rows: Rows) -> Executable:
    *first, (last_table, last_row) = rows
    ctes = [insert_cte(table, f"r{n}_", row) for n, (table, row) in enumerate(first)]
    main = insert(last_table).values(_bound_columns(last_table, f"r{len(first)}_", last_row))
    return main.add_cte(*ctes)


def _bound_columns(table: Table, prefix: str, columns: Iterable[str]) -> dict[str, Any]:
    return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in columns}
