"""Phone numbers: E.164 normalization and the called party's time zones (libphonenumber data)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers import timezone as number_zones

UNKNOWN_ZONE = "Etc/Unknown"
MAX_INPUT = 40


class InvalidNumber(ValueError):
    """The input is not a dialable number; `reason` is machine-readable."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class Callee:
    """A normalized number with its country and candidate local time zones."""

    phone: str
    region: str | None
    zones: tuple[str, ...]


def normalize(raw: str | None, default_region: str | None = None) -> tuple[str, str | None]:
    """(E.164, ISO region) of `raw`; national formats need `default_region`."""
    number, region = _parse_with_region(raw, default_region)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), region


def parse_callee(raw: str | None, default_region: str | None = None, *,
                 address_zone: str | None = None, address_country: str | None = None) -> Callee:
    """A Callee from raw input, parsed once (list uploads parse millions)."""
    number, region = _parse_with_region(raw, default_region)
    phone = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if valid_zone(address_zone):
        return Callee(phone, region, (str(address_zone),))
    return Callee(phone, region, _narrow(_zones_of(number), address_country, region))


def _parse_with_region(raw: str | None,
                       default_region: str | None) -> tuple[phonenumbers.PhoneNumber, str | None]:
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("missing_phone", "no phone number")
    if len(text) > MAX_INPUT:
        raise InvalidNumber("unparseable_phone", f"longer than {MAX_INPUT} characters")
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as error:
        raise InvalidNumber("unparseable_phone", str(error)) from None
    # The region lookup is the costly part (+1 spans 25 countries): do it once.
    region = phonenumbers.region_code_for_number(number)
    if region is None or not phonenumbers.is_valid_number_for_region(number, region):
        raise InvalidNumber("invalid_phone", "not a valid number for its country")
    return number, region


def callable_phone(phone: str | None, default_region: str | None = None) -> str | None:
    """The number in E.164, or None if it cannot be dialled."""
    try:
        return normalize(phone, default_region)[0]
    except InvalidNumber:
        return None


def valid_zone(name: str | None) -> str | None:
    """`name` if it is an IANA zone this machine knows, else None."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zones_for(phone: str, *, region: str | None = None, address_zone: str | None = None,
              address_country: str | None = None) -> tuple[str, ...]:
    """Where the callee may be: the address's zone, else the number's, else the country's.

    Numbers that do not pin a place (mobiles, toll-free) map to many zones; then a
    single-zone address country narrows it. Callers must respect every zone returned.
    """
    explicit = valid_zone(address_zone)
    if explicit:
        return (explicit,)
    return _narrow(_number_zones(phone), address_country, region)


def _narrow(by_number: tuple[str, ...], address_country: str | None,
            region: str | None) -> tuple[str, ...]:
    if len(by_number) <= 1:
        return by_number or _country_zones(address_country or region)
    narrowed = _country_zones(address_country)
    return narrowed if len(narrowed) == 1 else by_number


def callee(phone: str, region: str | None, *, address_zone: str | None = None,
           address_country: str | None = None) -> Callee:
    """A Callee for an already-normalized number."""
    return Callee(phone, region, zones_for(phone, region=region, address_zone=address_zone,
                                           address_country=address_country))


@lru_cache(maxsize=65536)
def _number_zones(phone: str) -> tuple[str, ...]:
    try:
        number = phonenumbers.parse(phone, None)
    except NumberParseException:
        return ()
    return _zones_of(number)


def _zones_of(number: phonenumbers.PhoneNumber) -> tuple[str, ...]:
    # The prefix lookup alone: numbers that name no place fall back to the country's zones,
    # as time_zones_for_number would after a costly number-type check.
    return _known_zones(tuple(number_zones.time_zones_for_geographical_number(number)))


@lru_cache(maxsize=4096)
def _known_zones(zones: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(z for z in zones if z != UNKNOWN_ZONE and valid_zone(z))


@lru_cache(maxsize=512)
def _country_zones(country: str | None) -> tuple[str, ...]:
    if not country:
        return ()
    example = phonenumbers.example_number(country.upper())
    if example is None:
        return ()
    zones = number_zones._country_level_time_zones_for_number(example)
    return tuple(z for z in zones if z != UNKNOWN_ZONE and valid_zone(z))
