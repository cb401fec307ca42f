"""Alembic environment of the routing service."""

from alembic import context

from ringway.routing.tables import metadata
from ringway.shared.db.migrations import run_env

run_env(context, metadata)
