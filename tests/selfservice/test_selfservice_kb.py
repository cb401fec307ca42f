"""The knowledge base: anyone reads and searches it; only supervisors write it."""

from __future__ import annotations

from typing import Any

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role

ARTICLES = [
    {"language": "en", "title": "Reset your password", "body": "Open Settings.",
     "category": "account"},
    {"language": "en", "title": "Billing cycles", "body": "Your PASSWORD is never on a bill."},
    {"language": "es", "title": "Restablecer la contraseña", "body": "Abra Ajustes."},
    {"language": "en", "title": "100% uptime?", "body": "We aim high."},
]


@pytest.fixture
async def articles(selfservice: SelfService) -> list[dict[str, Any]]:
    """The sample articles, created by a supervisor."""
    created = []
    for article in ARTICLES:
        response = await selfservice.client.post("/kb/articles", json=article,
                                                 headers=selfservice.headers(Role.SUPERVISOR))
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


async def titles(selfservice: SelfService, **params: str) -> list[str]:
    """Titles of the articles a search without credentials returns."""
    response = await selfservice.client.get("/kb/articles", params=params)
    assert response.status_code == 200, response.text
    return sorted(article["title"] for article in response.json())


async def test_anyone_lists_the_knowledge_base_without_credentials(
        selfservice: SelfService, articles: list[dict[str, Any]]) -> None:
    response = await selfservice.client.get("/kb/articles")

    assert response.status_code == 200
    assert {a["id"] for a in response.json()} == {a["id"] for a in articles}


async def test_search_matches_title_or_body_in_any_case(
        selfservice: SelfService, articles: list[dict[str, Any]]) -> None:
    assert await titles(selfservice, q="password") == ["Billing cycles", "Reset your password"]
    assert await titles(selfservice, q="  SETTINGS ") == ["Reset your password"]
    assert await titles(selfservice, q="nothing like this") == []


async def test_search_filters_by_language(selfservice: SelfService,
                                          articles: list[dict[str, Any]]) -> None:
    assert await titles(selfservice, language="es") == ["Restablecer la contraseña"]
    assert await titles(selfservice, q="password", language="EN") == [
        "Billing cycles", "Reset your password"]


async def test_search_text_is_words_not_a_pattern(selfservice: SelfService,
                                                  articles: list[dict[str, Any]]) -> None:
    assert await titles(selfservice, q="%") == []
    assert await titles(selfservice, q="_") == []
    assert await titles(selfservice, q="100%") == ["100% uptime?"]


async def test_a_bad_language_filter_is_a_422_problem(selfservice: SelfService) -> None:
    response = await selfservice.client.get("/kb/articles", params={"language": "en_US!"})

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["query", "language"]


async def test_writing_an_article_without_credentials_is_401(selfservice: SelfService) -> None:
    response = await selfservice.client.post("/kb/articles", json=ARTICLES[0])

    assert_problem(response, 401, "unauthorized")
    assert await titles(selfservice) == []


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT, Role.INTEGRATION])
async def test_only_supervisors_write_articles(selfservice: SelfService, role: Role) -> None:
    response = await selfservice.client.post("/kb/articles", json=ARTICLES[0],
                                             headers=selfservice.headers(role, customer_id="c"))

    assert_problem(response, 403, "forbidden")
    assert await titles(selfservice) == []


async def test_a_created_article_is_returned_with_its_language_normalized(
        selfservice: SelfService) -> None:
    response = await selfservice.client.post(
        "/kb/articles", json={**ARTICLES[0], "language": "PT-BR"},
        headers=selfservice.headers(Role.SUPERVISOR))

    assert response.status_code == 201
    assert response.json()["language"] == "pt-br"
    assert response.json()["category"] == "account"
    assert await titles(selfservice, language="pt-BR") == ["Reset your password"]
