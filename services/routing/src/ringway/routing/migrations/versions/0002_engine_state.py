"""Routing: queues, agent routing profile and state, contact state for engine rebuilds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGENT_COLUMNS: list[tuple[str, Any]] = [
    ("languages", sa.JSON), ("capacity", sa.JSON), ("queues", sa.JSON),
    ("voice_exclusive", sa.Boolean), ("blended", sa.Boolean), ("presence", sa.String(20)),
    ("reason", sa.String(100)), ("state_changed_at", sa.DateTime(timezone=True)),
    ("idle_since", sa.DateTime(timezone=True)), ("missed_offers", sa.Integer),
]
CONTACT_COLUMNS: list[tuple[str, Any]] = [
    ("direction", sa.String(10)), ("campaign_id", sa.String(64)), ("attempt_id", sa.String(64)),
    ("attributes", sa.JSON), ("seq", sa.BigInteger), ("enqueued_at", sa.DateTime(timezone=True)),
    ("step", sa.Integer), ("epoch", sa.Integer), ("agent_id", sa.String(26)),
    ("offers", sa.Integer), ("offered_at", sa.DateTime(timezone=True)),
    ("expires_at", sa.DateTime(timezone=True)), ("accepted_at", sa.DateTime(timezone=True)),
    ("hold_started_at", sa.DateTime(timezone=True)), ("hold_s", sa.Float),
    ("wrap_started_at", sa.DateTime(timezone=True)), ("declined", sa.JSON),
    ("deadline", sa.DateTime(timezone=True)), ("preferred_agent_id", sa.String(26)),
    ("preferred_until", sa.DateTime(timezone=True)), ("transfers", sa.Integer),
    ("responded", sa.Boolean), ("ended_at", sa.DateTime(timezone=True)),
    ("end_reason", sa.String(40)), ("disposition", sa.String(100)), ("resolved", sa.Boolean),
]


def upgrade() -> None:
    op.create_table(
        "queues",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("agents") as batch:
        for name, kind in AGENT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("contacts") as batch:
        for name, kind in CONTACT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_index("ix_contacts_status", "contacts", ["status"])


def downgrade() -> None:
    op.drop_index("ix_contacts_status", "contacts")
    with op.batch_alter_table("contacts") as batch:
        for name, _ in reversed(CONTACT_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("agents") as batch:
        for name, _ in reversed(AGENT_COLUMNS):
            batch.drop_column(name)
    op.drop_table("queues")
