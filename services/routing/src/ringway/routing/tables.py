"""Routing's own tables: the in-memory engine is rebuilt from these at start-up."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

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
    # Added in 0002: routing profile and live state.
    Column("languages", JSON, nullable=True),
    Column("capacity", JSON, nullable=True),
    Column("queues", JSON, nullable=True),
    Column("voice_exclusive", Boolean, nullable=True),
    Column("blended", Boolean, nullable=True),
    Column("presence", String(20), nullable=True),
    Column("reason", String(100), nullable=True),
    Column("state_changed_at", UtcDateTime(), nullable=True),
    Column("idle_since", UtcDateTime(), nullable=True),
    Column("missed_offers", Integer, nullable=True),
    # Added in 0003: working hours in the agent's zone (off shift = never offered work).
    Column("shift", JSON, nullable=True),
)

queues = Table(
    "queues",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("config", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
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
    # Added in 0002: everything the engine needs to resume the contact after a restart.
    Column("direction", String(10), nullable=True),
    Column("campaign_id", String(64), nullable=True),
    Column("attempt_id", String(64), nullable=True),
    Column("attributes", JSON, nullable=True),
    Column("seq", BigInteger, nullable=True),
    Column("enqueued_at", UtcDateTime(), nullable=True),
    Column("step", Integer, nullable=True),
    Column("epoch", Integer, nullable=True),
    Column("agent_id", String(26), nullable=True),
    Column("offers", Integer, nullable=True),
    Column("offered_at", UtcDateTime(), nullable=True),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("accepted_at", UtcDateTime(), nullable=True),
    Column("hold_started_at", UtcDateTime(), nullable=True),
    Column("hold_s", Float, nullable=True),
    Column("wrap_started_at", UtcDateTime(), nullable=True),
    Column("declined", JSON, nullable=True),
    Column("deadline", UtcDateTime(), nullable=True),
    Column("preferred_agent_id", String(26), nullable=True),
    Column("preferred_until", UtcDateTime(), nullable=True),
    Column("transfers", Integer, nullable=True),
    Column("responded", Boolean, nullable=True),
    Column("ended_at", UtcDateTime(), nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("disposition", String(100), nullable=True),
    Column("resolved", Boolean, nullable=True),
    # Added in 0003: how routing chose the queue, warm-transfer consults, queue outcomes.
    Column("category", String(100), nullable=True),
    Column("rule_id", String(26), nullable=True),
    Column("repeat", Boolean, nullable=True),
    Column("consult_agent_id", String(26), nullable=True),
    Column("outcome", String(40), nullable=True),
    Column("outcome_target", String(200), nullable=True),
    # Added in 0004: the first answer and its queue, kept across transfers (service level).
    Column("first_accepted_at", UtcDateTime(), nullable=True),
    Column("answered_queue_id", String(100), nullable=True),
    Index("ix_contacts_status", "status"),
)

# The contact-reason taxonomy: category (pre-purchase, post-sale, ...) -> reason codes.
contact_reasons = Table(
    "contact_reasons",
    metadata,
    Column("code", String(100), primary_key=True),
    Column("category", String(100), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Rules mapping reason/channel/language/attributes to a queue and priority (lowest first).
routing_rules = Table(
    "routing_rules",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("config", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Per-deployment routing settings set by admins (key -> JSON value); env values are defaults.
routing_settings = Table(
    "routing_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
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
