"""Alembic environment of the self-service service."""

from alembic import context

from ringway.selfservice.tables import metadata
from ringway.shared.db.migrations import run_env

run_env(context, metadata)
