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
)

selfservice_stats = Table(
    "selfservice_stats",
    metadata,
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("action", String(100), primary_key=True),
    Column("outcome", String(100), primary_key=True),
    Column("count", Integer, nullable=False),
)

outbox, inbox = add_outbox_tables(metadata)
