"""Knowledge base: search index, categories tied to contact reasons, helpfulness counts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ringway.selfservice.domain.search import document_terms

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kb_articles") as batch:
        batch.add_column(sa.Column("helpful_yes", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("helpful_no", sa.Integer, nullable=False, server_default="0"))
    terms = op.create_table(
        "kb_terms",
        sa.Column("article_id", sa.String(26), nullable=False),
        sa.Column("term", sa.String(80), nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "term"),
    )
    op.create_index("ix_kb_terms_term", "kb_terms", ["term"])
    op.create_table(
        "kb_categories",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("contact_reason", sa.String(100), nullable=True),
    )
    op.create_index("ix_kb_categories_contact_reason", "kb_categories", ["contact_reason"])
    _index_existing(terms)


def _index_existing(terms: sa.Table) -> None:
    # Articles written before the index existed become searchable too.
    articles = op.get_bind().execute(sa.text("SELECT id, title, body, language FROM kb_articles"))
    rows = [{"article_id": a.id, "term": term, "weight": weight}
            for a in articles for term, weight in document_terms(a.title, a.body,
                                                                 a.language).items()]
    if rows:
        op.bulk_insert(terms, rows)


def downgrade() -> None:
    op.drop_index("ix_kb_categories_contact_reason", "kb_categories")
    op.drop_table("kb_categories")
    op.drop_index("ix_kb_terms_term", "kb_terms")
    op.drop_table("kb_terms")
    with op.batch_alter_table("kb_articles") as batch:
        batch.drop_column("helpful_no")
        batch.drop_column("helpful_yes")
