"""New contacts, and queue outcomes: overflow to a backup queue, voicemail, callback, deflect."""

from __future__ import annotations

from ringway.routing.domain import effects as fx
from ringway.routing.domain.errors import InvalidRequest
from ringway.routing.domain.lifecycle import ContactCommands
from ringway.routing.domain.model import (
    CLOSED,
    Action,
    ContactSpec,
    Outcome,
    QueueSpec,
)
from ringway.routing.domain.records import ContactRecord

LABELS = {Action.CLOSE: "closed", Action.VOICEMAIL: "voicemail",
          Action.CALLBACK: "callback_offer", Action.DEFLECT: "deflected"}
"""The outcome a closed contact reports, per action."""
MAX_HOPS = 5
"""Backup queues followed at most, so a cycle of backups always ends."""


class ContactIntake(ContactCommands):
    """Admitting contacts, and settling those a queue cannot keep by its defined outcome."""

    def add_contact(self, spec: ContactSpec, *, closed: str | None = None) -> list[fx.Effect]:
        """Queue a new contact and offer it at once if an agent is free."""
        self.run_timers()
        queue = self.queue(spec.queue_id)
        if not queue.accepts(spec.channel):
            raise InvalidRequest(f"queue {queue.id!r} does not take {spec.channel.value}")
        now = self.clock()
        contact = ContactRecord(spec.id, queue.id, spec.channel, priority=spec.priority,
                                arrived_at=spec.arrived_at or now, enqueued_at=now,
                                seq=next(self.seq))
        self.contacts[contact.id] = contact
        self.effects.append(fx.Queued(contact.id, queue.id, now))
        # `refusal` only when the queue has hours or a size limit: most have neither.
        cause = closed or (self.refusal(queue) if queue.hours is not None
                           or queue.max_size is not None else None)
        if cause is None:
            self._admit(contact, spec, queue)
        else:
            self.settle(contact, queue, cause, spec=spec)
        return self.take_effects()

    def _admit(self, contact: ContactRecord, spec: ContactSpec, queue: QueueSpec) -> None:
        self.waiting[queue.id] = self.waiting.get(queue.id, 0) + 1
        if spec.connect_limit_s is not None:
            contact.deadline = contact.arrived_at + spec.connect_limit_s
            self.schedule(contact.deadline, "connect", contact.id, 0)
        if spec.preferred_agent_id is not None and spec.preferred_wait_s > 0:
            self._prefer(contact, spec.preferred_agent_id, spec.preferred_wait_s)
        self.schedule_queue_timers(contact, queue)
        self.enqueue(contact)

    def refusal(self, queue: QueueSpec) -> str | None:
        """Why the queue takes no new contact now: `closed_hours`, `queue_full`, or None."""
        if queue.closed_at(self.clock()):
            return "closed_hours"
        if queue.max_size is not None and self.waiting.get(queue.id, 0) >= queue.max_size:
            return "queue_full"
        return None

    def settle(self, contact: ContactRecord, queue: QueueSpec, cause: str, *,
               spec: ContactSpec | None = None) -> None:
        """Apply the queue's outcome for `cause`; `spec` is given for a contact not yet admitted.

        An overflow goes to the backup queue unless that one refuses too; then the backup's own
        outcome for its cause applies, and so on, up to MAX_HOPS queues.
        """
        seen, outcome = {queue.id}, queue.outcome_for(cause)
        while outcome.action is Action.OVERFLOW:
            backup = self.queues.get(outcome.queue_id or "")
            if (backup is None or backup.id in seen or len(seen) > MAX_HOPS
                    or not backup.accepts(contact.channel)):
                outcome = Outcome()
                break
            why = self.refusal(backup)
            if why is None:
                self._reroute(contact, queue, backup, cause, spec)
                return
            seen.add(backup.id)
            outcome, cause = backup.outcome_for(why), why
        contact.outcome, contact.outcome_target = LABELS[outcome.action], outcome.target
        if spec is None:
            self.end_waiting(contact, CLOSED, cause)
            return
        self.finish(contact, CLOSED)
        self.effects.append(fx.Closed(contact.id, contact.queue_id, self.clock(), cause,
                                      contact.outcome, contact.outcome_target))

    def _reroute(self, contact: ContactRecord, queue: QueueSpec, backup: QueueSpec, cause: str,
                 spec: ContactSpec | None) -> None:
        now = self.clock()
        self.effects.append(fx.Rerouted(contact.id, queue.id, backup.id, cause, now))
        if spec is not None:
            contact.queue_id = backup.id
            self._admit(contact, spec, backup)
            return
        agent = self.withdraw_offer(contact, now)
        self.leave_queue(contact)
        self.requeue(contact, backup, transferred=False)
        self.enqueue(contact)
        if agent is not None:
            self.update_state(agent)
            self.match_agent(agent)
