"""Knowledge-base use cases: articles indexed for full-text search, categories, feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from ulid import ULID

from ringway.selfservice import domain, tables
from ringway.selfservice.domain import search
from ringway.selfservice.kb_schemas import KbCategoryCreate, KbCategoryRead, KbFeedback
from ringway.selfservice.schemas import KbArticleCreate, KbArticleRead
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.uow import UnitOfWork, UnitOfWorkFactory
from ringway.shared.web.problems import Conflict, NotFound

a, kt, kc = tables.kb_articles, tables.kb_terms, tables.kb_categories
# Candidate rows read per search: bounds the work a public query can cause.
MAX_MATCHES = 20_000


async def create_article(uow_factory: UnitOfWorkFactory, *, body: KbArticleCreate,
                         now: datetime) -> KbArticleRead:
    """Add an article and its index terms in one transaction."""
    article = KbArticleRead(
        id=str(ULID()), language=domain.normalize_language(body.language), title=body.title,
        body=body.body, category=body.category, created_at=now)
    index = search.document_terms(article.title, article.body, article.language)
    async with uow_factory() as uow:
        await uow.session.execute(insert(a).values(**article.model_dump()))
        if index:
            await uow.session.execute(insert(kt), [
                {"article_id": article.id, "term": term, "weight": weight}
                for term, weight in index.items()])
    return article


def _filters(language: str | None, category: str | None, reason: str | None) -> list[Any]:
    where: list[Any] = []
    if language is not None:
        where.append(a.c.language == domain.normalize_language(language))
    if category is not None:
        where.append(a.c.category == category)
    if reason is not None:
        where.append(a.c.category.in_(select(kc.c.code).where(kc.c.contact_reason == reason)))
    return where


async def search_articles(uow_factory: UnitOfWorkFactory, *, q: str | None,
                          language: str | None, category: str | None = None,
                          contact_reason: str | None = None, limit: int,
                          session_id: str | None = None, now: datetime) -> list[KbArticleRead]:
    """Best matches for `q` (stemmed per language), or the newest articles without one."""
    where = _filters(language, category, contact_reason)
    async with uow_factory() as uow:
        if domain.search_text(q) is None:
            ids = list((await uow.session.scalars(select(a.c.id).where(*where).order_by(
                a.c.created_at.desc(), a.c.id.desc()).limit(limit))).all())
        else:
            ids = await _ranked(uow, q or "", language, where, limit)
        found = await _articles(uow, ids)
        if session_id is not None:
            uow.publish(SelfServiceActionCompleted(
                session_id=session_id, action="kb_search",
                outcome="succeeded" if found else "failed", occurred_at=now))
    return found


async def _ranked(uow: UnitOfWork, q: str, language: str | None, where: list[Any],
                  limit: int) -> list[str]:
    languages = [language] if language else list(search.STEMMERS)
    wanted = search.query_terms(q, languages)
    if not wanted:
        return []
    matches = (await uow.session.execute(
        select(kt.c.article_id, kt.c.term, kt.c.weight).join(a, a.c.id == kt.c.article_id)
        .where(kt.c.term.in_(list(wanted)), *where).limit(MAX_MATCHES))).all()
    frequency: dict[str, int] = dict((await uow.session.execute(
        select(kt.c.term, func.count()).where(kt.c.term.in_(list(wanted)))
        .group_by(kt.c.term))).all())
    total = int(await uow.session.scalar(select(func.count()).select_from(a)) or 0)
    ranked = search.rank(((m.article_id, m.term, m.weight) for m in matches), wanted,
                         frequency, total)
    return [article_id for article_id, _ in ranked[:limit]]


async def _articles(uow: UnitOfWork, ids: list[str]) -> list[KbArticleRead]:
    if not ids:
        return []
    rows = (await uow.session.execute(select(a).where(a.c.id.in_(ids)))).mappings().all()
    by_id = {row["id"]: KbArticleRead.model_validate(dict(row)) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


async def get_article(uow_factory: UnitOfWorkFactory, *, article_id: str) -> KbArticleRead:
    """One article."""
    async with uow_factory() as uow:
        found = await _articles(uow, [article_id])
    if not found:
        raise NotFound("article", article_id)
    return found[0]


async def give_feedback(uow_factory: UnitOfWorkFactory, *, article_id: str, body: KbFeedback,
                        customer_id: str | None, session_id: str,
                        now: datetime) -> KbArticleRead:
    """Count a was-this-helpful answer."""
    column = a.c.helpful_yes if body.helpful else a.c.helpful_no
    async with uow_factory() as uow:
        result = await uow.session.execute(update(a).where(a.c.id == article_id)
                                           .values({column: column + 1}))
        if getattr(result, "rowcount", 0) != 1:
            raise NotFound("article", article_id)
        uow.publish(SelfServiceActionCompleted(
            customer_id=customer_id, session_id=session_id, action="kb_feedback",
            outcome="succeeded" if body.helpful else "failed", occurred_at=now))
        [article] = await _articles(uow, [article_id])
    return article


async def create_category(uow_factory: UnitOfWorkFactory, *,
                          body: KbCategoryCreate) -> KbCategoryRead:
    """Add a category tied to a contact reason."""
    try:
        async with uow_factory() as uow:
            await uow.session.execute(insert(kc).values(**body.model_dump()))
    except IntegrityError:
        raise Conflict(f"category {body.code!r} exists", code="category-exists") from None
    return KbCategoryRead(**body.model_dump())


async def list_categories(uow_factory: UnitOfWorkFactory) -> list[KbCategoryRead]:
    """Every category, by code."""
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(kc).order_by(kc.c.code))).mappings().all()
    return [KbCategoryRead.model_validate(dict(row)) for row in rows]
