"""Self-service rules, without a database or a bus."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringway.selfservice import domain
from ringway.selfservice.domain import access
from ringway.shared.web.auth import Principal, Role


@pytest.mark.parametrize(("raw", "country", "e164"), [
    ("(415) 555-0100", "US", "+14155550100"),
    ("415.555.0100", "US", "+14155550100"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("+44 20 7946 0958", "US", "+442079460958"),
    ("030 901820", "DE", "+4930901820"),
])
def test_phone_numbers_become_e164_read_with_the_country_as_region(
        raw: str, country: str, e164: str) -> None:
    assert domain.normalize_phone(raw, country) == e164


@pytest.mark.parametrize("raw", ["12345", "", "phone", "+1 415 555 01000000", "020 7946 0958"])
def test_impossible_phone_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(domain.InvalidField):
        domain.normalize_phone(raw, "US")


def test_email_is_trimmed_and_lower_cased() -> None:
    assert domain.normalize_email("  Ana.Souza+news@Example.COM ") == "ana.souza+news@example.com"


@pytest.mark.parametrize("raw", ["ana", "ana@", "@example.com", "ana@example", "a b@example.com",
                                 "ana@exa mple.com", "ana@@example.com", "a@-example.com",
                                 f"{'a' * 65}@example.com"])
def test_malformed_email_is_rejected(raw: str) -> None:
    with pytest.raises(domain.InvalidField):
        domain.normalize_email(raw)


def test_country_and_language_are_normalized() -> None:
    assert domain.normalize_country(" us") == "US"
    assert domain.normalize_language("pt-BR") == "pt-br"
    with pytest.raises(domain.InvalidField):
        domain.normalize_country("ZZ")
    with pytest.raises(domain.InvalidField):
        domain.normalize_language("en_US")


def test_registration_names_every_invalid_field() -> None:
    with pytest.raises(domain.InvalidRegistration) as raised:
        domain.validate_registration(email="x", password="short", phone="1", country="US",
                                     language="en")
    assert set(raised.value.errors) == {"email", "password", "phone"}
    assert "short" not in str(raised.value)


def test_a_phone_is_not_judged_against_an_unknown_country() -> None:
    with pytest.raises(domain.InvalidRegistration) as raised:
        domain.validate_registration(email="a@example.com", password="x" * 10,
                                     phone="(415) 555-0100", country="ZZ", language="en")
    assert set(raised.value.errors) == {"country"}


def test_a_valid_registration_is_normalized() -> None:
    registration = domain.validate_registration(
        email="A@Example.com", password="x" * domain.MIN_PASSWORD_LENGTH, phone=None,
        country="gb", language="EN")
    assert registration == domain.Registration("a@example.com", None, "GB", "en")


def principal(*roles: Role, customer_id: str | None = None) -> Principal:
    """A caller with roles."""
    return Principal("someone", frozenset(roles), customer_id)


@pytest.mark.parametrize(("caller", "allowed"), [
    (principal(Role.CUSTOMER, customer_id="c1"), True),
    (principal(Role.CUSTOMER, customer_id="c2"), False),
    (principal(Role.CUSTOMER), False),
    (principal(Role.AGENT), True),
    (principal(Role.SUPERVISOR), True),
    (principal(Role.ADMIN), True),
    (principal(Role.INTEGRATION, customer_id="c1"), False),
])
def test_who_may_read_customer_c1(caller: Principal, allowed: bool) -> None:
    assert domain.may_read_customer(caller, "c1") is allowed


def test_blank_search_text_means_no_filter() -> None:
    assert domain.search_text(None) is None
    assert domain.search_text("   ") is None
    assert domain.search_text(" Reset ") == "Reset"


@pytest.mark.parametrize(("caller", "limited"), [
    (principal(Role.AGENT), True),
    (principal(Role.AGENT, Role.SUPERVISOR), False),
    (principal(Role.AGENT, Role.ADMIN), False),
    (principal(Role.SUPERVISOR), False),
    (principal(Role.CUSTOMER, customer_id="c1"), False),
])
def test_only_plain_agents_are_limited_to_customers_of_their_contacts(
        caller: Principal, limited: bool) -> None:
    assert access.limited_to_handled_contacts(caller) is limited


def test_an_agents_access_ends_a_grace_after_the_contact_left_it() -> None:
    ended = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert access.access_ends(ended) == datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
