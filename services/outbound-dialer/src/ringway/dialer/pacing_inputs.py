"""Gathering a pacing decision's inputs from the dialer's tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ringway.dialer import tables
from ringway.dialer.agents import pool
from ringway.dialer.blending import inbound_over_target, service_levels
from ringway.dialer.context import DialerContext
from ringway.dialer.domain.abandons import WindowRate, window_start
from ringway.dialer.domain.arrivals import RingProfile, ages_histogram, quantiles
from ringway.dialer.domain.blending import queues_below_target
from ringway.dialer.domain.compliance import Profile, Rules
from ringway.dialer.domain.hours import ZonedHours, parse_hours
from ringway.dialer.domain.pacing import PacingInputs
from ringway.dialer.domain.retries import Outcome
from ringway.dialer.schemas import CampaignRead
from ringway.shared.db.uow import UnitOfWork

LIVE = {Outcome.HUMAN, Outcome.CONNECTED, Outcome.MESSAGE_DELIVERED}
ANSWERED = {*LIVE, Outcome.ABANDONED}
ESTIMATE_SAMPLE = 500
DEFAULT_HANDLE_S = 210.0
DEFAULT_ANSWER_S = 10.0
AGENTLESS_LINES = 10


def rules_for(ctx: DialerContext, campaign: CampaignRead) -> Rules:
    """The campaign's profiles, calling window and schedule as domain rules."""
    s = campaign.settings
    schedule = (ZonedHours(parse_hours(s.schedule.hours), s.schedule.time_zone)
                if s.schedule else None)
    profiles = tuple(ctx.profiles[c] for c in s.compliance_profiles)
    return Rules(profiles, parse_hours(s.calling_window), schedule)


async def window_rates(uow: UnitOfWork, campaign: CampaignRead, profiles: tuple[Profile, ...],
                       now: datetime) -> list[WindowRate]:
    """Each profile's abandon rate on its own window, under the campaign's stricter cap."""
    rates = []
    for profile in profiles:
        since = window_start(profile.abandon_window, now)
        counts = await _answer_counts(uow, campaign.id, since)
        live = sum(counts.get(o.value, 0) for o in ANSWERED)
        fp = counts.get(Outcome.MACHINE.value, 0) * profile.amd_false_positive_rate
        cap = min(profile.abandon_cap, campaign.settings.abandon_cap or 1.0)
        rates.append(WindowRate(profile.code, since, live, counts.get("abandoned", 0),
                                counts.get(Outcome.MACHINE.value, 0), fp, cap))
    return rates


async def rolling_hour(uow: UnitOfWork, campaign_id: str, now: datetime) -> tuple[int, int]:
    """(live answers, abandons) over the last hour: the pacer holds it under the cap too."""
    counts = await _answer_counts(uow, campaign_id, now - timedelta(hours=1))
    live = sum(counts.get(o.value, 0) for o in ANSWERED)
    return live, counts.get(Outcome.ABANDONED.value, 0)


async def _answer_counts(uow: UnitOfWork, campaign_id: str, since: datetime) -> dict[str, int]:
    t = tables.attempts
    rows = await uow.session.execute(
        select(t.c.outcome, func.count()).where(
            t.c.campaign_id == campaign_id, t.c.answered_at >= since).group_by(t.c.outcome))
    return {str(outcome): int(n) for outcome, n in rows.all()}


@dataclass(frozen=True)
class InFlight:
    """Calls ringing (by whole seconds rung so far) and answers waiting for an agent."""

    ages: tuple[int, ...]
    answered_waiting: int

    @property
    def count(self) -> int:
        """Every call still in flight."""
        return sum(self.ages) + self.answered_waiting


async def in_flight(uow: UnitOfWork, campaign_id: str, now: datetime,
                    connect_limit_s: float) -> InFlight:
    """Calls ringing, or answered and still within the connect limit."""
    t = tables.attempts
    waiting_since = now - timedelta(seconds=connect_limit_s)
    rows = (await uow.session.execute(select(t.c.outcome, t.c.started_at).where(
        t.c.campaign_id == campaign_id,
        (t.c.outcome.is_(None)) | ((t.c.outcome == Outcome.HUMAN.value)
                                   & (t.c.answered_at >= waiting_since))))).all()
    ringing = [(now - _aware(r.started_at)).total_seconds() for r in rows if r.outcome is None]
    return InFlight(ages_histogram(ringing), len(rows) - len(ringing))


@dataclass(frozen=True)
class Estimates:
    """Live estimates from the campaign's recent calls."""

    answer_rate: float
    samples: int
    mean_answer_s: float
    mean_handle_s: float
    rings: RingProfile
    handles_s: tuple[float, ...] = ()


async def estimates(uow: UnitOfWork, campaign_id: str) -> Estimates:
    """Answer rate, ring times (by outcome) and handle time from the recent calls."""
    t = tables.attempts
    rows = (await uow.session.execute(
        select(t.c.outcome, t.c.ring_ms, t.c.answered_at, t.c.ended_at)
        .where(t.c.campaign_id == campaign_id, t.c.outcome.is_not(None))
        .order_by(t.c.started_at.desc()).limit(ESTIMATE_SAMPLE))).all()
    answered_outcomes = {o.value for o in ANSWERED}
    answered = [r for r in rows if r.outcome in answered_outcomes]
    rings = [r.ring_ms / 1000 for r in answered if r.ring_ms is not None]
    handles = [(r.ended_at - r.answered_at).total_seconds() for r in answered
               if r.outcome == Outcome.CONNECTED.value and r.ended_at and r.answered_at]
    profile = RingProfile.of([(r.ring_ms / 1000, r.outcome in answered_outcomes)
                              for r in rows if r.ring_ms is not None])
    return Estimates(len(answered) / len(rows) if rows else 0.0, len(rows),
                     _mean(rings, DEFAULT_ANSWER_S), _mean(handles, DEFAULT_HANDLE_S), profile,
                     tuple(handles))


async def recent_answers(uow: UnitOfWork, campaign_id: str, last: int = 100) -> tuple[int, int]:
    """(live answers, abandons) among the campaign's last `last` live answers: spike watch."""
    t = tables.attempts
    outcomes = list((await uow.session.execute(
        select(t.c.outcome).where(t.c.campaign_id == campaign_id,
                                  t.c.outcome.in_([o.value for o in ANSWERED]))
        .order_by(t.c.answered_at.desc()).limit(last))).scalars())
    return len(outcomes), outcomes.count(Outcome.ABANDONED.value)


def talk_samples(handles_s: tuple[float, ...], mean_wrap_s: float | None) -> tuple[float, ...]:
    """Observed talk times as quantiles: handle times (answer to completion) less the wrap-up."""
    wrap = mean_wrap_s or 0.0
    return quantiles(max(0.0, handle - wrap) for handle in handles_s)


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


async def gather(uow: UnitOfWork, campaign: CampaignRead, rules: Rules, now: datetime,
                 pace_factor: float) -> PacingInputs:
    """Every input of a pacing decision for `campaign` now."""
    agents = await pool(uow, campaign.queue_id, now)
    rates = await window_rates(uow, campaign, rules.profiles, now)
    estimate = await estimates(uow, campaign.id)
    connect_s = rules.connect_limit_ms / 1000
    flight = await in_flight(uow, campaign.id, now, connect_s)
    recent_live, recent_abandoned = await recent_answers(uow, campaign.id)
    s = campaign.settings
    levels = await service_levels(uow, now, s.blend_service_level_s,
                                  timedelta(minutes=s.blend_window_min))
    return PacingInputs(
        mode=campaign.dialing_mode, agents_logged_in=agents.logged_in,
        agents_ready=agents.ready, agents_busy=agents.busy,
        wrap_elapsed_s=tuple(agents.wrap_elapsed_s), mean_wrap_s=agents.mean_wrap_s,
        talk_elapsed_s=tuple(agents.talk_elapsed_s),
        talk_samples_s=talk_samples(estimate.handles_s, agents.mean_wrap_s),
        calls_in_flight=flight.count, in_flight_ages=flight.ages,
        answered_waiting=flight.answered_waiting, answer_rate=estimate.answer_rate,
        samples=estimate.samples, mean_handle_s=estimate.mean_handle_s,
        mean_answer_s=estimate.mean_answer_s, ring_calls=estimate.rings.calls,
        ring_humans=estimate.rings.humans, connect_limit_s=connect_s,
        abandon_cap=min((r.cap for r in rates), default=0.03),
        window_rates={r.profile: round(r.rate, 6) for r in rates},
        budget=min((r.budget for r in rates), default=0.0),
        live_in_window=min((r.live for r in rates), default=0),
        recent_live=recent_live, recent_abandoned=recent_abandoned, pace_factor=pace_factor,
        rolling_hour=await rolling_hour(uow, campaign.id, now),
        inbound_over_target=await inbound_over_target(
            uow, now, campaign.settings.blend_max_inbound_wait_s),
        inbound_below_service_level=tuple(queues_below_target(
            levels, s.blend_service_level_target, s.blend_queues)),
        inbound_service_levels={q.queue_id: round(q.level, 4) for q in levels},
        agentless_lines=AGENTLESS_LINES)


def _aware(value: datetime) -> datetime:
    # SQLite drops the offset of stored times; the dialer stores UTC only.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
