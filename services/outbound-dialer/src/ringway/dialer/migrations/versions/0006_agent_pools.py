"""Dialer: agent pools (the queues each agent serves) and the blended flag, from routing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent_states") as batch:
        batch.add_column(sa.Column("blended", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("last_wrap_s", sa.Float(), nullable=True))
    op.create_table(
        "agent_queues",
        sa.Column("agent_id", sa.String(64), primary_key=True),
        sa.Column("queue_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_agent_queues_queue", "agent_queues", ["queue_id"])


def downgrade() -> None:
    op.drop_index("ix_agent_queues_queue", "agent_queues")
    op.drop_table("agent_queues")
    with op.batch_alter_table("agent_states") as batch:
        batch.drop_column("last_wrap_s")
        batch.drop_column("blended")
