"""The dialer's own tables."""

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
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
)

# People to call per campaign. NULL customer ids (list imports) never collide in the
# unique constraint; a known customer is enrolled at most once per campaign.
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
)

outbox, inbox = add_outbox_tables(metadata)
