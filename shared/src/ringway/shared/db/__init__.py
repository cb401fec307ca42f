"""Database plumbing: engine, unit of work, transactional outbox and inbox, migrations."""

from ringway.shared.db.engine import Database
from ringway.shared.db.outbox import OutboxRelay, add_outbox_tables
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory

__all__ = ["Database", "OutboxRelay", "UnitOfWork", "UnitOfWorkFactory", "add_outbox_tables"]
