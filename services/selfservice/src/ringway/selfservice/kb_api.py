"""Knowledge-base routes: public reads, supervisor writes, feedback from any caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ringway.selfservice import kb_service
from ringway.selfservice.deps import Now, Supervisor, reject_card_data
from ringway.selfservice.kb_schemas import CATEGORY, KbCategoryCreate, KbCategoryRead, KbFeedback
from ringway.selfservice.schemas import LANGUAGE_TAG, KbArticleCreate, KbArticleRead
from ringway.shared.runtime import Runtime
from ringway.shared.web.auth import Principal, Role, public, require

router = APIRouter(tags=["knowledge base"], dependencies=[Depends(reject_card_data)])

Anyone = Annotated[Principal, Depends(require(*Role))]
Limit = Annotated[int, Query(ge=1, le=100, description="At most this many, best first.")]


@router.get("/kb/articles", response_model=list[KbArticleRead], dependencies=[Depends(public)])
async def search_articles(
    rt: Runtime, now: Now,
    q: Annotated[str | None, Query(max_length=200, description="Words to find, any form.")] = None,
    language: Annotated[str | None, Query(max_length=16, pattern=LANGUAGE_TAG)] = None,
    category: Annotated[str | None, Query(pattern=CATEGORY)] = None,
    contact_reason: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    session_id: Annotated[str | None, Query(min_length=1, max_length=64,
                                            description="Counts the search for "
                                            "self-service containment.")] = None,
    limit: Limit = 20,
) -> list[KbArticleRead]:
    """Search the knowledge base (public): stemmed in en/es/el/ar, best matches first."""
    return await kb_service.search_articles(rt.uow, q=q, language=language, category=category,
                                            contact_reason=contact_reason, limit=limit,
                                            session_id=session_id, now=now)


@router.get("/kb/articles/{article_id}", response_model=KbArticleRead,
            dependencies=[Depends(public)])
async def get_article(article_id: str, rt: Runtime) -> KbArticleRead:
    """One article (public)."""
    return await kb_service.get_article(rt.uow, article_id=article_id)


@router.post("/kb/articles", status_code=201, response_model=KbArticleRead)
async def create_article(body: KbArticleCreate, rt: Runtime, now: Now,
                         _: Supervisor) -> KbArticleRead:
    """Add a knowledge-base article."""
    return await kb_service.create_article(rt.uow, body=body, now=now)


@router.post("/kb/articles/{article_id}/feedback", response_model=KbArticleRead)
async def give_feedback(article_id: str, body: KbFeedback, rt: Runtime, now: Now,
                        principal: Anyone) -> KbArticleRead:
    """Was this article helpful? (the web front end sends it for anonymous readers)."""
    return await kb_service.give_feedback(rt.uow, article_id=article_id, body=body,
                                          customer_id=principal.customer_id,
                                          session_id=principal.subject, now=now)


@router.get("/kb/categories", response_model=list[KbCategoryRead],
            dependencies=[Depends(public)])
async def list_categories(rt: Runtime) -> list[KbCategoryRead]:
    """Categories and the contact reasons they answer (public)."""
    return await kb_service.list_categories(rt.uow)


@router.post("/kb/categories", status_code=201, response_model=KbCategoryRead)
async def create_category(body: KbCategoryCreate, rt: Runtime,
                          _: Supervisor) -> KbCategoryRead:
    """Add a category tied to a contact reason."""
    return await kb_service.create_category(rt.uow, body=body)
