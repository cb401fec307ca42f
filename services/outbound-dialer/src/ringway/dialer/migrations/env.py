"""Alembic environment of the dialer service."""

from alembic import context

from ringway.dialer.tables import metadata
from ringway.shared.db.migrations import run_env

run_env(context, metadata)
