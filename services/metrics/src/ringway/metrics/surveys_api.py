"""Survey routes: a customer (or the survey tool) answers; supervisors read CSAT and NPS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from ringway.metrics import surveys
from ringway.metrics.schemas import SurveyIn, SurveyReport
from ringway.shared.contracts.surveys import SurveyAnswered
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, require

router = APIRouter()
Answerer = Annotated[Principal, Depends(require(Role.CUSTOMER, Role.INTEGRATION))]
Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]


@router.post("/surveys", tags=["surveys"], status_code=201, response_model=SurveyAnswered,
             responses={409: {"description": "This contact's survey was already answered"},
                        422: {"description": "No score, or a score out of range"}})
async def answer_survey(body: SurveyIn, rt: Runtime, principal: Answerer) -> SurveyAnswered:
    """Record a post-contact survey answer once per contact; publishes `survey.answered`."""
    if Role.CUSTOMER in principal.roles and principal.customer_id:
        # A customer answers for themself, whatever the body says.
        body = body.model_copy(update={"customer_id": principal.customer_id})
    return await surveys.answer(rt.uow, body, datetime.now(UTC))


@router.get("/kpis/surveys", tags=["kpis"], response_model=SurveyReport,
            responses={422: {"description": "Bad range or grouping"}})
async def survey_kpis(rt: Runtime, _: Supervisor, start: Annotated[datetime, Query()],
                      end: Annotated[datetime, Query()],
                      group_by: Literal["queue_id", "channel", "agent_id", "reason"] = "queue_id",
                      ) -> SurveyReport:
    """CSAT (share of 4-5), average CSAT and NPS per queue, channel, agent or reason."""
    return await surveys.report(rt.uow, start=start, end=end, group_by=group_by)
