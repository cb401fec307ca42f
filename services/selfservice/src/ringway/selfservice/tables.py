"""Self-service's own tables."""

from sqlalchemy import Column, MetaData, String, Table, Text

from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.db.types import UtcDateTime

metadata = MetaData()

customers = Table(
    "customers",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-cased
    Column("display_name", String(200), nullable=False),
    Column("phone", String(20), nullable=True),  # E.164
    Column("country", String(2), nullable=False),
    Column("language", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),  # argon2id, never leaves the service
    Column("created_at", UtcDateTime(), nullable=False),
)

# Projection of routing's contacts that carry a customer id: the customer's contact history.
customer_contacts = Table(
    "customer_contacts",
    metadata,
    Column("contact_id", String(26), primary_key=True),
    Column("customer_id", String(64), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("queue_id", String(100), nullable=False),
    Column("reason", String(100), nullable=True),
    Column("status", String(20), nullable=False),
    Column("arrived_at", UtcDateTime(), nullable=False),
)

kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("language", String(16), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("category", String(100), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
