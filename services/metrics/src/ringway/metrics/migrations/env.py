"""Alembic environment of the metrics service."""

from alembic import context

from ringway.metrics.tables import metadata
from ringway.shared.db.migrations import run_env

run_env(context, metadata)
