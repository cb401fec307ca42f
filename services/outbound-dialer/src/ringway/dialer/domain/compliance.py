"""Compliance: jurisdiction profiles, several enforced at once, checked for every dial."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ringway.dialer.domain.hours import (
    InvalidHours,
    WeeklyHours,
    ZonedHours,
    next_open,
    parse_hours,
)
from ringway.dialer.domain.phones import Callee, valid_zone


class Suppression(StrEnum):
    """Why a number was not dialed; recorded with every suppression."""

    DO_NOT_CALL = "do_not_call"
    CAMPAIGN_DO_NOT_CALL = "campaign_do_not_call"
    ABANDON_COOLDOWN = "abandon_cooldown"
    REFUSAL_PAUSE = "refusal_pause"
    FREQUENCY_LIMIT = "frequency_limit"
    OUTSIDE_CALLING_HOURS = "outside_calling_hours"
    NO_CALLING_WINDOW = "no_calling_window"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"


class InvalidProfile(ValueError):
    """A compliance profile in configuration is malformed."""


@dataclass(frozen=True)
class AbandonWindow:
    """How abandon rates are counted: rolling `days`, or the calendar day in `zone`."""

    kind: str
    days: int = 30
    zone: str = "UTC"


@dataclass(frozen=True)
class Profile:
    """One jurisdiction's rules; hours apply to numbers of `regions` (all if empty)."""

    code: str
    regions: frozenset[str]
    hours: WeeklyHours
    abandon_cap: float
    abandon_window: AbandonWindow
    amd_false_positive_rate: float = 0.0
    connect_limit_ms: int = 2000
    min_ring_s: int = 15
    max_calls: int | None = None
    max_calls_days: int = 30
    refusal_pause_days: int | None = None
    abandon_redial_hours: int = 72

    def covers(self, region: str | None) -> bool:
        """True when this profile's calling hours apply to a number of `region`."""
        return not self.regions or region in self.regions


def parse_profile(code: str, spec: Mapping[str, Any]) -> Profile:
    """One profile from configuration data; raises InvalidProfile with the reason."""
    try:
        window = dict(spec.get("abandon_window", {"kind": "rolling", "days": 30}))
        profile = Profile(
            code=code, regions=frozenset(spec.get("regions", ())),
            hours=parse_hours(spec.get("hours", {"mon-sun": [["00:00", "24:00"]]}),
                              spec.get("closed_dates", ())),
            abandon_cap=float(spec["abandon_cap"]), abandon_window=AbandonWindow(**window),
            **{k: spec[k] for k in _OPTIONAL if k in spec})
    except (KeyError, TypeError, InvalidHours) as error:
        raise InvalidProfile(f"profile {code}: {error}") from None
    _check(profile)
    return profile


_OPTIONAL = ("amd_false_positive_rate", "connect_limit_ms", "min_ring_s", "max_calls",
             "max_calls_days", "refusal_pause_days", "abandon_redial_hours")


def _check(profile: Profile) -> None:
    window = profile.abandon_window
    if not 0 < profile.abandon_cap < 1:
        raise InvalidProfile(f"profile {profile.code}: abandon_cap must be in (0, 1)")
    if window.kind not in ("rolling", "calendar_day") or window.days < 1:
        raise InvalidProfile(f"profile {profile.code}: abandon_window kind rolling|calendar_day")
    if valid_zone(window.zone) is None:
        raise InvalidProfile(f"profile {profile.code}: unknown zone {window.zone!r}")


def parse_profiles(data: Mapping[str, Mapping[str, Any]]) -> dict[str, Profile]:
    """Every profile of a configuration document, by code."""
    return {code: parse_profile(code, spec) for code, spec in data.items()}


class PastOutcome(StrEnum):
    """What an earlier call to a number led to, as far as compliance cares."""

    CALLED = "called"
    ABANDONED = "abandoned"
    REFUSED = "refused"


@dataclass(frozen=True)
class PastCall:
    """An earlier call to the same number (any campaign)."""

    at: datetime
    outcome: PastOutcome = PastOutcome.CALLED


@dataclass(frozen=True)
class Verdict:
    """May this number be dialed now? If not, why, and from when it may be retried."""

    allowed: bool
    reason: Suppression | None = None
    detail: str = ""
    not_before: datetime | None = None

    @classmethod
    def deny(cls, reason: Suppression, detail: str,
             not_before: datetime | None = None) -> Verdict:
        """A refusal with its reason."""
        return cls(False, reason, detail, not_before)


ALLOW = Verdict(True)


@dataclass(frozen=True)
class Rules:
    """What one campaign enforces: its profiles, its calling window and its schedule."""

    profiles: tuple[Profile, ...]
    calling_window: WeeklyHours
    schedule: ZonedHours | None = None

    @property
    def connect_limit_ms(self) -> int:
        """The strictest connect limit of the profiles."""
        return min((p.connect_limit_ms for p in self.profiles), default=2000)

    @property
    def min_ring_s(self) -> int:
        """The longest minimum ring time of the profiles."""
        return max((p.min_ring_s for p in self.profiles), default=15)

    def hours_for(self, callee: Callee) -> list[ZonedHours]:
        """Every weekly-hours rule that applies to this callee, in each candidate zone."""
        applying = [self.calling_window] + [
            p.hours for p in self.profiles if p.covers(callee.region)]
        rules = [ZonedHours(h, zone) for zone in callee.zones for h in applying]
        return rules + ([self.schedule] if self.schedule else [])


def check_dial(rules: Rules, callee: Callee, history: Sequence[PastCall], *, now: datetime,
               do_not_call: str | None = None) -> Verdict:
    """The first rule that forbids dialing `callee` now, or ALLOW."""
    if do_not_call is not None:
        reason = (Suppression.DO_NOT_CALL if do_not_call == "global"
                  else Suppression.CAMPAIGN_DO_NOT_CALL)
        return Verdict.deny(reason, f"number is on the {do_not_call} do-not-call list")
    for check in (_abandon_cooldown, _refusal_pause, _frequency):
        verdict = check(rules.profiles, history, now)
        if not verdict.allowed:
            return verdict
    return _calling_hours(rules, callee, now)


def _abandon_cooldown(profiles: Iterable[Profile], history: Sequence[PastCall],
                      now: datetime) -> Verdict:
    hours = max((p.abandon_redial_hours for p in profiles), default=0)
    last = _last(history, PastOutcome.ABANDONED)
    if last is None or now >= last + timedelta(hours=hours):
        return ALLOW
    return Verdict.deny(Suppression.ABANDON_COOLDOWN,
                        f"abandoned call less than {hours} h ago", last + timedelta(hours=hours))


def _refusal_pause(profiles: Iterable[Profile], history: Sequence[PastCall],
                   now: datetime) -> Verdict:
    days = max((p.refusal_pause_days or 0 for p in profiles), default=0)
    last = _last(history, PastOutcome.REFUSED)
    if not days or last is None or now >= last + timedelta(days=days):
        return ALLOW
    return Verdict.deny(Suppression.REFUSAL_PAUSE, f"refused less than {days} days ago",
                        last + timedelta(days=days))


def _frequency(profiles: Iterable[Profile], history: Sequence[PastCall],
               now: datetime) -> Verdict:
    for profile in profiles:
        if profile.max_calls is None:
            continue
        span = timedelta(days=profile.max_calls_days)
        recent = sorted(c.at for c in history if c.at > now - span)
        if len(recent) >= profile.max_calls:
            # Allowed again once enough of the recent calls have left the window.
            free_at = recent[len(recent) - profile.max_calls] + span
            return Verdict.deny(Suppression.FREQUENCY_LIMIT,
                                f"{profile.code}: {profile.max_calls} calls in "
                                f"{profile.max_calls_days} days", free_at)
    return ALLOW


def _calling_hours(rules: Rules, callee: Callee, now: datetime) -> Verdict:
    if not callee.zones:
        return Verdict.deny(Suppression.UNKNOWN_TIME_ZONE,
                            "no time zone from the number or the address")
    opens = next_open(rules.hours_for(callee), now)
    if opens == now:
        return ALLOW
    if opens is None:
        return Verdict.deny(Suppression.NO_CALLING_WINDOW,
                            f"no common calling hours in zones {', '.join(callee.zones)}")
    return Verdict.deny(Suppression.OUTSIDE_CALLING_HOURS,
                        "outside calling hours in the called party's time zone", opens)


def _last(history: Sequence[PastCall], outcome: PastOutcome) -> datetime | None:
    return max((c.at for c in history if c.outcome is outcome), default=None)
