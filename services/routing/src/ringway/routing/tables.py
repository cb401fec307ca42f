"""Routing's own tables."""

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table

from ringway.shared.db.outbox import add_outbox_tables

metadata = MetaData()

agents = Table(
    "agents",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("arrived_at", DateTime(timezone=True), nullable=False),
)

# Projection of self-service customers: routing uses their language to pick queues.
customer_profiles = Table(
    "customer_profiles",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("language", String(16), nullable=True),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
