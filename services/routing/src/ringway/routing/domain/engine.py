"""The routing engine: configuration, agent presence, timers, restore and queries."""

from __future__ import annotations

import itertools
from heapq import heappop

from ringway.routing.domain import effects as fx
from ringway.routing.domain.consults import ConsultCommands
from ringway.routing.domain.errors import InvalidTransition
from ringway.routing.domain.model import (
    A_NOT_READY,
    ABANDONED,
    HANDLING,
    OFFERED,
    P_NOT_READY,
    P_OFFLINE,
    P_READY,
    QUEUED,
    WAITING,
    WRAP_UP,
    AgentSpec,
    Presence,
    QueueSpec,
)
from ringway.routing.domain.records import AgentRecord, ContactRecord
from ringway.shared.contracts.agents import AgentState

DEFAULT_HANDLE_S = 180.0


class RoutingEngine(ConsultCommands):
    """Skills-based matching of contacts and agents, driven by commands and an injected clock."""

    # ---- configuration -------------------------------------------------------------------

    def put_queue(self, spec: QueueSpec) -> list[fx.Effect]:
        """Create or change a queue; agents' pools follow."""
        self.run_timers()
        old = self.queues.get(spec.id)
        for backup in _backups(old):
            self.backing.get(backup, set()).discard(spec.id)
        self.queues[spec.id] = spec
        for backup in _backups(spec):
            self.backing.setdefault(backup, set()).add(spec.id)
        affected = set(self.serving.get(spec.id, set()))
        for backup in _backups(spec) | _backups(old):
            affected |= self.serving.get(backup, set())
        if old is not None and old.steps != spec.steps:
            self._clamp_steps(spec)
        self._refile(affected)
        return self.take_effects()

    def _clamp_steps(self, queue: QueueSpec) -> None:
        for contact in self.contacts.values():
            if contact.queue_id == queue.id and contact.step >= queue.steps:
                contact.step = queue.steps - 1
                if contact.status is QUEUED and contact.slot is not None:
                    contact.invalidate()
                    self.contact_index.push(contact)

    def _refile(self, agent_ids: set[str]) -> None:
        agents = [self.agents[a] for a in sorted(agent_ids) if a in self.agents]
        for agent in agents:
            agent.use_pools(self.pools_of(agent))
            self.reindex(agent)
        for agent in agents:
            self.match_agent(agent)

    def put_agent(self, spec: AgentSpec) -> list[fx.Effect]:
        """Create or change an agent's profile (skills, languages, capacity, queues)."""
        self.run_timers()
        agent = self.agents.get(spec.id)
        if agent is None:
            agent = self.agents[spec.id] = AgentRecord(spec, self.clock())
        for queue_id in agent.spec.queues:
            self.serving.get(queue_id, set()).discard(spec.id)
        agent.spec = spec
        for queue_id in spec.queues:
            self.serving.setdefault(queue_id, set()).add(spec.id)
        self._arm_shift(agent)
        self._refile({spec.id})
        self.update_state(agent)
        return self.take_effects()

    # ---- shifts --------------------------------------------------------------------------

    def _arm_shift(self, agent: AgentRecord) -> None:
        """Judge the agent on or off shift now and wake up at the next shift boundary."""
        shift, now = agent.spec.shift, self.clock()
        agent.shift_epoch += 1
        agent.on_shift = shift is None or shift.is_on(now)
        if shift is not None:
            self.schedule(shift.next_change(now), "shift", agent.spec.id, agent.shift_epoch)

    def _shift_boundary(self, agent_id: str, token: int) -> None:
        agent = self.agents.get(agent_id)
        if agent is None or agent.shift_epoch != token:
            return
        was = agent.on_shift
        self._arm_shift(agent)
        if agent.on_shift is not was:
            self.reindex(agent)
            self.update_state(agent)
            self.match_agent(agent)

    # ---- presence ------------------------------------------------------------------------

    def log_in(self, agent_id: str, *, ready: bool = True,
               reason: str | None = None) -> list[fx.Effect]:
        """An offline agent starts a session, ready or not-ready with a reason."""
        self.run_timers()
        agent = self.agent(agent_id)
        if agent.presence is not P_OFFLINE:
            raise InvalidTransition("agent", agent_id, agent.state.value, "already logged in")
        self._check_capacity(agent, ready)
        agent.idle_since, agent.missed = self.clock(), 0
        self._set_presence(agent, P_READY if ready else P_NOT_READY, reason)
        return self.take_effects()

    def set_presence(self, agent_id: str, *, ready: bool,
                     reason: str | None = None) -> list[fx.Effect]:
        """A logged-in agent goes ready, or not-ready with a reason code."""
        self.run_timers()
        agent = self.agent(agent_id)
        if agent.presence is P_OFFLINE:
            raise InvalidTransition("agent", agent_id, agent.state.value, "log in first")
        self._check_capacity(agent, ready)
        if ready and agent.presence is not P_READY:
            agent.idle_since, agent.missed = self.clock(), 0
        self._set_presence(agent, P_READY if ready else P_NOT_READY, reason)
        return self.take_effects()

    def _check_capacity(self, agent: AgentRecord, ready: bool) -> None:
        if ready and not any(agent.spec.capacity.values()):
            raise InvalidTransition("agent", agent.spec.id, agent.state.value,
                                    "an agent with no capacity on any channel cannot be ready")

    def _set_presence(self, agent: AgentRecord, presence: Presence, reason: str | None) -> None:
        previous_reason = agent.reason
        agent.presence = presence
        agent.reason = reason if presence is P_NOT_READY else None
        self.reindex(agent)
        before = agent.state
        self.update_state(agent)
        if agent.state is before is A_NOT_READY and agent.reason != previous_reason:
            self.effects.append(fx.AgentChanged(agent.spec.id, before, before, agent.reason,
                                                self.clock(), agent.spec.queues,
                                                agent.spec.blended))
        self.match_agent(agent)

    def log_out(self, agent_id: str) -> list[fx.Effect]:
        """End the session; open offers go back to the queue, handled work must end first."""
        self.run_timers()
        agent = self.agent(agent_id)
        held = [self.contacts[c] for c in sorted(agent.contacts) if c in self.contacts]
        if any(c.status in HANDLING or c.status is WRAP_UP for c in held):
            raise InvalidTransition("agent", agent_id, agent.state.value,
                                    "finish handled contacts before logging out")
        agent.presence, agent.reason = P_OFFLINE, None
        self.reindex(agent)
        for contact in held:
            self.decline(contact, "withdrawn")
        for contact_id in sorted(agent.waiting_for_me):
            self._drop_preference(self.contacts.get(contact_id))
        agent.waiting_for_me.clear()
        self.update_state(agent)
        return self.take_effects()

    def _drop_preference(self, contact: ContactRecord | None) -> None:
        if contact is None:
            return
        contact.preferred_agent_id = contact.preferred_until = None
        if contact.status is QUEUED:
            contact.invalidate()
            self.contact_index.push(contact)
            self.match_contact(contact)

    # ---- timers --------------------------------------------------------------------------

    def tick(self) -> list[fx.Effect]:
        """Fire due timers (offer expiry, overflow, wrap-up end, connect limits)."""
        self.run_timers()
        return self.take_effects()

    def run_timers(self) -> None:
        """Fire every timer due by now, in due order."""
        now, timers = self.clock(), self.timers
        if not timers or timers[0][0] > now:
            return  # the common case: nothing due
        contacts = self.contacts
        while timers and timers[0][0] <= now:  # `pop_due`, inlined: this loop is hot
            _, _, kind, ident, token = heappop(timers)
            if kind == "shift":
                self._shift_boundary(ident, token)
                continue
            contact = contacts.get(ident)
            if contact is None:
                continue
            # Most timers are stale (the offer was accepted, the contact stopped waiting):
            # passed over here without a call.
            if kind == "offer":
                if contact.status is not OFFERED or contact.offers != token:
                    continue
            elif kind == "step" and (contact.epoch != token or contact.status not in WAITING):
                continue
            self._fire(kind, contact, token)

    def _fire(self, kind: str, contact: ContactRecord, token: int) -> None:
        status = contact.status
        if kind == "offer" and status is OFFERED and contact.offers == token:
            self.decline(contact, "expired")
        elif kind == "step" and status in WAITING and contact.epoch == token:
            self._advance(contact)
        elif kind == "max_wait" and status in WAITING and contact.epoch == token:
            self.settle(contact, self.queues[contact.queue_id], "max_wait")
        elif kind == "connect" and status in WAITING:
            self.end_waiting(contact, ABANDONED, "connect_limit")
        elif kind == "preferred" and contact.epoch == token and contact.preferred_agent_id:
            agent = self.agents.get(contact.preferred_agent_id)
            if agent is not None:
                agent.waiting_for_me.discard(contact.id)
            self._drop_preference(contact)
        elif kind == "wrap" and status is WRAP_UP and contact.offers == token:
            self.end_handling(contact, None, False, automatic=True)
        elif (kind == "respond" and status in HANDLING and contact.offers == token
              and not contact.responded and contact.consult_agent_id is None):
            self._reassign(contact)

    def _advance(self, contact: ContactRecord) -> None:
        queue = self.queues[contact.queue_id]
        elapsed = self.clock() - contact.enqueued_at
        step = sum(1 for overflow in queue.overflow if elapsed >= overflow.after_s)
        if step <= contact.step:
            return
        contact.step, contact.declined = step, frozenset()
        self.dirty_contacts.add(contact.id)
        self.effects.append(fx.StepAdvanced(contact.id, queue.id, step, self.clock()))
        if contact.status is QUEUED and contact.slot is not None:
            contact.invalidate()
            self.contact_index.push(contact)
            self.match_contact(contact)

    def _reassign(self, contact: ContactRecord) -> None:
        now = self.clock()
        agent = self.agent(contact.agent_id or "")
        self.release(contact)
        self.effects.append(fx.Reassigned(contact.id, agent.spec.id, "response_limit", now))
        queue = self.queues[contact.queue_id]
        self.requeue(contact, queue)
        contact.declined = frozenset({agent.spec.id})
        self.enqueue(contact)
        self.update_state(agent)
        self.match_agent(agent)

    # ---- restore -------------------------------------------------------------------------

    def restore_agent(self, spec: AgentSpec, *, presence: Presence, reason: str | None,
                      state: AgentState, state_since: float, idle_since: float,
                      missed: int) -> None:
        """Load an agent as stored, without effects (start-up)."""
        agent = self.agents[spec.id] = AgentRecord(spec, state_since)
        agent.presence, agent.reason, agent.state = presence, reason, state
        agent.idle_since, agent.missed = idle_since, missed
        for queue_id in spec.queues:
            self.serving.setdefault(queue_id, set()).add(spec.id)
        self._arm_shift(agent)

    def restore_contact(self, contact: ContactRecord) -> None:
        """Load an unfinished contact as stored, with its timers (start-up)."""
        self.contacts[contact.id] = contact
        self.seq = itertools.count(max(next(self.seq), contact.seq + 1))
        queue = self.queues[contact.queue_id]
        if contact.status in WAITING:
            self.waiting[queue.id] = self.waiting.get(queue.id, 0) + 1
            self.schedule_queue_timers(contact, queue)
            if contact.deadline is not None:
                self.schedule(contact.deadline, "connect", contact.id, 0)
            if contact.preferred_until is not None:
                self.schedule(contact.preferred_until, "preferred", contact.id, contact.epoch)
        for holder in (contact.agent_id, contact.consult_agent_id):
            if holder is not None and holder in self.agents:
                self.agents[holder].take(contact.channel, contact.id)
        self._restore_timers(contact, queue)

    def _restore_timers(self, contact: ContactRecord, queue: QueueSpec) -> None:
        if contact.status is OFFERED and contact.expires_at is not None:
            self.schedule(contact.expires_at, "offer", contact.id, contact.offers)
        elif contact.status is WRAP_UP and queue.wrap_up_s > 0:
            started = contact.wrap_started_at or self.clock()
            self.schedule(started + queue.wrap_up_s, "wrap", contact.id, contact.offers)
        elif contact.status is QUEUED:
            agent = self.agents.get(contact.preferred_agent_id or "")
            if agent is not None and contact.preferred_until is not None:
                agent.waiting_for_me.add(contact.id)
            else:
                self.contact_index.push(contact)

    def resume(self) -> list[fx.Effect]:
        """After restoring: index every agent, fire overdue timers, match what can match."""
        for agent in self.agents.values():
            agent.use_pools(self.pools_of(agent))
            self.reindex(agent)
            # Normally the stored state; a shift that began or ended while down changes it.
            self.update_state(agent)
        self.run_timers()
        for agent in sorted(self.agents.values(), key=lambda a: a.idle_since):
            self.match_agent(agent)
        return self.take_effects()

    # ---- queries -------------------------------------------------------------------------

    def position(self, contact_id: str) -> int:
        """1 for the next contact in line; 0 once offered to an agent."""
        contact = self.contact(contact_id)
        if contact.status is not QUEUED:
            return 0
        return 1 + self.contact_index.ahead_of(contact)

    def estimated_wait(self, contact_id: str) -> float | None:
        """Position x average handle time / staffed capacity; None when nobody is staffed."""
        contact = self.contact(contact_id)
        position = self.position(contact_id)
        if position == 0:
            return 0.0
        staffed = sum(agent.spec.capacity.get(contact.channel, 0)
                      for agent_id in self.serving.get(contact.queue_id, set())
                      if (agent := self.agents[agent_id]).presence is not P_OFFLINE)
        if staffed == 0:
            return None
        handle = self.handle_times.get(contact.queue_id, DEFAULT_HANDLE_S)
        return position * handle / staffed

    def drain_dirty(self) -> tuple[list[AgentRecord], list[ContactRecord]]:
        """Records changed since the last call, for the service to store."""
        agents = [self.agents[a] for a in sorted(self.dirty_agents) if a in self.agents]
        contacts = [self.contacts.get(c) or self.finished[c] for c in sorted(self.dirty_contacts)
                    if c in self.contacts or c in self.finished]
        self.dirty_agents.clear()
        self.dirty_contacts.clear()
        self.finished.clear()
        return agents, contacts


def _backups(queue: QueueSpec | None) -> set[str]:
    if queue is None:
        return set()
    return {q for overflow in queue.overflow for q in overflow.add_queues}

