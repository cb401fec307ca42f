"""Dialer HTTP routes for campaigns: parse, authorize, call the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from ringway.dialer import service
from ringway.dialer.context import Context
from ringway.dialer.domain import Action
from ringway.dialer.schemas import (
    CampaignContactPage,
    CampaignCreate,
    CampaignRead,
    CampaignUpdate,
)
from ringway.dialer.stats import (
    CampaignStats,
    PacingDecisionRead,
    campaign_stats,
    pacing_decisions,
)
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(tags=["campaigns"])

Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
Staff = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT, Role.INTEGRATION))]

MAX_PAGE = 500
TRANSITION_ERRORS: dict[int | str, dict[str, str]] = {
    409: {"description": "The action does not apply to the campaign's status"}}


@router.post("/campaigns", status_code=201, response_model=CampaignRead)
async def create_campaign(body: CampaignCreate, ctx: Context, _: Supervisor) -> CampaignRead:
    """Define a campaign; it starts as a draft."""
    return await service.create_campaign(ctx, body=body)


@router.get("/campaigns/{campaign_id}", response_model=CampaignRead)
async def get_campaign(campaign_id: str, ctx: Context, _: Staff) -> CampaignRead:
    """Read a campaign."""
    return await service.get_campaign(ctx, campaign_id=campaign_id)


@router.patch("/campaigns/{campaign_id}", response_model=CampaignRead, responses={
    409: {"description": "Mode, agent pool or profiles changed while running, or completed"}})
async def update_campaign(campaign_id: str, body: CampaignUpdate, ctx: Context,
                          _: Supervisor) -> CampaignRead:
    """Change a campaign; dialing mode, pool and profiles only while it is not running."""
    return await service.update_campaign(ctx, campaign_id=campaign_id, body=body)


@router.post("/campaigns/{campaign_id}/start", response_model=CampaignRead, responses={
    409: {"description": "Not startable (no contacts/pool), or running or completed"}})
async def start_campaign(campaign_id: str, ctx: Context, _: Supervisor) -> CampaignRead:
    """Start a draft campaign or resume a paused one."""
    return await service.change_status(ctx, campaign_id=campaign_id, action=Action.START)


@router.post("/campaigns/{campaign_id}/pause", response_model=CampaignRead,
             responses=TRANSITION_ERRORS)
async def pause_campaign(campaign_id: str, ctx: Context, _: Supervisor) -> CampaignRead:
    """Stop placing new calls for now; calls in progress finish."""
    return await service.change_status(ctx, campaign_id=campaign_id, action=Action.PAUSE)


@router.post("/campaigns/{campaign_id}/resume", response_model=CampaignRead,
             responses=TRANSITION_ERRORS)
async def resume_campaign(campaign_id: str, ctx: Context, _: Supervisor) -> CampaignRead:
    """Place calls again after a pause."""
    return await service.change_status(ctx, campaign_id=campaign_id, action=Action.RESUME)


@router.post("/campaigns/{campaign_id}/stop", response_model=CampaignRead,
             responses=TRANSITION_ERRORS)
async def stop_campaign(campaign_id: str, ctx: Context, _: Supervisor) -> CampaignRead:
    """End the campaign for good: it is completed and never calls again."""
    return await service.change_status(ctx, campaign_id=campaign_id, action=Action.STOP)


@router.get("/campaigns/{campaign_id}/contacts", response_model=CampaignContactPage)
async def list_campaign_contacts(
    campaign_id: str, ctx: Context, _: Supervisor,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CampaignContactPage:
    """The people enrolled in a campaign, oldest first."""
    return await service.list_contacts(ctx, campaign_id=campaign_id, limit=limit,
                                       offset=offset)


@router.get("/campaigns/{campaign_id}/stats", response_model=CampaignStats)
async def get_campaign_stats(campaign_id: str, ctx: Context, _: Supervisor) -> CampaignStats:
    """Attempts, connects, right-party contacts, conversions and abandon rate per window."""
    return await campaign_stats(ctx, campaign_id=campaign_id)


@router.get("/campaigns/{campaign_id}/pacing-decisions", response_model=list[PacingDecisionRead])
async def list_pacing_decisions(
    campaign_id: str, ctx: Context, _: Supervisor,
    since: Annotated[AwareDatetime | None, Query(description="ISO time with offset")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> list[PacingDecisionRead]:
    """Pacing decisions with their inputs and output: the audit trail, oldest first."""
    return await pacing_decisions(ctx, campaign_id=campaign_id, since=since, limit=limit)
