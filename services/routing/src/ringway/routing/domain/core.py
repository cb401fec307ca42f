"""The engine's state, indexes, matching and timers; commands live in `engine.py`."""

from __future__ import annotations

import heapq
import itertools

from ringway.routing.domain import effects as fx
from ringway.routing.domain.errors import UnknownEntity
from ringway.routing.domain.index import AgentIndex, ContactIndex, strategy_score
from ringway.routing.domain.model import (
    A_AVAILABLE,
    A_BUSY,
    A_NOT_READY,
    A_OFFLINE,
    A_RESERVED,
    A_WRAP_UP,
    FINISHED,
    HANDLING,
    OFFERED,
    P_OFFLINE,
    P_READY,
    QUEUED,
    WRAP_UP,
    Clock,
    ContactStatus,
    QueueSpec,
)
from ringway.routing.domain.records import AgentRecord, ContactRecord, Pool
from ringway.shared.contracts.agents import AgentState
from ringway.shared.contracts.common import Channel

Timer = tuple[float, int, str, str, int]
OFF_SHIFT = "off_shift"
"""The not-ready reason of a logged-in, ready agent outside their shift."""


class EngineCore:
    """State and the two matching directions: contact -> agent and agent -> contact."""

    def __init__(self, clock: Clock, *, max_missed_offers: int = 2) -> None:
        self.clock = clock
        self.max_missed_offers = max_missed_offers
        self.queues: dict[str, QueueSpec] = {}
        self.agents: dict[str, AgentRecord] = {}
        self.contacts: dict[str, ContactRecord] = {}
        self.finished: dict[str, ContactRecord] = {}
        self.serving: dict[str, set[str]] = {}
        self.backing: dict[str, set[str]] = {}
        self.waiting: dict[str, int] = {}
        self.handle_times: dict[str, float] = {}
        self.agent_index = AgentIndex()
        self.contact_index = ContactIndex()
        self.timers: list[Timer] = []
        self.seq = itertools.count(1)
        self.unfiled: dict[str, AgentRecord] = {}
        self.dirty_agents: set[str] = set()
        self.dirty_contacts: set[str] = set()
        self.effects: list[fx.Effect] = []
        self.decisions = 0

    # ---- lookups -------------------------------------------------------------------------

    def agent(self, agent_id: str) -> AgentRecord:
        """An agent record, or UnknownEntity."""
        record = self.agents.get(agent_id)
        if record is None:
            raise UnknownEntity("agent", agent_id)
        return record

    def contact(self, contact_id: str) -> ContactRecord:
        """An unfinished contact record, or UnknownEntity."""
        record = self.contacts.get(contact_id)
        if record is None:
            raise UnknownEntity("contact", contact_id)
        return record

    def queue(self, queue_id: str) -> QueueSpec:
        """A queue, or UnknownEntity."""
        spec = self.queues.get(queue_id)
        if spec is None:
            raise UnknownEntity("queue", queue_id)
        return spec

    def take_effects(self) -> list[fx.Effect]:
        """The effects since the last call."""
        self.flush()
        taken, self.effects = self.effects, []
        return taken

    # ---- agents in pools -----------------------------------------------------------------

    def pools_of(self, agent: AgentRecord) -> tuple[Pool, ...]:
        """Every (queue, step) whose contacts this agent may take."""
        spec = agent.spec
        relevant = set(spec.queues)
        for queue_id in spec.queues:
            relevant |= self.backing.get(queue_id, set())
        pools: list[Pool] = []
        for queue_id in sorted(relevant):
            queue = self.queues.get(queue_id)
            for step in range(queue.steps if queue else 0):
                assert queue is not None
                requirement = queue.requirement_at(step)
                if (spec.queues & queue.pools_at(step)
                        and requirement.met_by(spec.skills, spec.languages)):
                    targets = tuple((channel, self.agent_index.slot(queue_id, step, channel))
                                    for channel, size in spec.capacity.items()
                                    if size > 0 and queue.accepts(channel))
                    pools.append((queue, step, float(requirement.score(spec.skills)), targets))
        return tuple(pools)

    def reindex(self, agent: AgentRecord, *, worse_only: bool = False) -> None:
        """Re-file an agent after any change to its load, presence or pools.

        `worse_only`: the change (an offer) can only make the agent a worse pick.
        """
        if not worse_only:
            agent.refile = True
        self.dirty_agents.add(agent.spec.id)
        agent.refresh()
        # Filing is deferred to `flush`: a decision often changes one agent twice (release,
        # then reserve), and filing is the costly part.
        self.unfiled[agent.spec.id] = agent

    def flush(self) -> None:
        """File every changed agent in the heaps of the channels it can take now."""
        if not self.unfiled:
            return  # most calls: nothing changed since the last one
        for agent in self.unfiled.values():
            if agent.free:
                self.agent_index.file(agent, worse_only=not agent.refile)
            agent.refile = False
        self.unfiled.clear()

    def derive_state(self, agent: AgentRecord) -> AgentState:
        """Routing state: offline, else reserved > busy > wrap-up, else the chosen presence."""
        if agent.presence is P_OFFLINE:
            return A_OFFLINE
        # One pass without building a set of statuses: this runs after every offer and end.
        handling = wrapping = False
        contacts = self.contacts
        for contact_id in agent.contacts:
            contact = contacts.get(contact_id)
            if contact is None:
                continue
            status = contact.status
            if status is OFFERED:
                return A_RESERVED
            if status in HANDLING:
                handling = True
            elif status is WRAP_UP:
                wrapping = True
        if handling:
            return A_BUSY
        if wrapping:
            return A_WRAP_UP
        return A_AVAILABLE if agent.presence is P_READY and agent.on_shift else A_NOT_READY

    def update_state(self, agent: AgentRecord) -> None:
        """Emit a state change when the derived state moved."""
        state = self.derive_state(agent)
        if state is agent.state:
            return
        now = self.clock()
        reason = None
        if state is A_NOT_READY:
            reason = agent.reason or (OFF_SHIFT if not agent.on_shift else None)
        self.effects.append(fx.AgentChanged(agent.spec.id, agent.state, state, reason, now,
                                            agent.spec.queues, agent.spec.blended))
        agent.state, agent.state_since = state, now
        self.dirty_agents.add(agent.spec.id)

    # ---- matching ------------------------------------------------------------------------

    def enqueue(self, contact: ContactRecord) -> None:
        """Put a contact in line (its original place) and try to offer it."""
        contact.status = QUEUED
        contact.agent_id = None
        contact.invalidate()
        self.dirty_contacts.add(contact.id)
        preferred = (self._preferred_agent(contact) if contact.preferred_agent_id is not None
                     else None)
        if preferred is not None:
            preferred.waiting_for_me.add(contact.id)
            if preferred.free_on(contact.channel) and preferred.spec.id not in contact.declined:
                self.reserve(contact, preferred, rule="preferred_agent")
            return
        # Matched first, filed only if it has to wait: most new contacts find an agent at
        # once, and a heap entry filed for them would only be popped again as stale.
        if not self.match_contact(contact):
            self.contact_index.push(contact)

    def _preferred_agent(self, contact: ContactRecord) -> AgentRecord | None:
        if contact.preferred_agent_id is None or contact.preferred_until is None:
            return None
        agent = self.agents.get(contact.preferred_agent_id)
        if (agent is None or agent.presence is P_OFFLINE
                or self.clock() >= contact.preferred_until):
            return None
        return agent

    def match_contact(self, contact: ContactRecord) -> bool:
        """Offer a queued contact to the best eligible agent, if any is free."""
        self.flush()
        agent = self.agent_index.best(contact.queue_id, contact.step, contact.channel,
                                      contact.declined)
        if agent is None:
            return False
        self.reserve(contact, agent, rule="queue" if contact.step == 0 else "overflow")
        return True

    def match_agent(self, agent: AgentRecord) -> None:
        """Fill an agent's free capacity with the best waiting contacts it may take."""
        while agent.presence is P_READY:
            contact = self._preferred_contact(agent) if agent.waiting_for_me else None
            if contact is None:
                contact = self.contact_index.best_for(agent)
            if contact is None:
                return
            rule = "preferred_agent" if contact.id in agent.waiting_for_me else (
                "queue" if contact.step == 0 else "overflow")
            self.reserve(contact, agent, rule=rule)

    def _preferred_contact(self, agent: AgentRecord) -> ContactRecord | None:
        best: ContactRecord | None = None
        for contact_id in agent.waiting_for_me:
            contact = self.contacts.get(contact_id)
            if (contact is None or contact.status is not QUEUED
                    or not agent.free_on(contact.channel) or agent.spec.id in contact.declined):
                continue
            if best is None or (-contact.priority, contact.arrived_at) < (-best.priority,
                                                                           best.arrived_at):
                best = contact
        return best

    def reserve(self, contact: ContactRecord, agent: AgentRecord, *, rule: str) -> None:
        """Offer the contact to the agent: a reservation with an accept deadline."""
        now = self.clock()
        queue = self.queues[contact.queue_id]
        score = strategy_score(queue, contact.step, agent, now)
        contact.invalidate()
        contact.status = OFFERED
        contact.agent_id = agent.spec.id
        contact.offers += 1
        contact.offered_at = now
        expires = now + queue.accept_timeout_s
        contact.expires_at = expires if contact.deadline is None else min(expires,
                                                                         contact.deadline)
        self.dirty_contacts.add(contact.id)
        agent.take(contact.channel, contact.id)
        agent.last_offer[queue.id] = next(self.seq)
        self.reindex(agent, worse_only=True)
        self.update_state(agent)
        self.schedule(contact.expires_at, "offer", contact.id, contact.offers)
        self.decisions += 1
        self.effects.append(fx.Offered(
            contact.id, agent.spec.id, queue.id, reservation_id(contact), now,
            contact.expires_at, contact.step, queue.strategy.value, score, rule))

    def release(self, contact: ContactRecord) -> AgentRecord | None:
        """Free the capacity the contact held on its agent."""
        if contact.agent_id is None:
            return None
        agent = self.agents.get(contact.agent_id)
        if agent is not None:
            agent.release(contact.channel, contact.id)
            self.reindex(agent)
        return agent

    def leave_queue(self, contact: ContactRecord) -> None:
        """The contact stops waiting: out of the line and of any preferred agent's list."""
        contact.invalidate()
        self.waiting[contact.queue_id] = max(0, self.waiting.get(contact.queue_id, 0) - 1)
        if contact.preferred_agent_id and contact.preferred_agent_id in self.agents:
            self.agents[contact.preferred_agent_id].waiting_for_me.discard(contact.id)

    def finish(self, contact: ContactRecord, status: ContactStatus) -> None:
        """Move a contact to a final status."""
        assert status in FINISHED
        contact.invalidate()
        contact.status = status
        self.contacts.pop(contact.id, None)
        self.finished[contact.id] = contact
        self.dirty_contacts.add(contact.id)

    # ---- timers --------------------------------------------------------------------------

    def schedule(self, due: float, kind: str, ident: str, token: int) -> None:
        """Run `kind` for `ident` at `due` if `token` still matches then."""
        heapq.heappush(self.timers, (due, next(self.seq), kind, ident, token))

    def pop_due(self, now: float) -> Timer | None:
        """The next timer due by `now`, if any."""
        if self.timers and self.timers[0][0] <= now:
            return heapq.heappop(self.timers)
        return None

    def next_due(self) -> float | None:
        """When the next timer fires (the service sleeps until then)."""
        return self.timers[0][0] if self.timers else None


def reservation_id(contact: ContactRecord) -> str:
    """The reservation id of the contact's current offer."""
    return f"{contact.id}.{contact.offers}"


def channel_of(value: str) -> Channel:
    """A channel from its name."""
    return Channel(value)
