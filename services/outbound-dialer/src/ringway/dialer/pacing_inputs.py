"""Gathering a pacing decision's inputs from the dialer's tables."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ringway.dialer import tables
from ringway.dialer.blending import inbound_over_target
from ringway.dialer.context import DialerContext
from ringway.dialer.domain.abandons import WindowRate, window_start
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


async def _answer_counts(uow: UnitOfWork, campaign_id: str, since: datetime) -> dict[str, int]:
    t = tables.attempts
    rows = await uow.session.execute(
        select(t.c.outcome, func.count()).where(
            t.c.campaign_id == campaign_id, t.c.answered_at >= since).group_by(t.c.outcome))
    return {str(outcome): int(n) for outcome, n in rows.all()}


async def agent_counts(uow: UnitOfWork) -> tuple[int, int, int]:
    """(logged in, ready, busy) among the agents routing reports."""
    t = tables.agent_states
    result = await uow.session.execute(select(t.c.state, func.count()).group_by(t.c.state))
    rows: dict[str, int] = {str(state): int(n) for state, n in result.all()}
    busy = sum(rows.get(s, 0) for s in ("busy", "wrap_up", "reserved"))
    logged_in = sum(n for s, n in rows.items() if s != "offline")
    return logged_in, rows.get("available", 0), busy


async def in_flight(uow: UnitOfWork, campaign_id: str, now: datetime,
                    connect_limit_s: float) -> int:
    """Calls ringing, or answered and still within the connect limit."""
    t = tables.attempts
    waiting_since = now - timedelta(seconds=connect_limit_s)
    count = await uow.session.scalar(select(func.count()).select_from(t).where(
        t.c.campaign_id == campaign_id,
        (t.c.outcome.is_(None)) | ((t.c.outcome == Outcome.HUMAN.value)
                                   & (t.c.answered_at >= waiting_since))))
    return int(count or 0)


async def estimates(uow: UnitOfWork, campaign_id: str) -> tuple[float, int, float, float]:
    """(answer rate, samples, mean seconds to answer, mean handle seconds) from recent calls."""
    t = tables.attempts
    rows = (await uow.session.execute(
        select(t.c.outcome, t.c.ring_ms, t.c.answered_at, t.c.ended_at)
        .where(t.c.campaign_id == campaign_id, t.c.outcome.is_not(None))
        .order_by(t.c.started_at.desc()).limit(ESTIMATE_SAMPLE))).all()
    answered = [r for r in rows if r.outcome in {o.value for o in ANSWERED}]
    rings = [r.ring_ms / 1000 for r in answered if r.ring_ms is not None]
    handles = [(r.ended_at - r.answered_at).total_seconds() for r in answered
               if r.outcome == Outcome.CONNECTED.value and r.ended_at and r.answered_at]
    rate = len(answered) / len(rows) if rows else 0.0
    return (rate, len(rows), _mean(rings, DEFAULT_ANSWER_S), _mean(handles, DEFAULT_HANDLE_S))


async def recent_answers(uow: UnitOfWork, campaign_id: str, last: int = 100) -> tuple[int, int]:
    """(live answers, abandons) among the campaign's last `last` live answers: spike watch."""
    t = tables.attempts
    outcomes = list((await uow.session.execute(
        select(t.c.outcome).where(t.c.campaign_id == campaign_id,
                                  t.c.outcome.in_([o.value for o in ANSWERED]))
        .order_by(t.c.answered_at.desc()).limit(last))).scalars())
    return len(outcomes), outcomes.count(Outcome.ABANDONED.value)


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


async def gather(uow: UnitOfWork, campaign: CampaignRead, rules: Rules, now: datetime,
                 pace_factor: float) -> PacingInputs:
    """Every input of a pacing decision for `campaign` now."""
    logged_in, ready, busy = await agent_counts(uow)
    rates = await window_rates(uow, campaign, rules.profiles, now)
    answer_rate, samples, answer_s, handle_s = await estimates(uow, campaign.id)
    connect_s = rules.connect_limit_ms / 1000
    recent_live, recent_abandoned = await recent_answers(uow, campaign.id)
    return PacingInputs(
        mode=campaign.dialing_mode, agents_logged_in=logged_in, agents_ready=ready,
        agents_busy=busy, calls_in_flight=await in_flight(uow, campaign.id, now, connect_s),
        answer_rate=answer_rate, samples=samples, mean_handle_s=handle_s,
        mean_answer_s=answer_s, connect_limit_s=connect_s,
        abandon_cap=min((r.cap for r in rates), default=0.03),
        window_rates={r.profile: round(r.rate, 6) for r in rates},
        budget=min((r.budget for r in rates), default=0.0),
        live_in_window=min((r.live for r in rates), default=0),
        recent_live=recent_live, recent_abandoned=recent_abandoned, pace_factor=pace_factor,
        inbound_over_target=await inbound_over_target(
            uow, now, campaign.settings.blend_max_inbound_wait_s),
        agentless_lines=AGENTLESS_LINES)
