"""Routing's own tables."""

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table

from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.db.types import UtcDateTime

metadata = MetaData()

agents = Table(
    "agents",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("channel", String(20), nullable=False),
    Column("queue_id", String(100), nullable=False),
    Column("reason", String(100), nullable=True),
    Column("priority", Integer, nullable=False),
    Column("customer_id", String(64), nullable=True, index=True),
    Column("language", String(16), nullable=True),
    Column("status", String(20), nullable=False),
    Column("arrived_at", UtcDateTime(), nullable=False),
)

# Projection of self-service customers: routing uses their language to pick queues.
customer_profiles = Table(
    "customer_profiles",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("language", String(16), nullable=True),
    Column("registered_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
