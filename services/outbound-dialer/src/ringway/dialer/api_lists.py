"""Dialer HTTP routes for contact lists, do-not-call lists and suppressions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError

from ringway.dialer import dnc, uploads
from ringway.dialer.api import MAX_PAGE, Supervisor
from ringway.dialer.context import Context
from ringway.dialer.listio import csv_rows, ndjson_rows
from ringway.dialer.schemas import DoNotCallEntries, DoNotCallResult, SuppressionPage
from ringway.dialer.upload_schemas import JsonList, RowErrorRead, UploadRead
from ringway.shared.web.auth import Principal, Role, require
from ringway.shared.web.problems import ProblemError

router = APIRouter(tags=["lists"])

DncManager = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.INTEGRATION))]
MAX_JSON_BYTES = 5 * 1024 * 1024
UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example": "phone,customer_id,name\n"
                 "+14155550100,c-1,Ada\n"},
    "application/x-ndjson": {"schema": {"type": "string"}},
    "application/json": {"schema": JsonList.model_json_schema()},
}}}


@router.post("/campaigns/{campaign_id}/lists", status_code=201, response_model=UploadRead,
             openapi_extra=UPLOAD_BODY, responses={
                 400: {"description": "Unreadable list (encoding, header, quoting)"},
                 409: {"description": "The campaign is completed"},
                 415: {"description": "Not CSV, NDJSON or JSON"}})
async def upload_list(campaign_id: str, request: Request, ctx: Context,
                      _: Supervisor) -> UploadRead:
    """Load a contact list, streamed; poll GET .../lists/{id} for progress while it loads."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    rows, fmt = await _rows(kind, request)
    return await uploads.upload(ctx, campaign_id=campaign_id, fmt=fmt, rows=rows)


async def _rows(kind: str, request: Request) -> tuple[AsyncIterator[dict[str, Any]], str]:
    if kind in ("text/csv", "application/csv"):
        return csv_rows(request.stream()), "csv"
    if kind == "application/x-ndjson":
        return ndjson_rows(request.stream()), "ndjson"
    if kind == "application/json":
        return _json_rows(await _json_list(request)), "json"

    raise ProblemError(415, "Unsupported Media Type", "send text/csv, application/x-ndjson or "
                       "application/json", code="unsupported-media-type")


async def _json_list(request: Request) -> JsonList:

    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise ProblemError(413, "Content Too Large", "JSON lists are limited to 5 MB; "
                           "stream larger lists as CSV or NDJSON", code="content-too-large")
    try:
        return JsonList.model_validate_json(body)
    except ValidationError as error:
        errors = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                  for e in error.errors()]
        raise ProblemError(422, "Validation failed", f"{len(errors)} invalid field(s)",
                           code="validation-error", errors=errors) from None


async def _json_rows(body: JsonList) -> AsyncIterator[dict[str, Any]]:
    for row in body.contacts:
        yield row


@router.get("/campaigns/{campaign_id}/lists/{upload_id}", response_model=UploadRead)
async def get_upload(campaign_id: str, upload_id: str, ctx: Context,
                     _: Supervisor) -> UploadRead:
    """An upload's progress (rows read so far) or final result."""
    return await uploads.get_upload(ctx, campaign_id=campaign_id, upload_id=upload_id)


@router.get("/campaigns/{campaign_id}/lists/{upload_id}/errors",
            response_model=list[RowErrorRead])
async def get_upload_errors(
    campaign_id: str, upload_id: str, ctx: Context, _: Supervisor,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """The rows an upload rejected, with the reason for each, in row order."""
    return await uploads.upload_errors(ctx, campaign_id=campaign_id, upload_id=upload_id,
                                       limit=limit, offset=offset)


@router.post("/do-not-call", response_model=DoNotCallResult)
async def add_global_dnc(body: DoNotCallEntries, ctx: Context, _: DncManager) -> DoNotCallResult:
    """Add numbers to the global do-not-call list (bulk); effective for the next dial."""
    return await dnc.add_numbers(ctx, scope=dnc.GLOBAL, body=body)


@router.post("/campaigns/{campaign_id}/do-not-call", response_model=DoNotCallResult)
async def add_campaign_dnc(campaign_id: str, body: DoNotCallEntries, ctx: Context,
                           _: DncManager) -> DoNotCallResult:
    """Add numbers to one campaign's do-not-call list (bulk)."""
    return await dnc.add_numbers(ctx, scope=campaign_id, body=body)


@router.get("/campaigns/{campaign_id}/suppressions", response_model=SuppressionPage)
async def list_suppressions(
    campaign_id: str, ctx: Context, _: Supervisor,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SuppressionPage:
    """Numbers the campaign did not dial, with the rule that stopped each, newest first."""
    return await dnc.suppressions(ctx, campaign_id=campaign_id, limit=limit, offset=offset)
