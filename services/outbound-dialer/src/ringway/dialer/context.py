"""What the dialer's use cases need beside a unit of work: clock and compliance profiles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from ringway.dialer.domain.compliance import Profile
from ringway.shared.db.uow import UnitOfWorkFactory

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


@dataclass
class DialerContext:
    """Shared by the HTTP routes, the consumers and the dialing loop of one dialer app."""

    uow: UnitOfWorkFactory
    profiles: Mapping[str, Profile]
    clock: Clock = system_clock
    upload_batch_rows: int = 1000
    extras: dict[str, object] = field(default_factory=dict)


def current_context(request: Request) -> DialerContext:
    """Dependency: the dialer context of the app serving the request."""
    context: DialerContext = request.app.state.dialer
    return context


Context = Annotated[DialerContext, Depends(current_context)]
