"""Dialer HTTP routes for preview dialing: agents take, start or skip contacts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ringway.dialer import preview
from ringway.dialer.context import Context
from ringway.dialer.preview import PreviewRead, PreviewResult
from ringway.dialer.telephony import Telephony
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(tags=["preview"])

Agent = Annotated[Principal, Depends(require(Role.AGENT, Role.SUPERVISOR))]
HELD: dict[int | str, dict[str, str]] = {409: {"description": "Not held for this agent"}}


def _telephony(request: Request) -> Telephony:
    telephony: Telephony = request.app.state.telephony
    return telephony


@router.post("/campaigns/{campaign_id}/preview/next", response_model=PreviewRead,
             responses={204: {"description": "Nobody is due"},
                        409: {"description": "Not a running preview campaign"}})
async def next_preview(campaign_id: str, ctx: Context, agent: Agent) -> PreviewRead | Response:
    """Hold the next callable contact for the calling agent, with what the agent needs."""
    held = await preview.next_preview(ctx, campaign_id=campaign_id, agent=agent.subject)
    return held if held is not None else Response(status_code=204)


@router.post("/campaigns/{campaign_id}/preview/{contact_id}/dial", response_model=PreviewResult,
             responses=HELD)
async def dial_preview(campaign_id: str, contact_id: str, ctx: Context, agent: Agent,
                       request: Request) -> PreviewResult:
    """Start the call to the held contact; compliance is checked again first."""
    return await preview.start_call(ctx, _telephony(request), campaign_id=campaign_id,
                                    contact_id=contact_id, agent=agent.subject)


@router.post("/campaigns/{campaign_id}/preview/{contact_id}/skip", status_code=204,
             responses=HELD)
async def skip_preview(campaign_id: str, contact_id: str, ctx: Context, agent: Agent) -> None:
    """Give the held contact back without calling; it comes round again later."""
    await preview.skip(ctx, campaign_id=campaign_id, contact_id=contact_id, agent=agent.subject)
