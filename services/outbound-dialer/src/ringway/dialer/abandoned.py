"""An abandoned outbound call: the person who answered hears the campaign's message."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select

from ringway.dialer import tables
from ringway.dialer.service import load_campaign
from ringway.dialer.telephony import Telephony
from ringway.shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)


async def play_abandon_message(uow: UnitOfWork, telephony: Callable[[], Telephony],
                               attempt_id: str) -> None:
    """Play the campaign's abandonment message on the call; a failure never loses the abandon."""
    a = tables.attempts
    attempt = (await uow.session.execute(select(a.c.phone, a.c.campaign_id).where(
        a.c.id == attempt_id))).first()
    if attempt is None or attempt.phone is None:
        return
    campaign = await load_campaign(uow, attempt.campaign_id)
    try:
        await telephony().play_message(attempt.phone, campaign.settings.abandon_message)
    except Exception:  # the abandon is recorded whatever the network does with the message
        log.warning("abandonment message not played for attempt %s", attempt_id, exc_info=True)
