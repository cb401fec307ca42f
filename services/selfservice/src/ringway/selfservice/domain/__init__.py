"""Self-service rules: plain functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import phonenumbers

from ringway.shared.web.auth import Principal, Role

T = TypeVar("T")

MIN_PASSWORD_LENGTH = 10
MAX_EMAIL_LENGTH = 254
# Staff may read customers: agents only those of contacts they handle (checked against
# the projection of routing's events before the use case runs; see contact_access.py).
STAFF = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})
CONTACT_QUEUED = "queued"

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


class InvalidField(ValueError):
    """One input value breaks a rule; the message says which."""


class InvalidRegistration(ValueError):
    """Some registration fields are invalid: field name -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"invalid fields: {', '.join(sorted(errors))}")
        self.errors = errors


@dataclass(frozen=True)
class Registration:
    """Registration fields, normalized."""

    email: str
    phone: str | None
    country: str
    language: str


def normalize_email(raw: str) -> str:
    """The address trimmed and lower-cased, or InvalidField."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise InvalidField("not a valid e-mail address")
    return email


def normalize_country(raw: str) -> str:
    """An ISO 3166-1 alpha-2 code known to the phone-number metadata, upper-cased."""
    country = raw.strip().upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidField("not a known ISO 3166-1 alpha-2 country code")
    return country


def normalize_phone(raw: str, country: str) -> str:
    """The number in E.164; numbers without `+` are read as numbers of `country`."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        raise InvalidField("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidField(f"not a valid phone number (read with region {country})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_language(raw: str) -> str:
    """A BCP 47 language tag, lower-cased (tags are case-insensitive)."""
    language = raw.strip().lower()
    if not _LANGUAGE.match(language):
        raise InvalidField("not a BCP 47 language tag such as `en` or `pt-br`")
    return language


def check_password(password: str) -> None:
    """Raise InvalidField when the password is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField(f"must be at least {MIN_PASSWORD_LENGTH} characters")


def validate_registration(*, email: str, password: str, phone: str | None, country: str,
                          language: str) -> Registration:
    """Normalize the fields or raise InvalidRegistration naming every bad one."""
    errors: dict[str, str] = {}
    good_email = _check(errors, "email", normalize_email, email)
    good_country = _check(errors, "country", normalize_country, country)
    good_language = _check(errors, "language", normalize_language, language)
    _check(errors, "password", check_password, password)
    good_phone = None
    if phone is not None and good_country is not None:
        good_phone = _check(errors, "phone", normalize_phone, phone, good_country)
    if errors or good_email is None or good_country is None or good_language is None:
        raise InvalidRegistration(errors)
    return Registration(good_email, good_phone, good_country, good_language)


def _check(errors: dict[str, str], field: str, rule: Callable[..., T], *args: str) -> T | None:
    try:
        return rule(*args)
    except InvalidField as error:
        errors[field] = str(error)
        return None


def may_read_customer(principal: Principal, customer_id: str) -> bool:
    """Staff may read customers (agents further limited by contact); a customer only itself."""
    if principal.roles & STAFF:
        return True
    return Role.CUSTOMER in principal.roles and principal.customer_id == customer_id


def search_text(q: str | None) -> str | None:
    """The text to look for in articles; blank means no filter."""
    text = (q or "").strip()
    return text or None
