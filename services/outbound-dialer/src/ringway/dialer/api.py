"""Dialer HTTP routes: parse, authorize, call the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ringway.dialer import service
from ringway.dialer.schemas import CampaignContactPage, CampaignCreate, CampaignRead
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter(tags=["campaigns"])

Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
Staff = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.AGENT, Role.INTEGRATION))]

MAX_PAGE = 500





@router.post("/campaigns", status_code=201, response_model=CampaignRead)
async def create_campaign(body: CampaignCreate, rt: Runtime, _: Supervisor) -> CampaignRead:
    """Define a campaign; it starts as a draft."""
    return await service.create_campaign(rt.uow, body=body)


@router.get("/campaigns/{campaign_id}", response_model=CampaignRead)
async def get_campaign(campaign_id: str, rt: Runtime, _: Staff) -> CampaignRead:
    """Read a campaign."""
    return await service.get_campaign(rt.uow, campaign_id=campaign_id)


@router.post("/campaigns/{campaign_id}/start", response_model=CampaignRead,
             responses={409: {"description": "The campaign is running or completed"}})
async def start_campaign(campaign_id: str, rt: Runtime, _: Supervisor) -> CampaignRead:
    """Start a draft campaign or resume a paused one."""
    return await service.start_campaign(rt.uow, campaign_id=campaign_id)


@router.get("/campaigns/{campaign_id}/contacts", response_model=CampaignContactPage)
async def list_campaign_contacts(
    campaign_id: str, rt: Runtime, _: Supervisor,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CampaignContactPage:
    """The people enrolled in a campaign, oldest first."""
    return await service.list_contacts(rt.uow, campaign_id=campaign_id, limit=limit,
                                       offset=offset)
