"""Self-service access: refresh tokens, login throttle, integration keys, audit log.

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

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("session_id", sa.String(40), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_index("ix_refresh_tokens_customer_id", "refresh_tokens", ["customer_id"])
    op.create_table(
        "login_throttle",
        sa.Column("login_key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("last_failure_at", TZ, nullable=False),
    )
    op.create_table(
        "integration_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.String(500), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=True),
        sa.Column("customer_id", sa.String(26), nullable=True),
    )
    op.create_index("ix_audit_log_customer_id", "audit_log", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_customer_id", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("integration_keys")
    op.drop_table("login_throttle")
    op.drop_index("ix_refresh_tokens_customer_id", "refresh_tokens")
    op.drop_table("refresh_tokens")
