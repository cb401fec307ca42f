"""The dialer's own tables."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.db.types import UtcDateTime

metadata = MetaData()

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("dialing_mode", String(20), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("enrol_on", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # 0002: the agent pool, caller id and the JSON of schedule/window/retry/compliance settings.
    Column("queue_id", String(64), nullable=True),
    Column("caller_id", String(16), nullable=True),
    Column("settings", JSON, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=True),
)

# People to call per campaign. NULL customer ids (list imports) never collide in the
# unique constraint; a known customer is enrolled at most once per campaign, and one
# number once per campaign (duplicates are merged).
campaign_contacts = Table(
    "campaign_contacts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("campaign_id", String(26), ForeignKey("campaigns.id"), nullable=False),
    Column("customer_id", String(64), nullable=True),
    Column("phone", String(16), nullable=False),
    Column("trigger", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("enrolled_at", UtcDateTime(), nullable=False),
    UniqueConstraint("campaign_id", "customer_id", name="uq_campaign_contacts_customer"),
    Column("region", String(2), nullable=True),
    Column("zones", JSON, nullable=True),
    Column("attributes", JSON, nullable=True),
    Column("priority", Integer, nullable=False, server_default="0"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("outcome", String(30), nullable=True),
    Column("upload_id", String(26), nullable=True),
    Index("uq_campaign_contacts_phone", "campaign_id", "phone", unique=True),
    Index("ix_campaign_contacts_due", "campaign_id", "status", "next_attempt_at"),
    Index("ix_campaign_contacts_customer", "customer_id"),
)

# Numbers never to call: scope "global" or a campaign id.
do_not_call = Table(
    "do_not_call",
    metadata,
    Column("scope", String(26), primary_key=True),
    Column("phone", String(16), primary_key=True),
    Column("reason", String(40), nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
)

# Every number not dialed, with the rule that stopped it.
suppressions = Table(
    "suppressions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("campaign_id", String(26), nullable=False),
    Column("campaign_contact_id", String(26), nullable=True),
    Column("phone", String(16), nullable=True),
    Column("reason", String(40), nullable=False),
    Column("detail", String(300), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_suppressions_campaign", "campaign_id", "at"),
)

# Every call placed, with outcome and timings.
attempts = Table(
    "attempts",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("campaign_id", String(26), nullable=False),
    Column("campaign_contact_id", String(26), nullable=True),
    Column("customer_id", String(64), nullable=True),
    Column("phone", String(16), nullable=True),
    Column("mode", String(20), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("outcome", String(30), nullable=True),
    Column("answered_at", UtcDateTime(), nullable=True),
    Column("ended_at", UtcDateTime(), nullable=True),
    Column("ring_ms", Integer, nullable=True),
    Column("disposition", String(30), nullable=True),
    Column("refused", Boolean, nullable=False, server_default="0"),
    Index("ix_attempts_phone", "phone", "started_at"),
    Index("ix_attempts_campaign", "campaign_id", "answered_at"),
)

# Pacing decisions with their inputs, so a regulator's question can be answered later.
pacing_decisions = Table(
    "pacing_decisions",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("campaign_id", String(26), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("dial", Integer, nullable=False),
    Column("reason", String(60), nullable=False),
    Column("inputs", JSON, nullable=False),
    Index("ix_pacing_decisions_campaign", "campaign_id", "at"),
)

list_uploads = Table(
    "list_uploads",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("campaign_id", String(26), nullable=False, index=True),
    Column("format", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("merged", Integer, nullable=False),
    Column("invalid", Integer, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
)

list_upload_errors = Table(
    "list_upload_errors",
    metadata,
    Column("upload_id", String(26), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("reason", String(40), nullable=False),
    Column("detail", String(300), nullable=False),
)

# 0003: the phone of each known customer, from customer.registered, for later triggers
# (visit.completed, contact.completed) that carry only the customer id.
customer_directory = Table(
    "customer_directory",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("phone", String(16), nullable=False),
    Column("region", String(2), nullable=True),
    Column("country", String(2), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# 0004: routing's agents as the dialer sees them (agent.state_changed), for pacing.
agent_states = Table(
    "agent_states",
    metadata,
    Column("agent_id", String(64), primary_key=True),
    Column("state", String(20), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    # 0006: only agents routing marks as blended take outbound work.
    Column("blended", Boolean, nullable=False, server_default="0"),
    Column("last_wrap_s", Float, nullable=True),
)

# 0006: the routing queues each agent serves (a campaign's pool is one queue).
agent_queues = Table(
    "agent_queues",
    metadata,
    Column("agent_id", String(64), primary_key=True),
    Column("queue_id", String(64), primary_key=True),
    Index("ix_agent_queues_queue", "queue_id"),
)

# 0005: inbound contacts waiting in routing's queues (contacts topic), for blending.
inbound_waiting = Table(
    "inbound_waiting",
    metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("queue_id", String(64), nullable=False),
    Column("since", UtcDateTime(), nullable=False, index=True),
)

# 0007: recent inbound outcomes per queue (answered or abandoned, with the wait), so the
# dialer backs off while an inbound queue misses its service level.
inbound_outcomes = Table(
    "inbound_outcomes",
    metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("queue_id", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("waited_ms", Integer, nullable=False),
    Column("answered", Boolean, nullable=False),
)

# 0008: preview reservations. Routing offers each preview to an agent of the pool; the
# agent who accepts it is reserved for it and starts or skips the call.
previews = Table(
    "previews",
    metadata,
    Column("attempt_id", String(26), primary_key=True),
    Column("campaign_id", String(26), nullable=False),
    Column("campaign_contact_id", String(26), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Index("ix_previews_campaign_status", "campaign_id", "status"),
)

# 0009: each inbound queue's own service-level objective, from routing's queue.configured.
queue_targets = Table(
    "queue_targets",
    metadata,
    Column("queue_id", String(100), primary_key=True),
    Column("service_level_s", Float, nullable=False),
    Column("target", Float, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
