"""Signed provider callbacks: authenticated by their HMAC signature, not by a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ValidationError

from ringway.selfservice import webhooks
from ringway.selfservice.deps import Now, State
from ringway.selfservice.domain.signatures import BadSignature, verify
from ringway.selfservice.payments_schemas import PaymentOutcome
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import public
from ringway.shared.web.problems import ProblemError

router = APIRouter(tags=["webhooks"])


class WebhookAck(BaseModel):
    """Whether the callback changed anything (a redelivery does not)."""

    applied: bool


@router.post("/webhooks/payments", response_model=WebhookAck, dependencies=[Depends(public)],
             responses={401: {"description": "Missing, wrong or stale signature"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": PaymentOutcome.model_json_schema()}}}})
async def payment_callback(
    request: Request, rt: Runtime, state: State, now: Now,
    signature: Annotated[str | None, Header(alias="Ringway-Signature",
                                            description="t=<unix>,v1=<hex HMAC-SHA256>")] = None,
) -> WebhookAck:
    """The payment provider's late outcome for a payment that timed out."""
    secret = state.settings.payment_webhook_secret
    if secret is None:
        raise ProblemError(404, "Not found", "payment callbacks are not configured",
                           code="not-found")
    raw = await request.body()
    try:
        verify(secret.get_secret_value(), signature, raw, now)
    except BadSignature as error:
        raise ProblemError(401, "Unauthorized", str(error), code="bad-signature") from None
    try:
        body = PaymentOutcome.model_validate_json(raw)
    except ValidationError as error:
        errors = [{"loc": ["body", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
                  for e in error.errors()]
        raise ProblemError(422, "Validation failed", f"{len(errors)} invalid field(s)",
                           code="validation-error", errors=errors) from None
    return WebhookAck(applied=await webhooks.payment_outcome(rt.uow, body=body, now=now))
