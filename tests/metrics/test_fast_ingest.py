"""The fast decoder and the batch fold: what the pydantic models and handlers give, faster."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import pytest
from metrics_harness import DAY, Metrics, MetricsFactory, at, wrap
from test_batch_ingest import batch_router, deliveries, everything

from ringway.metrics import fastdecode
from ringway.shared.contracts.agents import AgentState, AgentStateChanged
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactAbandoned,
    ContactAccepted,
    ContactCompleted,
    ContactOffered,
    ContactQueued,
    ContactTransferred,
)
from ringway.shared.events.envelope import Envelope

QUEUED = ContactQueued(contact_id="c1", queue_id="q1", channel=Channel.CHAT, arrived_at=at(1),
                       reason="billing", priority=7, language="fr")


def raw(envelope: Envelope, **changes: Any) -> bytes:
    """The envelope's bytes with payload fields changed (None removes one)."""
    value = json.loads(envelope.to_bytes())
    for name, new in changes.items():
        value["data"].pop(name, None) if new is None else value["data"].__setitem__(name, new)
    return json.dumps(value).encode()


def test_the_fast_decoder_reads_what_the_models_carry_and_ignores_unknown_fields() -> None:
    cases = [
        (QUEUED, ("c1", "q1", "chat", at(1), "billing")),
        (ContactTransferred(contact_id="c1", from_agent_id="a1", queue_id="q2",
                            channel=Channel.VOICE, transferred_at=at(3), arrived_at=at(1)),
         ("c1", "q2", "voice", at(3), at(1), True)),
        (ContactAccepted(contact_id="c1", queue_id="q1", channel=Channel.EMAIL, agent_id="a1",
                         accepted_at=at(2), waited_ms=60_000),
         ("c1", "q1", "email", "a1", at(2), 60_000)),
        (ContactAbandoned(contact_id="c1", queue_id="q1", channel=Channel.VOICE,
                          abandoned_at=at(2), waited_ms=0), ("c1", "q1", "voice", at(2), 0)),
        (ContactCompleted(contact_id="c1", queue_id="q1", channel=Channel.VOICE, agent_id="a1",
                          completed_at=at(9), resolved=True, talk_ms=5, hold_ms=6,
                          wrap_up_ms=7, reason="billing"),
         ("q1", "voice", "a1", at(9), 5, 6, 7, True, "billing")),
        (AgentStateChanged(agent_id="a1", previous=AgentState.BUSY, state=AgentState.NOT_READY,
                           reason="break", changed_at=at(4)), ("a1", "not_ready", "break", at(4))),
    ]
    for data, expected in cases:
        envelope = wrap(data)
        head = fastdecode.head(raw(envelope, added_later={"x": [1]}))
        assert head is not None, data
        assert head.fields is not None, data
        assert (head.id, head.type, head.version) == (envelope.id, data.event_type, 1)
        fields = head.fields[:-1] if isinstance(data, ContactQueued) else head.fields
        assert fields == expected
    envelope = wrap(QUEUED)
    [*_, time] = fastdecode.head(envelope.to_bytes()).fields  # type: ignore[union-attr]
    assert time == envelope.time


@pytest.mark.parametrize("changes", [
    {"customer_id": "cu1"},  # first-contact resolution and containment need the models
    {"channel": "pigeon"}, {"queue_id": 7}, {"reason": ["billing"]}, {"contact_id": None},
    {"arrived_at": "2026-11-23T09:00:00"},  # naive: the models decide
    {"arrived_at": 1_700_000_000}, {"arrived_at": "2026-11-23"},
])
def test_the_fast_decoder_leaves_what_it_cannot_read_to_the_models(
        changes: dict[str, Any]) -> None:
    assert fastdecode.head(raw(wrap(QUEUED), **changes)) is None


@pytest.mark.parametrize("value", [b"{", b"[]", b'{"id": "x"}', b"\xff"])
def test_the_fast_decoder_leaves_malformed_envelopes_to_the_models(value: bytes) -> None:
    assert fastdecode.head(value) is None


def test_negative_or_non_integer_durations_take_the_model_path() -> None:
    accepted = wrap(ContactAccepted(contact_id="c1", queue_id="q1", channel=Channel.VOICE,
                                    agent_id="a1", accepted_at=at(2), waited_ms=5))
    for bad in (-1, 1.5, "5", True):
        assert fastdecode.head(raw(accepted, waited_ms=bad)) is None


def test_other_types_and_versions_give_only_the_envelope() -> None:
    offered = wrap(ContactOffered(contact_id="c1", queue_id="q1", channel=Channel.VOICE,
                                  agent_id="a1", offered_at=at(1), expires_at=at(2)))
    head = fastdecode.head(offered.to_bytes())
    assert head is not None
    assert (head.type, head.fields) == ("contact.offered", None)
    future = wrap(QUEUED).model_copy(update={"schemaversion": 2})
    head = fastdecode.head(future.to_bytes())
    assert head is not None
    assert (head.version, head.fields) == (2, None)


def busy_day(seed: int) -> list[Envelope]:
    """Contacts over queues, channels and intervals: answered, abandoned, transferred, with and
    without customers and reasons, agents changing state; delivered out of order."""
    rng = random.Random(seed)
    events: list[Envelope] = []
    for n in range(60):
        cid, queue = f"c{n}", rng.choice(("q1", "q2", "q3"))
        channel, agent = rng.choice((Channel.VOICE, Channel.CHAT)), rng.choice(("a1", "a2"))
        start, waited = at(rng.uniform(0, 50)), rng.choice((0, 4_000, 19_999, 20_000, 90_000))
        left = start + timedelta(milliseconds=waited)
        customer = rng.choice((None, "cu1", "cu2"))
        reason = rng.choice((None, "billing", "order"))
        events.append(wrap(ContactQueued(contact_id=cid, queue_id=queue, channel=channel,
                                         arrived_at=start, reason=reason, customer_id=customer)))
        if rng.random() < 0.2:
            events.append(wrap(ContactAbandoned(contact_id=cid, queue_id=queue, channel=channel,
                                                abandoned_at=left, waited_ms=waited)))
            continue
        if rng.random() < 0.3:
            queue = "q3" if queue != "q3" else "q1"
            events.append(wrap(ContactTransferred(
                contact_id=cid, from_agent_id=agent, queue_id=queue, channel=channel,
                transferred_at=left, arrived_at=start,
                to_agent_id=rng.choice((None, "a2")))))
            events.append(wrap(ContactQueued(contact_id=cid, queue_id=queue, channel=channel,
                                             arrived_at=start, reason=reason)))
        events.append(wrap(ContactAccepted(contact_id=cid, queue_id=queue, channel=channel,
                                           agent_id=agent, accepted_at=left, waited_ms=waited)))
        events.append(wrap(ContactCompleted(
            contact_id=cid, queue_id=queue, channel=channel, agent_id=agent,
            completed_at=left + timedelta(minutes=rng.uniform(1, 20)), talk_ms=rng.randrange(9**6),
            hold_ms=rng.randrange(9**4), wrap_up_ms=30_000, resolved=rng.random() < 0.5,
            reason=reason, customer_id=customer)))
        if rng.random() < 0.4:
            state = rng.choice(list(AgentState))
            events.append(wrap(AgentStateChanged(
                agent_id=agent, previous=AgentState.AVAILABLE, state=state, changed_at=start,
                reason="break" if state is AgentState.NOT_READY else None)))
    # Out of order: each event moved a few places (an agent's states and a contact's life too).
    order = sorted(range(len(events)), key=lambda i: i + rng.uniform(-6, 6))
    return [events[i] for i in order]


async def wallboard(metrics: Metrics) -> Any:
    body = (await metrics.get("/realtime")).json()
    return [{k: v for k, v in q.items() if k != "oldest_wait_s"} for q in body["queues"]], \
        body["agents_by_state"]


async def every_report(metrics: Metrics) -> Any:
    containment = (await metrics.get("/kpis/containment", **DAY)).json()
    return await everything(metrics), await wallboard(metrics), containment


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_batches_with_duplicates_give_every_kpi_of_one_event_at_a_time(
        metrics_factory: MetricsFactory, seed: int) -> None:
    events = busy_day(seed)
    reference, batched = await metrics_factory(), await metrics_factory()
    await reference.deliver(*events)
    router, rng = batch_router(batched), random.Random(seed)
    offset, done = 0, 0
    while done < len(events):  # batches of random sizes, each with some redeliveries
        size = rng.randrange(1, 40)
        batch = events[done:done + size]
        batch += rng.sample(events[:done + size], rng.randrange(0, 5))
        await router.handle_batch(deliveries(batch, first_offset=offset))
        offset, done = offset + len(batch), done + size
    assert router.handled == len(events)
    assert await every_report(batched) == await every_report(reference)
    intervals = (await everything(batched))["/kpis/intervals"]["items"]
    for kpi in ("offered", "answered", "abandoned", "transfers", "resolved", "handled"):
        assert sum(r[kpi] for r in intervals) > 0, kpi  # the comparison covers each of them
