"""Routing HTTP routes for the contact-reason taxonomy and the routing rules (admins write)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from ringway.routing import reasons, settings_store
from ringway.routing.deps import Admin, PolicyDep, RouterDep, Staff
from ringway.routing.schemas import RoutingSettingsBody, RoutingSettingsRead
from ringway.routing.schemas_reasons import (
    CategoryRead,
    ReasonBody,
    ReasonRead,
    RuleBody,
    RuleRead,
)

reasons_router = APIRouter(prefix="/reasons", tags=["reasons"])
rules_router = APIRouter(prefix="/routing-rules", tags=["reasons"])
settings_router = APIRouter(prefix="/routing-settings", tags=["reasons"])
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


@reasons_router.get("", response_model=list[ReasonRead])
async def list_reasons(router: RouterDep, _: Staff) -> list[ReasonRead]:
    """Every contact reason, by category."""
    return await reasons.list_reasons(router)


@reasons_router.get("/categories", response_model=list[CategoryRead])
async def list_categories(router: RouterDep, _: Staff) -> list[CategoryRead]:
    """The taxonomy as a tree: category -> reason codes."""
    return await reasons.categories(router)


@reasons_router.get("/{code}", response_model=ReasonRead)
async def get_reason(code: str, router: RouterDep, _: Staff) -> ReasonRead:
    """One contact reason."""
    return await reasons.get_reason(router, code)


@reasons_router.put("/{code}", response_model=ReasonRead,
                    responses={201: {"description": "The reason was created"}})
async def put_reason(code: Annotated[str, Path(pattern=CODE)], body: ReasonBody,
                     router: RouterDep, response: Response, principal: Admin) -> ReasonRead:
    """Create or change a contact reason (its category and label)."""
    reason, created = await reasons.put_reason(router, code, body, principal.subject)
    response.status_code = 201 if created else 200
    return reason


@reasons_router.delete("/{code}", status_code=204,
                       responses={409: {"description": "A routing rule still uses it"}})
async def delete_reason(code: str, router: RouterDep, principal: Admin) -> Response:
    """Remove a contact reason no routing rule uses."""
    await reasons.delete_reason(router, code, principal.subject)
    return Response(status_code=204)


@rules_router.get("", response_model=list[RuleRead])
async def list_rules(router: RouterDep, _: Staff) -> list[RuleRead]:
    """Every routing rule, in the order they are tried."""
    return await reasons.list_rules(router)


@rules_router.post("", status_code=201, response_model=RuleRead)
async def create_rule(body: RuleBody, router: RouterDep, principal: Admin) -> RuleRead:
    """Add a rule mapping reason/channel/language/attributes to a queue and priority."""
    return await reasons.save_rule(router, body, changed_by=principal.subject)


@rules_router.get("/{rule_id}", response_model=RuleRead)
async def get_rule(rule_id: str, router: RouterDep, _: Staff) -> RuleRead:
    """One routing rule."""
    return await reasons.get_rule(router, rule_id)


@rules_router.put("/{rule_id}", response_model=RuleRead)
async def replace_rule(rule_id: str, body: RuleBody, router: RouterDep,
                       principal: Admin) -> RuleRead:
    """Replace a routing rule."""
    return await reasons.save_rule(router, body, rule_id, principal.subject)


@rules_router.delete("/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, router: RouterDep, principal: Admin) -> Response:
    """Remove a routing rule."""
    await reasons.delete_rule(router, rule_id, principal.subject)
    return Response(status_code=204)


@settings_router.get("", response_model=RoutingSettingsRead)
async def get_settings(router: RouterDep, policy: PolicyDep, _: Staff) -> RoutingSettingsRead:
    """The repeat-contact window and boost in force, and whether an admin set them."""
    return await settings_store.read(router, policy)


@settings_router.put("", response_model=RoutingSettingsRead)
async def put_settings(body: RoutingSettingsBody, router: RouterDep, policy: PolicyDep,
                       principal: Admin) -> RoutingSettingsRead:
    """Set this deployment's repeat-contact window and boost (stored; the env is the default)."""
    return await settings_store.write(router, body, policy, principal.subject)

