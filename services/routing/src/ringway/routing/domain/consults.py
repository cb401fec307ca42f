"""Warm transfer: the handling agent consults a named agent, then hands over or keeps it."""

from __future__ import annotations

from ringway.routing.domain import effects as fx
from ringway.routing.domain.errors import InvalidRequest, InvalidTransition
from ringway.routing.domain.intake import ContactIntake
from ringway.routing.domain.model import HANDLING
from ringway.routing.domain.records import ContactRecord


class ConsultCommands(ContactIntake):
    """Consult, then complete (the consulted agent takes the contact) or cancel."""

    def consult(self, contact_id: str, agent_id: str | None, to_agent_id: str,
                ) -> list[fx.Effect]:
        """Start a consult: the named agent must be free on the contact's channel now."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, HANDLING, agent_id, "consult on")
        self.no_consult(contact, "start another consult")
        target = self.agent(to_agent_id)
        if target.spec.id == contact.agent_id:
            raise InvalidRequest("an agent cannot consult themselves")
        if not target.free_on(contact.channel):
            raise InvalidTransition("agent", target.spec.id, target.state.value,
                                    f"the agent is not free for a {contact.channel.value} "
                                    "consult")
        assert contact.agent_id is not None
        contact.consult_agent_id = target.spec.id
        target.take(contact.channel, contact.id)
        self.reindex(target)
        self.dirty_contacts.add(contact.id)
        self.effects.append(fx.ConsultStarted(contact.id, contact.agent_id, target.spec.id,
                                              self.clock()))
        self.update_state(target)
        return self.take_effects()

    def end_consult(self, contact_id: str, agent_id: str | None, *,
                    complete: bool) -> list[fx.Effect]:
        """Hand the contact to the consulted agent (complete) or keep it (cancel)."""
        self.run_timers()
        contact = self.contact(contact_id)
        self._expect(contact, HANDLING, agent_id, "end a consult on")
        consultant_id = contact.consult_agent_id
        if consultant_id is None:
            raise InvalidTransition("contact", contact.id, contact.status.value,
                                    "no consult is open on this contact")
        now, first = self.clock(), self.agent(contact.agent_id or "")
        consultant = self.agent(consultant_id)
        contact.consult_agent_id = None
        self.dirty_contacts.add(contact.id)
        outcome = "completed" if complete else "cancelled"
        self.effects.append(fx.ConsultEnded(contact.id, first.spec.id, consultant_id, outcome,
                                            now))
        leaving = first if complete else consultant
        leaving.release(contact.channel, contact.id)
        leaving.idle_since = now
        self.reindex(leaving)
        if complete:
            self._hand_over(contact, first.spec.id, consultant_id, now)
        self.update_state(first)
        self.update_state(consultant)
        self.match_agent(leaving)
        return self.take_effects()

    def _hand_over(self, contact: ContactRecord, from_id: str, to_id: str, now: float) -> None:
        """The consulted agent now handles the contact; its arrival time stays the original."""
        self._end_hold(contact, now)
        contact.agent_id, contact.accepted_at = to_id, now
        contact.hold_s = 0.0
        contact.transfers += 1
        self.effects.append(fx.Transferred(contact.id, from_id, contact.queue_id, to_id, now,
                                           warm=True))
