"""Verified tokens are remembered for speed, never beyond their lifetime or a bounded count."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from ringway.shared.web import auth
from ringway.shared.web.auth import Authenticator, Role
from ringway.shared.web.problems import ProblemError

SECRET = "auth-cache-test-secret-0123456789abcdef"


def test_a_token_verified_before_is_refused_once_it_expired() -> None:
    authenticator = Authenticator(SECRET)
    token = authenticator.mint("s1", {Role.CUSTOMER}, customer_id="c1",
                               ttl=timedelta(seconds=1))
    assert authenticator.verify_token(token).customer_id == "c1"
    time.sleep(1.1)
    with pytest.raises(ProblemError) as refused:
        authenticator.verify_token(token)
    assert refused.value.status == 401


def test_a_token_verified_by_one_secret_is_not_accepted_under_another() -> None:
    token = Authenticator(SECRET).mint("s1", {Role.AGENT})
    assert Authenticator(SECRET).verify_token(token).subject == "s1"
    with pytest.raises(ProblemError):
        Authenticator(SECRET + "-rotated").verify_token(token)


def test_the_verified_tokens_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "VERIFIED_CACHE_SIZE", 3)
    authenticator = Authenticator(SECRET)
    tokens = [authenticator.mint(f"s{n}", {Role.AGENT}) for n in range(5)]
    principals = [authenticator.verify_token(token) for token in tokens]
    assert [p.subject for p in principals] == ["s0", "s1", "s2", "s3", "s4"]
    assert len(authenticator._verified) == 3  # the bound is the behaviour
    assert authenticator.verify_token(tokens[0]).subject == "s0"  # evicted, verified again
