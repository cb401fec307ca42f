"""Routing: contact reasons and rules, agent shifts, queue outcomes, warm-transfer consults.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACT_COLUMNS: list[tuple[str, Any]] = [
    ("category", sa.String(100)), ("rule_id", sa.String(26)), ("repeat", sa.Boolean),
    ("consult_agent_id", sa.String(26)), ("outcome", sa.String(40)),
    ("outcome_target", sa.String(200)),
]


def upgrade() -> None:
    op.create_table(
        "contact_reasons",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("shift", sa.JSON, nullable=True))
    with op.batch_alter_table("contacts") as batch:
        for name, kind in CONTACT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        for name, _ in reversed(CONTACT_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("shift")
    op.drop_table("routing_rules")
    op.drop_table("contact_reasons")
