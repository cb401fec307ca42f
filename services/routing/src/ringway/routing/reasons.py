"""Use cases for the contact-reason taxonomy and routing rules, and routing a new contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from ulid import ULID

from ringway.routing import settings_store, tables
from ringway.routing.domain.reasons import (
    RepeatPolicy,
    RouteRequest,
    Rule,
    choose_rule,
    unknown_references,
)
from ringway.routing.router import Router
from ringway.routing.schemas import ContactCreate
from ringway.routing.schemas_reasons import (
    CategoryRead,
    ReasonBody,
    ReasonRead,
    RuleBody,
    RuleRead,
)
from ringway.shared.contracts.routing import (
    ContactReasonRemoved,
    ContactReasonSaved,
    RoutingRuleRemoved,
    RoutingRuleSaved,
)
from ringway.shared.web.problems import Conflict, NotFound, ProblemError


def _invalid(detail: str, **extensions: Any) -> ProblemError:
    return ProblemError(422, "Unprocessable request", detail, code="invalid-request",
                        **extensions)


async def _taxonomy(session: AsyncSession) -> dict[str, str]:
    """Reason code -> category."""
    rows = (await session.execute(select(tables.contact_reasons.c.code,
                                         tables.contact_reasons.c.category))).all()
    return {code: category for code, category in rows}


# ---- reasons -----------------------------------------------------------------------------

async def list_reasons(router: Router) -> list[ReasonRead]:
    """Every reason, by category then code."""
    async with router.uow() as uow:
        rows = (await uow.session.execute(select(tables.contact_reasons).order_by(
            tables.contact_reasons.c.category, tables.contact_reasons.c.code))).mappings().all()
    return [ReasonRead.model_validate(dict(row)) for row in rows]


async def categories(router: Router) -> list[CategoryRead]:
    """The taxonomy as category -> reason codes."""
    tree: dict[str, list[str]] = {}
    for reason in await list_reasons(router):
        tree.setdefault(reason.category, []).append(reason.code)
    return [CategoryRead(category=name, reasons=codes) for name, codes in tree.items()]


async def get_reason(router: Router, code: str) -> ReasonRead:
    """One reason, or 404."""
    async with router.uow() as uow:
        row = (await uow.session.execute(select(tables.contact_reasons).where(
            tables.contact_reasons.c.code == code))).mappings().first()
    if row is None:
        raise NotFound("reason", code)
    return ReasonRead.model_validate(dict(row))


async def put_reason(router: Router, code: str, body: ReasonBody,
                     changed_by: str | None = None) -> tuple[ReasonRead, bool]:
    """Create or change a reason (and emit `contact_reason.saved`); True when created."""
    now, table = datetime.now(UTC), tables.contact_reasons
    async with router.uow() as uow:
        known = await uow.session.scalar(select(table.c.code).where(table.c.code == code))
        if known is None:
            await uow.session.execute(insert(table).values(code=code, created_at=now,
                                                           updated_at=now, **body.model_dump()))
        else:
            await _check_category_change(uow.session, code, body.category)
            await uow.session.execute(update(table).where(table.c.code == code)
                                      .values(updated_at=now, **body.model_dump()))
        uow.publish(ContactReasonSaved(item=f"reason:{code}", code=code, category=body.category,
                                       label=body.label, created=known is None,
                                       changed_by=changed_by, changed_at=now))
    return await get_reason(router, code), known is None


async def _check_category_change(session: AsyncSession, code: str, category: str) -> None:
    taxonomy = await _taxonomy(session)
    taxonomy[code] = category
    for rule in await _rules(session):
        if rule.category is not None and rule.category not in set(taxonomy.values()):
            raise Conflict(f"rule {rule.id} routes category {rule.category!r}, which would be "
                           "left without reasons", code="in-use", kind="reason", id=code,
                           state="in_use")


async def delete_reason(router: Router, code: str, changed_by: str | None = None) -> None:
    """Remove a reason no rule names (`contact_reason.removed`); 404 if unknown, 409 in use."""
    async with router.uow() as uow:
        taxonomy = await _taxonomy(uow.session)
        if code not in taxonomy:
            raise NotFound("reason", code)
        category = taxonomy.pop(code)
        for rule in await _rules(uow.session):
            if rule.reason == code or (rule.category == category
                                       and category not in set(taxonomy.values())):
                raise Conflict(f"rule {rule.id} routes this reason", code="in-use",
                               kind="reason", id=code, state="in_use")
        await uow.session.execute(delete(tables.contact_reasons)
                                  .where(tables.contact_reasons.c.code == code))
        uow.publish(ContactReasonRemoved(item=f"reason:{code}", code=code, category=category,
                                         changed_by=changed_by, changed_at=datetime.now(UTC)))


async def category_of(router: Router, reason: str) -> str | None:
    """The category of a reason; 422 for a reason a configured taxonomy lacks."""
    async with router.uow() as uow:
        taxonomy = await _taxonomy(uow.session)
    if taxonomy and reason not in taxonomy:
        raise _invalid(f"unknown contact reason {reason!r}", invalid=[reason])
    return taxonomy.get(reason)


# ---- rules -------------------------------------------------------------------------------

def rule_of(rule_id: str, body: RuleBody) -> Rule:
    """The domain rule from its HTTP/stored form."""
    return Rule(rule_id, body.queue_id, position=body.position, priority=body.priority,
                reason=body.reason, category=body.category, channels=frozenset(body.channels),
                languages=frozenset(body.languages),
                attributes=tuple(sorted(body.attributes.items())))


async def _rule_rows(session: AsyncSession) -> list[Any]:
    return list((await session.execute(select(tables.routing_rules).order_by(
        tables.routing_rules.c.position, tables.routing_rules.c.id))).mappings().all())


async def _rules(session: AsyncSession) -> list[Rule]:
    return [rule_of(row["id"], RuleBody.model_validate(row["config"]))
            for row in await _rule_rows(session)]


def _rule_read(row: Any) -> RuleRead:
    return RuleRead(id=row["id"], created_at=row["created_at"], updated_at=row["updated_at"],
                    **RuleBody.model_validate(row["config"]).model_dump())


async def list_rules(router: Router) -> list[RuleRead]:
    """Every rule in the order they are tried."""
    async with router.uow() as uow:
        return [_rule_read(row) for row in await _rule_rows(uow.session)]


async def get_rule(router: Router, rule_id: str) -> RuleRead:
    """One rule, or 404."""
    async with router.uow() as uow:
        row = (await uow.session.execute(select(tables.routing_rules).where(
            tables.routing_rules.c.id == rule_id))).mappings().first()
    if row is None:
        raise NotFound("rule", rule_id)
    return _rule_read(row)


async def save_rule(router: Router, body: RuleBody, rule_id: str | None = None,
                    changed_by: str | None = None) -> RuleRead:
    """Create a rule (no id) or replace one (`routing_rule.saved`); unknown names are a 422."""
    now, table = datetime.now(UTC), tables.routing_rules
    values = {"position": body.position, "config": body.model_dump(mode="json"),
              "updated_at": now}
    async with router.uow() as uow:
        bad = unknown_references(rule_of("new", body), await _taxonomy(uow.session))
        if bad:
            raise _invalid(f"unknown {', '.join(bad)}", invalid=bad)
        created = rule_id is None
        if rule_id is None:
            rule_id = str(ULID())
            await uow.session.execute(insert(table).values(id=rule_id, created_at=now, **values))
        else:
            done = await uow.session.execute(update(table).where(table.c.id == rule_id)
                                             .values(**values))
            if done.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound("rule", rule_id)
        uow.publish(RoutingRuleSaved(item=f"rule:{rule_id}", rule_id=rule_id,
                                     created=created, changed_by=changed_by, changed_at=now,
                                     **body.model_dump()))
    return await get_rule(router, rule_id)


async def delete_rule(router: Router, rule_id: str, changed_by: str | None = None) -> None:
    """Remove a rule (`routing_rule.removed`), or 404."""
    async with router.uow() as uow:
        done = await uow.session.execute(delete(tables.routing_rules)
                                         .where(tables.routing_rules.c.id == rule_id))
        if done.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound("rule", rule_id)
        uow.publish(RoutingRuleRemoved(item=f"rule:{rule_id}", rule_id=rule_id,
                                       changed_by=changed_by, changed_at=datetime.now(UTC)))


# ---- routing a new contact ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Routed:
    """Where a new contact goes and why."""

    queue_id: str
    priority: int
    category: str | None = None
    rule_id: str | None = None
    repeat: bool = False


async def route(router: Router, body: ContactCreate, policy: RepeatPolicy) -> Routed:
    """The queue and priority of a new contact: its own, else the first matching rule."""
    if body.queue_id is not None and body.reason is None and body.customer_id is None:
        return Routed(body.queue_id, body.priority)  # nothing to look up: no extra read
    async with router.uow() as uow:
        return await route_in(uow.session, body, policy, router.clock())


async def route_in(session: AsyncSession, body: ContactCreate, policy: RepeatPolicy,
                   now: float, *, fallback: str | None = None) -> Routed:
    """Route within a transaction; with a `fallback` queue, nothing is refused (events)."""
    taxonomy = await _taxonomy(session)
    if (fallback is None and body.reason is not None and taxonomy
            and body.reason not in taxonomy):
        raise _invalid(f"unknown contact reason {body.reason!r}", invalid=[body.reason])
    category = taxonomy.get(body.reason) if body.reason is not None else None
    rule = None
    if body.queue_id is None:
        language = body.language or await _profile_language(session, body.customer_id)
        rule = choose_rule(await _rules(session), RouteRequest(
            body.channel, body.reason, category, language, body.attributes))
        if rule is None and fallback is None:
            raise _invalid("no queue given and no routing rule matches this contact")
    if body.customer_id is not None:  # only a known customer can repeat
        policy = await settings_store.repeat_policy(session, policy)
    repeat = await _is_repeat(session, body.customer_id, policy, now)
    base = body.priority
    if rule is not None and rule.priority is not None and "priority" not in body.model_fields_set:
        base = rule.priority
    queue_id = rule.queue_id if rule is not None else body.queue_id or fallback
    assert queue_id is not None
    return Routed(queue_id, policy.priority(base, repeat), category,
                  rule.id if rule else None, repeat)


async def _profile_language(session: AsyncSession, customer_id: str | None) -> str | None:
    """The registered customer's language (rules see it when the contact names none)."""
    if customer_id is None:
        return None
    language: str | None = await session.scalar(
        select(tables.customer_profiles.c.language)
        .where(tables.customer_profiles.c.customer_id == customer_id))
    return language


async def _is_repeat(session: AsyncSession, customer_id: str | None, policy: RepeatPolicy,
                     now: float) -> bool:
    if customer_id is None or policy.boost <= 0:
        return False
    since = datetime.fromtimestamp(now - policy.window_s, UTC)
    last = await session.scalar(select(tables.contacts.c.arrived_at).where(
        tables.contacts.c.customer_id == customer_id, tables.contacts.c.arrived_at >= since)
        .order_by(tables.contacts.c.arrived_at.desc()).limit(1))
    return policy.is_repeat(last.timestamp() if last is not None else None, now)
