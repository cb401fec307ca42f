"""Dialer: campaign settings, contact details, do-not-call, suppressions, attempts, pacing, uploads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("queue_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("caller_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("settings", sa.JSON, nullable=True))
        batch.add_column(sa.Column("updated_at", TS, nullable=True))
    with op.batch_alter_table("campaign_contacts") as batch:
        batch.add_column(sa.Column("region", sa.String(2), nullable=True))
        batch.add_column(sa.Column("zones", sa.JSON, nullable=True))
        batch.add_column(sa.Column("attributes", sa.JSON, nullable=True))
        batch.add_column(sa.Column("priority", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", TS, nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(30), nullable=True))
        batch.add_column(sa.Column("upload_id", sa.String(26), nullable=True))
    op.create_index("uq_campaign_contacts_phone", "campaign_contacts", ["campaign_id", "phone"],
                    unique=True)
    op.create_index("ix_campaign_contacts_due", "campaign_contacts",
                    ["campaign_id", "status", "next_attempt_at"])
    op.create_index("ix_campaign_contacts_customer", "campaign_contacts", ["customer_id"])
    _create_new_tables()


def _create_new_tables() -> None:
    op.create_table(
        "do_not_call",
        sa.Column("scope", sa.String(26), primary_key=True),
        sa.Column("phone", sa.String(16), primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_table(
        "suppressions",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), nullable=False),
        sa.Column("campaign_contact_id", sa.String(26), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_suppressions_campaign", "suppressions", ["campaign_id", "at"])
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), nullable=False),
        sa.Column("campaign_contact_id", sa.String(26), nullable=True),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("ring_ms", sa.Integer, nullable=True),
        sa.Column("disposition", sa.String(30), nullable=True),
        sa.Column("refused", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_index("ix_attempts_phone", "attempts", ["phone", "started_at"])
    op.create_index("ix_attempts_campaign", "attempts", ["campaign_id", "answered_at"])
    op.create_table(
        "pacing_decisions",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("dial", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(60), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
    )
    op.create_index("ix_pacing_decisions_campaign", "pacing_decisions", ["campaign_id", "at"])
    op.create_table(
        "list_uploads",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("merged", sa.Integer, nullable=False),
        sa.Column("invalid", sa.Integer, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_index("ix_list_uploads_campaign_id", "list_uploads", ["campaign_id"])
    op.create_table(
        "list_upload_errors",
        sa.Column("upload_id", sa.String(26), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    for table in ("list_upload_errors", "list_uploads", "pacing_decisions", "attempts",
                  "suppressions", "do_not_call"):
        op.drop_table(table)
    for index in ("ix_campaign_contacts_customer", "ix_campaign_contacts_due",
                  "uq_campaign_contacts_phone"):
        op.drop_index(index, "campaign_contacts")
    with op.batch_alter_table("campaign_contacts") as batch:
        for column in ("upload_id", "outcome", "next_attempt_at", "attempts", "priority",
                       "attributes", "zones", "region"):
            batch.drop_column(column)
    with op.batch_alter_table("campaigns") as batch:
        for column in ("updated_at", "settings", "caller_id", "queue_id"):
            batch.drop_column(column)
