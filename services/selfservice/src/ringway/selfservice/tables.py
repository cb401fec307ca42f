"""Self-service's own tables."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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
    # Set by erasure: the row stays (ids in the ledger point at it) with nothing personal left.
    Column("erased_at", UtcDateTime(), nullable=True),
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

# Who handles which contact (from routing's events): agents read only those customers.
contact_handlers = Table(
    "contact_handlers",
    metadata,
    Column("contact_id", String(64), nullable=False),
    Column("agent_id", String(100), nullable=False),
    Column("customer_id", String(64), nullable=True),  # None: an anonymous contact
    Column("since", UtcDateTime(), nullable=False),
    Column("access_until", UtcDateTime(), nullable=True),  # None while the agent has it
    PrimaryKeyConstraint("contact_id", "agent_id"),
    Index("ix_contact_handlers_agent_customer", "agent_id", "customer_id"),
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
    Column("helpful_yes", Integer, nullable=False, server_default="0"),
    Column("helpful_no", Integer, nullable=False, server_default="0"),
)

# The search index we maintain ourselves, so it works alike on PostgreSQL and SQLite.
kb_terms = Table(
    "kb_terms",
    metadata,
    Column("article_id", String(26), nullable=False),
    Column("term", String(80), nullable=False, index=True),
    Column("weight", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "term"),
)

# A category answers the questions behind a contact reason (routing's reason codes).
kb_categories = Table(
    "kb_categories",
    metadata,
    Column("code", String(100), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("contact_reason", String(100), nullable=True, index=True),
)

# Refresh tokens by digest: a stolen database yields no usable token.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("session_id", String(40), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Failed logins per e-mail digest (not the address): the lockout and its back-off.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("login_key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("last_failure_at", UtcDateTime(), nullable=False),
)

# Scoped back-office keys; the token is handed out once, the row makes it revocable.
integration_keys = Table(
    "integration_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scopes", String(500), nullable=False),  # space-separated
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Who read or changed what: ids only, never the data itself.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("roles", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("resource", String(40), nullable=False),
    Column("resource_id", String(64), nullable=True),
    Column("customer_id", String(26), nullable=True, index=True),
)

# Amounts in minor units (cents) of the deployment's one currency.
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("description", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # open | paid
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("payment_id", String(26), nullable=True),
)

payments = Table(
    "payments",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("invoice_id", String(26), nullable=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("provider_ref", String(100), nullable=True),
    Column("decline_code", String(50), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=True),
    # Added in 0010: the request's key, so a reconciled payment answers its retries.
    Column("idempotency_key", String(100), nullable=True),
    # The reconciler's scan: payments whose fate is open, oldest first.
    Index("ix_payments_status_created", "status", "created_at"),
    # Added in 0011: a customer's pending payments (every payment and account read sums them)
    # by one lookup, not by a scan of the customer's whole payment history.
    Index("ix_payments_customer_status", "customer_id", "status"),
)

# The balance is the sum of a customer's entries: invoices add, approved payments subtract.
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reference_id", String(26), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

# Each customer's ledger sum, kept by a trigger on ledger_entries (migration 0012): reads
# take one row instead of summing a history that grows with every payment.
ledger_balances = Table(
    "ledger_balances",
    metadata,
    Column("customer_id", String(26), primary_key=True),
    Column("balance_cents", BigInteger, nullable=False),
)

# One row per Idempotency-Key and customer: what was asked and the first answer.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("customer_id", String(26), nullable=False),
    Column("key", String(100), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),  # None while the first request runs
    Column("response", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("customer_id", "key"),
)

products = Table(
    "products",
    metadata,
    Column("sku", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("price_cents", BigInteger, nullable=False),
    Column("stock", Integer, nullable=False),  # reserved by conditional decrements only
    Column("warranty_months", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("placed_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(26), nullable=False),
    Column("sku", String(40), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    PrimaryKeyConstraint("order_id", "sku"),
)

# Products bought elsewhere, registered for their warranty; a serial is registered once.
purchases = Table(
    "purchases",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("sku", String(40), nullable=False),
    Column("serial_number", String(64), nullable=False),
    Column("purchased_on", Date, nullable=False),
    Column("place", String(200), nullable=False),
    Column("warranty_until", Date, nullable=False),
    Column("registered_at", UtcDateTime(), nullable=False),
    UniqueConstraint("sku", "serial_number", name="uq_purchases_sku_serial"),
)

# Capacity per slot; `booked` moves only by conditional updates, so it never exceeds it.
visit_slots = Table(
    "visit_slots",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("area", String(40), nullable=False),
    Column("job_type", String(40), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("booked", Integer, nullable=False),
    Index("ix_visit_slots_area_job_start", "area", "job_type", "starts_at"),
)

visits = Table(
    "visits",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("slot_id", String(26), nullable=False),
    Column("status", String(20), nullable=False),
    Column("booked_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Written requests; routing turns each into a non-voice contact from the event.
support_requests = Table(
    "support_requests",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("reason", String(100), nullable=True),
    Column("subject", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
)

callback_requests = Table(
    "callback_requests",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("customer_id", String(26), nullable=False, index=True),
    Column("phone", String(20), nullable=False),  # E.164
    Column("reason", String(100), nullable=True),
    Column("requested_for", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
