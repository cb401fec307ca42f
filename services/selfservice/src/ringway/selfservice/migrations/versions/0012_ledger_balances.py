"""Self-service: ledger_balances, each customer's ledger sum kept by a trigger on insert.

An account read summed every ledger entry of the customer (a heap page per entry: two
thirds of the read's PostgreSQL time after a few hundred payments); it now reads one row.
The trigger keeps the sum for every writer of the ledger (entries are never updated or
deleted). On PostgreSQL it runs once per statement and takes the balance rows in customer
order, so two batched settlements sharing customers wait instead of deadlocking.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POSTGRES_FUNCTION = """
CREATE FUNCTION {schema}.ledger_balance_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {schema}.ledger_balances (customer_id, balance_cents)
  SELECT customer_id, sum(amount_cents) FROM new_entries GROUP BY customer_id
  ORDER BY customer_id
  ON CONFLICT (customer_id) DO UPDATE
    SET balance_cents = ledger_balances.balance_cents + excluded.balance_cents;
  RETURN NULL;
END $$
"""
_POSTGRES_TRIGGER = """
CREATE TRIGGER ledger_balance_add AFTER INSERT ON {schema}.ledger_entries
REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT
EXECUTE FUNCTION {schema}.ledger_balance_add()
"""
_SQLITE_TRIGGER = """
CREATE TRIGGER ledger_balance_add AFTER INSERT ON ledger_entries BEGIN
  INSERT INTO ledger_balances (customer_id, balance_cents)
  VALUES (NEW.customer_id, NEW.amount_cents)
  ON CONFLICT (customer_id) DO UPDATE
    SET balance_cents = balance_cents + excluded.balance_cents;
END
"""


def upgrade() -> None:
    op.create_table(
        "ledger_balances",
        sa.Column("customer_id", sa.String(26), primary_key=True),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO ledger_balances (customer_id, balance_cents) "
               "SELECT customer_id, sum(amount_cents) FROM ledger_entries GROUP BY customer_id")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Qualified names: the function must not depend on the caller's search_path.
        schema = bind.dialect.identifier_preparer.quote(
            bind.exec_driver_sql("SELECT current_schema()").scalar_one())
        op.execute(_POSTGRES_FUNCTION.format(schema=schema))
        op.execute(_POSTGRES_TRIGGER.format(schema=schema))
    else:
        op.execute(_SQLITE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ledger_balance_add"
               + (" ON ledger_entries" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_balance_add()")
    op.drop_table("ledger_balances")
