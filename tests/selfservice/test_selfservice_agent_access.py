"""Agents read a customer only during a contact they handle; supervisors read any, audited."""

from __future__ import annotations

from datetime import timedelta

from selfservice_harness import (
    SelfService,
    assert_problem,
    contact_accepted,
    contact_queued,
    from_routing,
)
from sqlalchemy import func, select

from ringway.selfservice import contact_access, tables
from ringway.shared.contracts.common import Channel
from ringway.shared.contracts.contacts import (
    ContactCompleted,
    ContactOffered,
    ContactOfferEnded,
    ContactTransferred,
)
from ringway.shared.events.envelope import Envelope
from ringway.shared.web.auth import Role

READS = ("", "/account", "/ledger", "/invoices", "/payments", "/orders", "/purchases",
         "/visits", "/support-requests", "/contacts")
CONTACT = "01CONTACT00000000000000001"


async def reads(selfservice: SelfService, agent: str, customer: str) -> set[int]:
    """The statuses of every customer read route for this agent's token."""
    statuses = set()
    for suffix in READS:
        response = await selfservice.client.get(f"/customers/{customer}{suffix}",
                                                headers=selfservice.agent(agent))
        statuses.add(response.status_code)
    return statuses


async def deliver(selfservice: SelfService, *envelopes: Envelope) -> None:
    before = selfservice.consumer.handled + selfservice.consumer.duplicates
    for envelope in envelopes:
        await selfservice.deliver(envelope)
    await selfservice.wait_consumed(before + len(envelopes))


def completed(agent: str, selfservice: SelfService) -> Envelope:
    return from_routing(ContactCompleted(
        contact_id=CONTACT, queue_id="support-en", channel=Channel.CHAT, agent_id=agent,
        completed_at=selfservice.clock.now))


async def test_an_agent_reads_the_customer_of_the_contact_it_handles_and_no_other(
        selfservice: SelfService) -> None:
    ana = (await selfservice.register("ana@example.com"))["id"]
    bo = (await selfservice.register("bo@example.com"))["id"]

    await selfservice.handled_by("agent-7", ana, CONTACT)

    assert await reads(selfservice, "agent-7", ana) == {200}
    assert await reads(selfservice, "agent-7", bo) == {404}
    assert await reads(selfservice, "agent-8", ana) == {404}
    body = assert_problem(await selfservice.client.get(
        f"/customers/{bo}/account", headers=selfservice.agent("agent-7")), 404, "not-found")
    assert "bo@example.com" not in str(body)


async def test_an_agent_without_any_contact_reads_no_customer(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]

    assert await reads(selfservice, "agent-7", ana) == {404}


async def test_access_lasts_a_short_grace_after_the_contact_completes(
        selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    await selfservice.handled_by("agent-7", ana, CONTACT)

    await deliver(selfservice, completed("agent-7", selfservice))
    selfservice.clock.advance(minutes=14)
    still = await reads(selfservice, "agent-7", ana)
    selfservice.clock.advance(minutes=2)

    assert still == {200}
    assert await reads(selfservice, "agent-7", ana) == {404}


async def test_an_offer_grants_access_until_it_is_rejected(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    now = selfservice.clock.now
    offered = from_routing(ContactOffered(
        contact_id=CONTACT, queue_id="support-en", channel=Channel.CHAT, agent_id="agent-7",
        offered_at=now, expires_at=now + timedelta(seconds=20), reservation_id="res-1"))
    rejected = from_routing(ContactOfferEnded(
        contact_id=CONTACT, queue_id="support-en", agent_id="agent-7", reservation_id="res-1",
        outcome="rejected", ended_at=now))

    # The offer carries no customer: it is taken from the queued contact seen before.
    await deliver(selfservice, contact_queued(CONTACT, ana), offered)
    during_offer = await reads(selfservice, "agent-7", ana)
    await deliver(selfservice, rejected)

    assert during_offer == {200}
    assert await reads(selfservice, "agent-7", ana) == {404}


async def test_a_transfer_moves_access_to_the_named_agent(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    await selfservice.handled_by("agent-7", ana, CONTACT)
    now = selfservice.clock.now

    await deliver(selfservice, from_routing(ContactTransferred(
        contact_id=CONTACT, from_agent_id="agent-7", queue_id="specialists",
        to_agent_id="agent-9", channel=Channel.CHAT, transferred_at=now, arrived_at=now)))
    selfservice.clock.advance(minutes=16)

    assert await reads(selfservice, "agent-7", ana) == {404}
    assert await reads(selfservice, "agent-9", ana) == {200}


async def test_a_redelivered_accept_changes_nothing(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    accepted = contact_accepted(CONTACT, "agent-7", at=selfservice.clock.now, customer_id=ana)

    await deliver(selfservice, accepted, completed("agent-7", selfservice), accepted)

    assert selfservice.consumer.duplicates == 1
    selfservice.clock.advance(minutes=16)
    # Had the redelivery been applied, the completed contact would be open again.
    assert await reads(selfservice, "agent-7", ana) == {404}
    async with selfservice.runtime.db.session() as session:
        rows = await session.scalar(select(func.count()).select_from(tables.contact_handlers))
    assert rows == 1


async def test_an_anonymous_contact_opens_no_customer(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]

    await deliver(selfservice, contact_queued(CONTACT, None),
                  contact_accepted(CONTACT, "agent-7", at=selfservice.clock.now))

    assert await reads(selfservice, "agent-7", ana) == {404}


async def test_the_history_follows_the_contact_to_its_end(selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    await selfservice.handled_by("agent-7", ana, CONTACT)
    answered = (await selfservice.client.get(f"/customers/{ana}/contacts",
                                             headers=selfservice.customer(ana))).json()

    await deliver(selfservice, completed("agent-7", selfservice))

    done = (await selfservice.client.get(f"/customers/{ana}/contacts",
                                         headers=selfservice.customer(ana))).json()
    assert [answered[0]["status"], done[0]["status"]] == ["answered", "completed"]


async def test_supervisors_read_any_customer_and_every_read_is_audited(
        selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    await selfservice.handled_by("agent-7", ana, CONTACT)
    supervisor = selfservice.authenticator.mint("sup-1", {Role.SUPERVISOR})

    read = await selfservice.client.get(f"/customers/{ana}/account",
                                        headers={"Authorization": f"Bearer {supervisor}"})
    await selfservice.client.get(f"/customers/{ana}/account", headers=selfservice.agent("agent-7"))

    assert read.status_code == 200
    audit = (await selfservice.client.get("/audit", params={"customer_id": ana},
                                          headers=selfservice.admin())).json()
    readers = {(e["actor"], e["roles"]) for e in audit if e["resource"] == "account"}
    assert readers == {("sup-1", "supervisor"), ("agent-7", "agent")}


async def test_handlings_over_a_day_past_their_access_are_pruned(
        selfservice: SelfService) -> None:
    ana = (await selfservice.register())["id"]
    await selfservice.handled_by("agent-7", ana, CONTACT)
    await selfservice.handled_by("agent-8", ana, "01CONTACT00000000000000002")
    await deliver(selfservice, completed("agent-7", selfservice))
    selfservice.clock.advance(days=1, minutes=16)

    pruned = await contact_access.prune(selfservice.runtime.uow, now=selfservice.clock.now)

    assert pruned == 1
    assert await reads(selfservice, "agent-8", ana) == {200}
