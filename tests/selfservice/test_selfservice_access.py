"""Customers log in with argon2id passwords, refresh and log out; guessing gets locked out."""

from __future__ import annotations

from typing import Any

import httpx
from selfservice_harness import PASSWORD, SelfService, assert_problem
from sqlalchemy import select

from ringway.selfservice import tables
from ringway.shared.web.auth import Role


async def login(selfservice: SelfService, password: str = PASSWORD,
                email: str = "ana@example.com") -> httpx.Response:
    """POST /auth/login without credentials."""
    return await selfservice.client.post("/auth/login",
                                         json={"email": email, "password": password})


async def logged_in(selfservice: SelfService) -> dict[str, Any]:
    """Register Ana and log her in; the token pair."""
    await selfservice.register()
    response = await login(selfservice)
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def bearer(pair: dict[str, Any]) -> dict[str, str]:
    """Headers carrying the pair's access token."""
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def refresh(selfservice: SelfService, token: str) -> httpx.Response:
    """POST /auth/refresh with a refresh token."""
    return await selfservice.client.post("/auth/refresh", json={"refresh_token": token})


async def test_a_customer_logs_in_and_the_access_token_reads_only_its_own_profile(
        selfservice: SelfService) -> None:
    other = await selfservice.register("bo@example.com")
    pair = await logged_in(selfservice)

    own = await selfservice.client.get(f"/customers/{pair['customer_id']}", headers=bearer(pair))
    foreign = await selfservice.client.get(f"/customers/{other['id']}", headers=bearer(pair))

    assert own.status_code == 200, own.text
    assert own.json()["email"] == "ana@example.com"
    assert_problem(foreign, 404, "not-found")
    assert pair["token_type"] == "Bearer"
    assert 0 < pair["expires_in"] <= 15 * 60
    claims = selfservice.authenticator.verify_token(pair["access_token"])
    assert claims.roles == frozenset({Role.CUSTOMER})
    assert claims.customer_id == pair["customer_id"]


async def test_only_the_refresh_token_digest_is_stored(selfservice: SelfService) -> None:
    pair = await logged_in(selfservice)

    async with selfservice.runtime.db.session() as session:
        stored = list((await session.scalars(select(tables.refresh_tokens.c.token_hash))).all())

    assert len(stored) == 1
    assert pair["refresh_token"] not in stored
    assert len(stored[0]) == 64


async def test_a_wrong_password_and_an_unknown_email_get_the_same_401(
        selfservice: SelfService) -> None:
    await selfservice.register()

    wrong = await login(selfservice, "not the password at all")
    unknown = await login(selfservice, PASSWORD, email="nobody@example.com")

    assert assert_problem(wrong, 401, "invalid-credentials")["detail"] == assert_problem(
        unknown, 401, "invalid-credentials")["detail"]


async def test_five_failures_lock_the_account_even_for_the_right_password(
        selfservice: SelfService) -> None:
    await selfservice.register()
    for _ in range(5):
        assert_problem(await login(selfservice, "guess guess guess"), 401, "invalid-credentials")

    locked = await login(selfservice)

    body = assert_problem(locked, 429, "login-locked")
    assert locked.headers["Retry-After"] == "30"
    assert body["retry_after_s"] == 30
    selfservice.clock.advance(seconds=31)
    assert (await login(selfservice)).status_code == 200


async def test_the_lock_doubles_with_each_further_failure_and_success_resets_it(
        selfservice: SelfService) -> None:
    await selfservice.register()
    for _ in range(5):
        await login(selfservice, "guess guess guess")
    selfservice.clock.advance(seconds=31)

    await login(selfservice, "one more guess")  # the sixth failure

    assert (await login(selfservice)).headers["Retry-After"] == "60"
    selfservice.clock.advance(seconds=61)
    assert (await login(selfservice)).status_code == 200
    assert_problem(await login(selfservice, "a fresh mistake"), 401, "invalid-credentials")
    assert (await login(selfservice)).status_code == 200


async def test_refresh_rotates_the_token_and_the_old_one_stops_working(
        selfservice: SelfService) -> None:
    pair = await logged_in(selfservice)

    renewed = await refresh(selfservice, pair["refresh_token"])
    again = await refresh(selfservice, pair["refresh_token"])

    assert renewed.status_code == 200, renewed.text
    new_pair = renewed.json()
    assert new_pair["refresh_token"] != pair["refresh_token"]
    assert new_pair["customer_id"] == pair["customer_id"]
    assert_problem(again, 401, "invalid-refresh-token")
    # Reusing a rotated token looks like theft: the whole session is revoked.
    assert_problem(await refresh(selfservice, new_pair["refresh_token"]), 401,
                   "invalid-refresh-token")


async def test_an_expired_refresh_token_is_refused(selfservice: SelfService) -> None:
    pair = await logged_in(selfservice)
    selfservice.clock.advance(days=15)

    assert_problem(await refresh(selfservice, pair["refresh_token"]), 401,
                   "invalid-refresh-token")


async def test_logout_revokes_this_session_and_everywhere_revokes_all(
        selfservice: SelfService) -> None:
    first = await logged_in(selfservice)
    second = (await login(selfservice)).json()
    third = (await login(selfservice)).json()

    out = await selfservice.client.post("/auth/logout", headers=bearer(first))
    assert out.status_code == 204, out.text
    assert_problem(await refresh(selfservice, first["refresh_token"]), 401,
                   "invalid-refresh-token")
    assert (await refresh(selfservice, second["refresh_token"])).status_code == 200

    everywhere = await selfservice.client.post("/auth/logout", json={"everywhere": True},
                                               headers=bearer(third))
    assert everywhere.status_code == 204
    assert_problem(await refresh(selfservice, third["refresh_token"]), 401,
                   "invalid-refresh-token")


async def test_login_and_logout_are_self_service_actions_without_personal_data(
        selfservice: SelfService) -> None:
    pair = await logged_in(selfservice)
    await selfservice.client.post("/auth/logout", headers=bearer(pair))

    actions = await selfservice.wait_events("selfservice.action_completed", 3)

    assert [a.data["action"] for a in actions] == ["register", "login", "logout"]
    assert actions[1].data["session_id"] == actions[2].data["session_id"]
    for envelope in actions:
        assert "ana@example.com" not in envelope.model_dump_json()


async def test_staff_reads_are_audited_with_who_and_what(selfservice: SelfService) -> None:
    customer = await selfservice.register()
    await selfservice.handled_by("tester", customer["id"], "01CONTACT00000000000000001")
    await selfservice.client.get(f"/customers/{customer['id']}",
                                 headers=selfservice.headers(Role.AGENT))

    response = await selfservice.client.get("/audit", params={"customer_id": customer["id"]},
                                            headers=selfservice.admin())

    [entry] = response.json()
    assert (entry["actor"], entry["roles"]) == ("tester", "agent")
    assert (entry["action"], entry["resource"], entry["resource_id"]) == (
        "read", "customer", customer["id"])
    forbidden = await selfservice.client.get("/audit", headers=selfservice.customer("x"))
    assert_problem(forbidden, 403, "forbidden")


async def test_an_integration_key_works_only_within_its_scopes_and_until_revoked(
        selfservice: SelfService) -> None:
    customer = await selfservice.register()
    created = await selfservice.client.post(
        "/integration-keys", json={"name": "billing-eu", "scopes": ["billing:write"]},
        headers=selfservice.admin())
    assert created.status_code == 201, created.text
    key = created.json()
    as_key = {"X-API-Key": key["token"]}
    invoice = {"amount_cents": 100, "description": "x"}

    allowed = await selfservice.client.post(f"/customers/{customer['id']}/invoices",
                                            json=invoice, headers=as_key)
    outside_scope = await selfservice.client.get(f"/customers/{customer['id']}", headers=as_key)
    await selfservice.client.delete(f"/integration-keys/{key['id']}", headers=selfservice.admin())
    revoked = await selfservice.client.post(f"/customers/{customer['id']}/invoices",
                                            json=invoice, headers=as_key)

    assert allowed.status_code == 201, allowed.text
    assert_problem(outside_scope, 403, "forbidden")
    assert_problem(revoked, 401, "unauthorized")
    listed = await selfservice.client.post("/integration-keys", json={"name": "x", "scopes": []},
                                           headers=selfservice.admin())
    assert_problem(listed, 422, "validation-error")
