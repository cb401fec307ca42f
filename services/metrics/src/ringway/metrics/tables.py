"""Metrics' own tables: read models built from other services' events."""

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

from ringway.shared.db.outbox import add_outbox_tables
from ringway.shared.db.types import UtcDateTime

metadata = MetaData()

# One row per UTC interval, queue and channel. Each contact event is counted in the interval
# of its own time (queued: arrived_at, answered: accepted_at, ...), as ACD reports do.
interval_stats = Table(
    "interval_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("queue_id", String(100), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("offered", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("abandoned", Integer, nullable=False),
    Column("answered_within_sl", Integer, nullable=False),
    Column("wait_ms_total", BigInteger, nullable=False),
    Column("handled", Integer, nullable=False),
    Column("handle_ms_total", BigInteger, nullable=False),
    # Added in 0002: the full inbound KPI set (docs/metrics/kpis.md).
    Column("short_abandoned", Integer, nullable=False, server_default="0"),
    Column("abandoned_within_sl", Integer, nullable=False, server_default="0"),
    Column("abandon_wait_ms_total", BigInteger, nullable=False, server_default="0"),
    Column("longest_wait_ms", BigInteger, nullable=False, server_default="0"),
    Column("talk_ms_total", BigInteger, nullable=False, server_default="0"),
    Column("hold_ms_total", BigInteger, nullable=False, server_default="0"),
    Column("wrap_up_ms_total", BigInteger, nullable=False, server_default="0"),
    Column("transfers", Integer, nullable=False, server_default="0"),
    Column("resolved", Integer, nullable=False, server_default="0"),
    Column("repeats", Integer, nullable=False, server_default="0"),
)

# Per agent: what each agent answered and handled, in the interval of the event.
agent_stats = Table(
    "agent_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("agent_id", String(100), primary_key=True),
    Column("queue_id", String(100), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("answered", Integer, nullable=False),
    Column("handled", Integer, nullable=False),
    Column("talk_ms_total", BigInteger, nullable=False),
    Column("hold_ms_total", BigInteger, nullable=False),
    Column("wrap_up_ms_total", BigInteger, nullable=False),
)

# Milliseconds each agent spent in each state (and not-ready reason; "" for none), split at
# interval boundaries.
agent_state_time = Table(
    "agent_state_time",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("agent_id", String(100), primary_key=True),
    Column("state", String(20), primary_key=True),
    Column("reason", String(100), primary_key=True),
    Column("ms", BigInteger, nullable=False),
)

# The state each agent is in since when: the open end of its state timeline.
agent_presence = Table(
    "agent_presence",
    metadata,
    Column("agent_id", String(100), primary_key=True),
    Column("state", String(20), nullable=False),
    Column("reason", String(100), nullable=False),
    Column("since", UtcDateTime(), nullable=False),
)

# Contacts per reason, the input of the contact-reasons breakdown.
reason_stats = Table(
    "reason_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("queue_id", String(100), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("reason", String(100), primary_key=True),
    Column("offered", Integer, nullable=False),
    Column("handled", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
)

# Contacts seen, to tell a transfer (queued again) from a new contact, and the last handled
# contact per customer and reason for first-contact resolution. Ids only, nothing personal.
contact_seen = Table(
    "contact_seen",
    metadata,
    Column("contact_id", String(100), primary_key=True),
    Column("queue_id", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("queued_at", UtcDateTime(), nullable=False),
)

# Added in 0003 (replacing last_contact): each customer's contacts per reason, arrival and
# completion, so a repeat is found whichever of the two contacts' events comes first.
customer_contacts = Table(
    "customer_contacts",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("reason", String(100), primary_key=True),
    Column("contact_id", String(100), primary_key=True),
    Column("queue_id", String(100), nullable=True),
    Column("channel", String(20), nullable=True),
    Column("arrived_at", UtcDateTime(), nullable=True),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("repeated", Integer, nullable=False),
)

# One row per customer and reason, written first by every FCR update: its row lock serialises
# concurrent handlers of the same customer and reason, so neither misses the other's contact.
fcr_keys = Table(
    "fcr_keys",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("reason", String(100), primary_key=True),
    Column("touched", BigInteger, nullable=False),
)

selfservice_stats = Table(
    "selfservice_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("action", String(100), primary_key=True),
    Column("outcome", String(100), primary_key=True),
    Column("count", Integer, nullable=False),
)

# Added in 0004: post-contact surveys. One answer per contact (the endpoint's dedup), and
# CSAT / NPS counts per interval x queue x channel x agent x reason ("" where unknown).
survey_responses = Table(
    "survey_responses",
    metadata,
    Column("contact_id", String(100), primary_key=True),
    Column("survey_id", String(40), nullable=False),
    Column("answered_at", UtcDateTime(), nullable=False),
)

survey_stats = Table(
    "survey_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("queue_id", String(100), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("agent_id", String(100), primary_key=True),
    Column("reason", String(100), primary_key=True),
    Column("csat_responses", Integer, nullable=False),
    Column("csat_total", Integer, nullable=False),
    Column("csat_satisfied", Integer, nullable=False),
    Column("nps_responses", Integer, nullable=False),
    Column("promoters", Integer, nullable=False),
    Column("detractors", Integer, nullable=False),
)

# Added in 0005: self-service sessions and customers' assisted contacts, for containment (a
# session not followed by an assisted contact within 24 h) and knowledge-base deflection.
selfservice_sessions = Table(
    "selfservice_sessions",
    metadata,
    Column("session_id", String(100), primary_key=True),
    Column("customer_id", String(100), nullable=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("knowledge_base", Integer, nullable=False),
    Column("escalated", Integer, nullable=False),
)

customer_arrivals = Table(
    "customer_arrivals",
    metadata,
    Column("contact_id", String(100), primary_key=True),
    Column("customer_id", String(100), nullable=False, index=True),
    Column("arrived_at", UtcDateTime(), nullable=False),
)

# Added in 0006: outbound per campaign and interval, and which compliance windows are alerted.
campaign_stats = Table(
    "campaign_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("campaign_id", String(100), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("finished", Integer, nullable=False),
    Column("connected", Integer, nullable=False),
    Column("abandoned", Integer, nullable=False),
    Column("right_party", Integer, nullable=False),
    Column("conversions", Integer, nullable=False),
)

campaign_alerts = Table(
    "campaign_alerts",
    metadata,
    Column("campaign_id", String(100), primary_key=True),
    Column("window", String(8), primary_key=True),
    Column("alerted", Integer, nullable=False),
)

# Added in 0007: contacts waiting now, for the wallboard. A row changes only for a fact at least
# as recent as the one it holds, so a late `contact.queued` cannot revive an answered contact.
waiting_contacts = Table(
    "waiting_contacts",
    metadata,
    Column("contact_id", String(100), primary_key=True),
    Column("queue_id", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("arrived_at", UtcDateTime(), nullable=False),
    Column("waiting", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
