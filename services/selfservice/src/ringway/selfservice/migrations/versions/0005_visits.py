"""Self-service visits: slots with capacity, booked visits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visit_slots",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("job_type", sa.String(40), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False),
    )
    op.create_index("ix_visit_slots_area_job_start", "visit_slots",
                    ["area", "job_type", "starts_at"])
    op.create_table(
        "visits",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("slot_id", sa.String(26), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("booked_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_visits_customer_id", "visits", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_visits_customer_id", "visits")
    op.drop_table("visits")
    op.drop_index("ix_visit_slots_area_job_start", "visit_slots")
    op.drop_table("visit_slots")
