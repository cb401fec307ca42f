"""Full-text search in English, Spanish, Greek and Arabic; categories; was-this-helpful."""
# ruff: noqa: RUF001 - Greek and Arabic test text is meant to look like Latin letters

from __future__ import annotations

from typing import Any

import pytest
from selfservice_harness import SelfService, assert_problem

from ringway.shared.web.auth import Role

ARABIC_TITLE = "كيف أدفع فاتورتي؟"
ARABIC_BODY = "يمكنك دفع الفواتير من صفحة الحساب باستخدام بطاقة محفوظة."
ARTICLES = [
    ("en", "Paying your invoices", "You can pay every invoice online.", "billing"),
    ("en", "Booking a repair visit", "Choose a slot that suits you.", "visits"),
    ("es", "Cómo pagar sus facturas", "Puede pagar la factura en línea.", "billing"),
    ("es", "Reservar una visita técnica", "Elija un horario disponible.", "visits"),
    ("el", "Πληρωμή λογαριασμών", "Μπορείτε να πληρώσετε τον λογαριασμό σας online.",
     "billing"),
    ("el", "Κράτηση επίσκεψης τεχνικού", "Επιλέξτε μια διαθέσιμη ώρα.", "visits"),
    ("ar", ARABIC_TITLE, ARABIC_BODY, "billing"),
    ("ar", "حجز زيارة فني", "اختر موعدا مناسبا للزيارة.", "visits"),
]


@pytest.fixture
async def kb(selfservice: SelfService) -> dict[str, dict[str, Any]]:
    """The articles in four languages, by title."""
    created = {}
    for language, title, body, category in ARTICLES:
        response = await selfservice.client.post(
            "/kb/articles", headers=selfservice.headers(Role.SUPERVISOR),
            json={"language": language, "title": title, "body": body, "category": category})
        assert response.status_code == 201, response.text
        created[title] = response.json()
    return created


async def search(selfservice: SelfService, q: str, **params: str) -> list[str]:
    """Titles found for `q` without credentials, best first."""
    response = await selfservice.client.get("/kb/articles", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [article["title"] for article in response.json()]


@pytest.mark.parametrize(("language", "query", "expected"), [
    ("en", "paid invoice", "Paying your invoices"),
    ("en", "BOOKED visits", "Booking a repair visit"),
    ("es", "facturación pagada", "Cómo pagar sus facturas"),
    ("es", "reserva visitas", "Reservar una visita técnica"),
    ("el", "πληρωμές λογαριασμός", "Πληρωμή λογαριασμών"),
    ("el", "ΚΡΑΤΗΣΕΙΣ", "Κράτηση επίσκεψης τεχνικού"),
    ("ar", "الفاتورة", ARABIC_TITLE),
    ("ar", "زيارات", "حجز زيارة فني"),
])
async def test_each_language_finds_other_forms_of_its_words(
        selfservice: SelfService, kb: dict[str, Any], language: str, query: str,
        expected: str) -> None:
    found = await search(selfservice, query, language=language)

    assert found[0] == expected


async def test_a_search_without_a_language_ranks_the_best_match_first(
        selfservice: SelfService, kb: dict[str, Any]) -> None:
    assert (await search(selfservice, "πληρωμή"))[0] == "Πληρωμή λογαριασμών"
    assert (await search(selfservice, "facturas"))[0] == "Cómo pagar sus facturas"
    assert await search(selfservice, "quantum chromodynamics") == []


async def test_right_to_left_text_comes_back_exactly_as_written(
        selfservice: SelfService, kb: dict[str, Any]) -> None:
    response = await selfservice.client.get("/kb/articles",
                                            params={"q": "فواتير", "language": "ar"})
    article = response.json()[0]

    assert (article["title"], article["body"]) == (ARABIC_TITLE, ARABIC_BODY)
    single = await selfservice.client.get(f"/kb/articles/{article['id']}")
    assert single.json()["body"] == ARABIC_BODY


async def test_categories_tie_articles_to_contact_reasons(
        selfservice: SelfService, kb: dict[str, Any]) -> None:
    created = await selfservice.client.post(
        "/kb/categories", headers=selfservice.headers(Role.SUPERVISOR),
        json={"code": "billing", "title": "Bills", "contact_reason": "billing-question"})
    twice = await selfservice.client.post(
        "/kb/categories", headers=selfservice.headers(Role.SUPERVISOR),
        json={"code": "billing", "title": "Bills"})

    assert created.status_code == 201
    assert_problem(twice, 409, "category-exists")
    listed = (await selfservice.client.get("/kb/categories")).json()
    assert listed == [{"code": "billing", "title": "Bills", "contact_reason": "billing-question"}]
    response = await selfservice.client.get(
        "/kb/articles", params={"contact_reason": "billing-question", "language": "es"})
    assert [a["title"] for a in response.json()] == ["Cómo pagar sus facturas"]


async def test_feedback_counts_helpful_answers_and_needs_a_caller(
        selfservice: SelfService, kb: dict[str, Any]) -> None:
    article = kb["Paying your invoices"]["id"]
    path = f"/kb/articles/{article}/feedback"
    as_customer = selfservice.customer("c1")

    await selfservice.client.post(path, json={"helpful": True}, headers=as_customer)
    await selfservice.client.post(path, json={"helpful": True}, headers=as_customer)
    last = await selfservice.client.post(path, json={"helpful": False}, headers=as_customer)
    anonymous = await selfservice.client.post(path, json={"helpful": True})
    missing = await selfservice.client.post("/kb/articles/nope/feedback", json={"helpful": True},
                                            headers=as_customer)

    assert (last.json()["helpful_yes"], last.json()["helpful_no"]) == (2, 1)
    assert_problem(anonymous, 401, "unauthorized")
    assert_problem(missing, 404, "not-found")


async def test_a_search_with_a_session_counts_as_a_self_service_action(
        selfservice: SelfService, kb: dict[str, Any]) -> None:
    await search(selfservice, "invoice", session_id="web-1")
    await search(selfservice, "zzzz", session_id="web-1")

    actions = await selfservice.wait_events("selfservice.action_completed", 2)
    assert [(a.data["action"], a.data["outcome"], a.data["customer_id"]) for a in actions] == [
        ("kb_search", "succeeded", None), ("kb_search", "failed", None)]
