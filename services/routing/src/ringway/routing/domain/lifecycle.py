"""Contact commands: queue, offer outcomes, hold, transfer, wrap-up, complete, abandon."""

from __future__ import annotations

from ringway.routing.domain import effects as fx
from ringway.routing.domain.core import EngineCore, reservation_id
from ringway.routing.domain.errors import InvalidRequest, InvalidTransition
from ringway.routing.domain.model import (
    ABANDONED,
    ACCEPTED,
    CLOSED,
    COMPLETED,
    HANDLING,
    OFFERED,
    ON_HOLD,
    P_NOT_READY,
    P_OFFLINE,
    P_READY,
    WAITING,
    WRAP_UP,
    ContactStatus,
    QueueSpec,
)
from ringway.routing.domain.records import AgentRecord, ContactRecord

MISSED_OFFER = "missed_offer"
AHT_WEIGHT = 0.1
JUST_OFFERED = frozenset({OFFERED})
COMPLETABLE = HANDLING | {WRAP_UP}


class ContactCommands(EngineCore):
    """What integrations and agents do to contacts."""

    def run_timers(self) -> None:
        """Defined by the engine: fire every due timer before a command looks at state."""
        raise NotImplementedError

    def _expect(self, contact: ContactRecord, allowed: frozenset[ContactStatus],
                agent_id: str | None, action: str) -> None:
        if contact.status not in allowed:
            raise InvalidTransition("contact", contact.id, contact.status.value,
                                    f"cannot {action} a contact that is {contact.status.value}")
        if agent_id is not None and contact.agent_id != agent_id:
            raise InvalidTransition("contact", contact.id, contact.status.value,
                                    f"cannot {action}: the contact is not held by {agent_id}")

    def _prefer(self, contact: ContactRecord, agent_id: str, wait_s: float) -> None:
        contact.preferred_agent_id = agent_id
        contact.preferred_until = contact.enqueued_at + wait_s
        self.schedule(contact.preferred_until, "preferred", contact.id, contact.epoch)

    def schedule_queue_timers(self, contact: ContactRecord, queue: QueueSpec) -> None:
        """Overflow steps and maximum wait, counted from entering this queue."""
        for overflow in queue.overflow:
            self.schedule(contact.enqueued_at + overflow.after_s, "step", contact.id,
                          contact.epoch)
        if queue.max_wait_s is not None:
            self.schedule(contact.enqueued_at + queue.max_wait_s, "max_wait", contact.id,
                          contact.epoch)

    def no_consult(self, contact: ContactRecord, action: str) -> None:
        """Refuse an action while a warm-transfer consult is open on the contact."""
        if contact.consult_agent_id is not None:
            raise InvalidTransition("contact", contact.id, contact.status.value,
                                    f"cannot {action} during a consult: complete or cancel it")

    def accept(self, contact_id: str, agent_id: str) -> list[fx.Effect]:
        """The agent takes the offered contact; an expired or someone else's offer is refused."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, JUST_OFFERED, agent_id, "accept")
        now = self.clock()
        agent = self.agent(agent_id)
        self.leave_queue(contact)
        contact.status, contact.accepted_at = ACCEPTED, now
        if contact.first_accepted_at is None:
            contact.first_accepted_at, contact.answered_queue_id = now, contact.queue_id
        agent.missed = 0
        self.dirty_contacts.add(contact.id)
        self.effects.append(fx.Accepted(contact.id, agent_id, now, contact.waited(now)))
        self.update_state(agent)
        queue = self.queues[contact.queue_id]
        if queue.response_limit_s is not None and contact.channel.value != "voice":
            self.schedule(now + queue.response_limit_s, "respond", contact.id, contact.offers)
        return self.take_effects()

    def reject(self, contact_id: str, agent_id: str) -> list[fx.Effect]:
        """The agent declines the offer: the contact goes back to its place."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, JUST_OFFERED, agent_id, "reject")
        self.decline(contact, "rejected")
        return self.take_effects()

    def decline(self, contact: ContactRecord, outcome: str) -> None:
        """End an offer without an accept; a miss may set the agent not-ready."""
        now = self.clock()
        rid = reservation_id(contact)
        agent = self.release(contact)
        assert agent is not None
        self.effects.append(fx.OfferEnded(contact.id, agent.spec.id, rid, outcome, now))
        contact.declined = contact.declined | {agent.spec.id}
        contact.offered_at = contact.expires_at = None
        if outcome != "withdrawn":
            self._missed(agent)
        self.enqueue(contact)
        self.update_state(agent)
        self.match_agent(agent)

    def _missed(self, agent: AgentRecord) -> None:
        agent.missed += 1
        if agent.missed >= self.max_missed_offers and agent.presence is P_READY:
            agent.presence, agent.reason, agent.missed = P_NOT_READY, MISSED_OFFER, 0
            self.reindex(agent)

    def hold(self, contact_id: str, agent_id: str | None, *, on_hold: bool) -> list[fx.Effect]:
        """Put an accepted contact on hold, or take it back."""
        self.run_timers()
        contact = self.contact(contact_id)
        wanted = ACCEPTED if on_hold else ON_HOLD
        self._expect(contact, frozenset({wanted}), agent_id, "hold" if on_hold else "resume")
        now = self.clock()
        if on_hold:
            contact.status, contact.hold_started_at = ON_HOLD, now
        else:
            self._end_hold(contact, now)
        self.dirty_contacts.add(contact.id)
        assert contact.agent_id is not None
        self.effects.append(fx.Held(contact.id, contact.agent_id, on_hold, now))
        return self.take_effects()

    def _end_hold(self, contact: ContactRecord, now: float) -> None:
        if contact.status is ON_HOLD and contact.hold_started_at is not None:
            contact.hold_s += now - contact.hold_started_at
        contact.hold_started_at = None
        if contact.status is ON_HOLD:
            contact.status = ACCEPTED

    def responded(self, contact_id: str, agent_id: str | None) -> list[fx.Effect]:
        """The agent answered an async contact: it is no longer at risk of reassignment."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, HANDLING, agent_id, "respond to")
        contact.responded = True
        self.dirty_contacts.add(contact.id)
        return self.take_effects()

    def wrap_up(self, contact_id: str, agent_id: str | None) -> list[fx.Effect]:
        """The conversation is over: after-contact work, ended by the agent or automatically."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, HANDLING, agent_id, "wrap up")
        self.no_consult(contact, "wrap up")
        now = self.clock()
        self._end_hold(contact, now)
        contact.status, contact.wrap_started_at = WRAP_UP, now
        self.dirty_contacts.add(contact.id)
        assert contact.agent_id is not None
        self.effects.append(fx.WrapUpStarted(contact.id, contact.agent_id, now))
        self.update_state(self.agent(contact.agent_id))
        queue = self.queues[contact.queue_id]
        if queue.wrap_up_s > 0:
            self.schedule(now + queue.wrap_up_s, "wrap", contact.id, contact.offers)
        return self.take_effects()

    def complete(self, contact_id: str, agent_id: str | None, *, disposition: str | None,
                 resolved: bool) -> list[fx.Effect]:
        """Close a handled contact with its disposition; the agent's capacity is free again."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, COMPLETABLE, agent_id, "complete")
        self.no_consult(contact, "complete")
        self.end_handling(contact, disposition, resolved, automatic=False)
        return self.take_effects()

    def end_handling(self, contact: ContactRecord, disposition: str | None, resolved: bool, *,
                     automatic: bool) -> None:
        """Complete a handled contact (by the agent, or when wrap-up time runs out)."""
        now = self.clock()
        self._end_hold(contact, now)
        ended = contact.wrap_started_at or now
        talk = max(0.0, ended - (contact.accepted_at or ended) - contact.hold_s)
        wrap = now - contact.wrap_started_at if contact.wrap_started_at is not None else 0.0
        agent = self.agent(contact.agent_id or "")
        agent.idle_since = now
        self.release(contact)
        self.finish(contact, COMPLETED)
        self._learn_handle_time(contact.queue_id, talk + contact.hold_s + wrap)
        self.effects.append(fx.Completed(contact.id, agent.spec.id, now, disposition, resolved,
                                         talk, contact.hold_s, wrap, automatic))
        self.update_state(agent)
        self.match_agent(agent)

    def _learn_handle_time(self, queue_id: str, handle_s: float) -> None:
        previous = self.handle_times.get(queue_id)
        self.handle_times[queue_id] = handle_s if previous is None else (
            previous + AHT_WEIGHT * (handle_s - previous))

    def abandon(self, contact_id: str, *, cause: str = "customer") -> list[fx.Effect]:
        """The customer left before an agent accepted."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, WAITING, None, "abandon")
        self.end_waiting(contact, ABANDONED, cause)
        return self.take_effects()

    def close(self, contact_id: str, reason: str) -> list[fx.Effect]:
        """The queue ends a waiting contact (callback taken, maximum wait, ...)."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, WAITING, None, "close")
        contact.outcome = reason
        self.end_waiting(contact, CLOSED, reason)
        return self.take_effects()

    def end_waiting(self, contact: ContactRecord, status: ContactStatus, why: str) -> None:
        """A waiting contact ends without an agent; an open offer is withdrawn."""
        now = self.clock()
        agent = self.withdraw_offer(contact, now)
        self.leave_queue(contact)
        self.finish(contact, status)
        if status is ABANDONED:
            self.effects.append(fx.Abandoned(contact.id, now, contact.waited(now), why))
        else:
            self.effects.append(fx.Closed(contact.id, contact.queue_id, now, why,
                                          contact.outcome or "closed", contact.outcome_target))
        if agent is not None:
            self.update_state(agent)
            self.match_agent(agent)

    def transfer(self, contact_id: str, agent_id: str | None, *, queue_id: str | None = None,
                 to_agent_id: str | None = None, wait_s: float = 30.0) -> list[fx.Effect]:
        """Send a handled contact to a queue, or to a named agent (then back to the queue)."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, HANDLING, agent_id, "transfer")
        self.no_consult(contact, "transfer")
        queue = self.queue(queue_id or contact.queue_id)
        if not queue.accepts(contact.channel):
            raise InvalidRequest(f"queue {queue.id!r} does not take {contact.channel.value}")
        target = self.agent(to_agent_id) if to_agent_id is not None else None
        if target is not None and target.presence is P_OFFLINE:
            raise InvalidTransition("agent", target.spec.id, target.state.value,
                                    "cannot transfer to an agent who is logged out")
        self._move(contact, queue, target, wait_s)
        return self.take_effects()

    def _move(self, contact: ContactRecord, queue: QueueSpec, target: AgentRecord | None,
              wait_s: float) -> None:
        now = self.clock()
        self._end_hold(contact, now)
        agent = self.agent(contact.agent_id or "")
        agent.idle_since = now
        self.release(contact)
        self.effects.append(fx.Transferred(contact.id, agent.spec.id, queue.id,
                                           target.spec.id if target else None, now))
        self.requeue(contact, queue)
        if target is not None:
            self._prefer(contact, target.spec.id, wait_s)
        self.enqueue(contact)
        self.update_state(agent)
        self.match_agent(agent)

    def withdraw_offer(self, contact: ContactRecord, now: float) -> AgentRecord | None:
        """End an open offer on a contact leaving its queue; the agent it freed, if any."""
        if contact.status is not OFFERED:
            return None
        assert contact.agent_id is not None
        self.effects.append(fx.OfferEnded(contact.id, contact.agent_id,
                                          reservation_id(contact), "withdrawn", now))
        return self.release(contact)

    def requeue(self, contact: ContactRecord, queue: QueueSpec, *,
                transferred: bool = True) -> None:
        """Start waiting again in a queue, keeping the original arrival time; a transfer by
        an agent counts in `transfers`, a reroute by the queue does not."""
        now = self.clock()
        contact.queue_id, contact.enqueued_at = queue.id, now
        contact.epoch += 1
        contact.step = 0
        contact.transfers += int(transferred)
        contact.declined = frozenset()
        contact.accepted_at = contact.wrap_started_at = None
        contact.hold_s, contact.responded = 0.0, False
        contact.preferred_agent_id = contact.preferred_until = None
        self.waiting[queue.id] = self.waiting.get(queue.id, 0) + 1
        self.schedule_queue_timers(contact, queue)
