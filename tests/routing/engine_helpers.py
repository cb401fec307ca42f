"""Small builders for driving the routing engine under a fake clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ringway.routing.domain import AgentSpec, ContactSpec, QueueSpec, RoutingEngine, effects
from ringway.shared.contracts.common import Channel

VOICE, CHAT, EMAIL = Channel.VOICE, Channel.CHAT, Channel.EMAIL


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def engine_with(queues: Iterable[QueueSpec], agents: Iterable[AgentSpec] = (), *,
                clock: FakeClock | None = None, max_missed_offers: int = 2,
                ready: bool = True) -> tuple[RoutingEngine, FakeClock]:
    """An engine with queues and agents (logged in ready unless told otherwise)."""
    clock = clock or FakeClock()
    engine = RoutingEngine(clock, max_missed_offers=max_missed_offers)
    for queue in queues:
        engine.put_queue(queue)
    for agent in agents:
        engine.put_agent(agent)
        if ready:
            engine.log_in(agent.id)
    return engine, clock


def agent(agent_id: str, queues: Iterable[str] = ("q",), **kwargs: object) -> AgentSpec:
    """An agent serving `queues`."""
    return AgentSpec(agent_id, queues=frozenset(queues), **kwargs)  # type: ignore[arg-type]


def contact(contact_id: str, queue: str = "q", channel: Channel = VOICE,
            **kwargs: object) -> ContactSpec:
    """A contact for `queue`."""
    return ContactSpec(contact_id, queue, channel, **kwargs)  # type: ignore[arg-type]


def offers(found: list[effects.Effect]) -> list[tuple[str, str]]:
    """(contact, agent) of every offer among the effects."""
    return [(e.contact_id, e.agent_id) for e in found if isinstance(e, effects.Offered)]


def of_type(found: list[effects.Effect], kind: type[effects.Effect]) -> list[effects.Effect]:
    """The effects of one kind."""
    return [e for e in found if isinstance(e, kind)]
