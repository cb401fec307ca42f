"""Self-service: contact_handlers, which agent handles which customer's contact.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact_handlers",
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("since", TZ, nullable=False),
        sa.Column("access_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("contact_id", "agent_id"),
    )
    op.create_index("ix_contact_handlers_agent_customer", "contact_handlers",
                    ["agent_id", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_handlers_agent_customer", "contact_handlers")
    op.drop_table("contact_handlers")
