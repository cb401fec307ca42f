"""Dialer HTTP routes for preview dialing: the reserved agent reads, starts or skips."""

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
HELD: dict[int | str, dict[str, str]] = {
    409: {"description": "Not reserved for this agent"}}


def _telephony(request: Request) -> Telephony:
    telephony: Telephony = request.app.state.telephony
    return telephony


@router.get("/campaigns/{campaign_id}/preview", response_model=PreviewRead,
            responses={204: {"description": "Routing has reserved you for no preview yet"},
                       409: {"description": "Not a preview campaign"}})
async def reserved_preview(campaign_id: str, ctx: Context, agent: Agent) -> PreviewRead | Response:
    """The contact routing reserved the caller for (token subject = routing agent id)."""
    held = await preview.reserved_preview(ctx, campaign_id=campaign_id, agent=agent.subject)
    return held if held is not None else Response(status_code=204)


@router.post("/campaigns/{campaign_id}/preview/{contact_id}/dial", response_model=PreviewResult,
             responses=HELD)
async def dial_preview(campaign_id: str, contact_id: str, ctx: Context, agent: Agent,
                       request: Request) -> PreviewResult:
    """Start the call to the reserved contact; compliance is checked again first."""
    return await preview.start_call(ctx, _telephony(request), campaign_id=campaign_id,
                                    contact_id=contact_id, agent=agent.subject)


@router.post("/campaigns/{campaign_id}/preview/{contact_id}/skip", status_code=204,
             responses=HELD)
async def skip_preview(campaign_id: str, contact_id: str, ctx: Context, agent: Agent) -> None:
    """Give the reserved contact back without calling; it comes round again later."""
    await preview.skip(ctx, campaign_id=campaign_id, contact_id=contact_id, agent=agent.subject)
