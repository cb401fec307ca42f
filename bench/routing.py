"""Benchmark: the routing engine at the size of the largest hosted workspace, against a naive scan.

Workspace: 15,000 agents, 5,000 queues, 50 skills, mixed channels and strategies, one overflow
step per queue. Steady load: contacts arrive at random queues, offers are accepted at once and
the oldest handled contact completes, keeping ~80 % of agents busy. A decision is one matching
call: a contact arriving (find an agent) or an agent freeing capacity (find a contact). The
backlog of contacts no free agent may take grows along the stream.

Stages:
  decisions  one stream in alternating chunks of 1,000 decisions: the engine (heaps per
             queue/step/channel) makes every decision; about one in ten, a seeded random
             sample, is also made by the naive router (scan every agent for each contact,
             every waiting contact for each freed agent) from the same state and checked to
             be the same choice. Both sides are timed over the same stream and the same
             machine noise.
  memory     bytes per waiting contact with 500,000 waiting (tracemalloc)

Usage: python bench/routing.py [--quick]. The last line printed is one JSON object.
Latency is wall time per decision; the CPU-time figures beside it leave out the time the
process waited for a CPU (the benchmark machine may be shared).
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import deque
from dataclasses import dataclass, field

from ringway.routing.domain import (
    AgentSpec,
    ContactSpec,
    OverflowStep,
    QueueSpec,
    Requirement,
    RoutingEngine,
    Strategy,
    effects,
)
from ringway.routing.router import settle_heap
from ringway.shared.contracts.common import Channel

SKILLS = [f"skill{i:02d}" for i in range(50)]
CHANNEL_SETS = [frozenset({Channel.VOICE}), frozenset({Channel.CHAT, Channel.EMAIL}),
                frozenset({Channel.SOCIAL, Channel.CHAT}), frozenset()]
CAPACITIES = [{Channel.VOICE: 1}, {Channel.CHAT: 3, Channel.EMAIL: 5},
              {Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 5, Channel.SOCIAL: 3}]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Clock:
    """Wall time would do; a settable clock keeps runs comparable."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Workspace:
    """Queues and agents of the benchmark, generated from a seed."""

    queues: list[QueueSpec]
    agents: list[AgentSpec]


def workspace(agents: int, queues: int, seed: int = 7) -> Workspace:
    """Random but reproducible queues (1-2 skill requirements) and agents who meet them."""
    rng = random.Random(seed)
    specs = []
    for i in range(queues):
        needed = {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.choice((1, 1, 2)))}
        specs.append(QueueSpec(
            f"q{i:05d}", requirement=Requirement.of(needed), channels=rng.choice(CHANNEL_SETS),
            priority=rng.choice((0, 0, 0, 5)), strategy=rng.choice(list(Strategy)),
            overflow=(OverflowStep(30.0, Requirement.of(dict.fromkeys(needed, 1))),),
            accept_timeout_s=15.0))
    by_skill: dict[str, list[QueueSpec]] = {}
    for queue in specs:
        by_skill.setdefault(queue.requirement.skills[0][0], []).append(queue)
    people = []
    for i in range(agents):
        skills = {s: rng.randint(1, 10) for s in rng.sample(SKILLS, 8)}
        fitting = [q.id for s in sorted(skills) for q in by_skill.get(s, ())
                   if meets(skills, q.requirement.skills)]
        serves = rng.sample(fitting, min(len(fitting), rng.randint(3, 5)))
        people.append(AgentSpec(f"a{i:05d}", skills=skills, queues=frozenset(serves),
                                capacity=rng.choice(CAPACITIES)))
    return Workspace(specs, people)


def meets(skills: dict[str, int], needed: tuple[tuple[str, int], ...]) -> bool:
    """`Requirement.met_by` for a requirement without a language."""
    # A plain loop, not all(genexpr): building the workspace calls this 12M times.
    for name, level in needed:  # noqa: SIM110
        if skills.get(name, 0) < level:
            return False
    return True


@dataclass
class NaiveRouter:
    """The baseline: no index, a scan over every agent per new contact and over every waiting
    contact per freed agent. It chooses as the engine does (the queue's strategy, ties to the
    longest idle agent, then to the agent changed least recently; a freed agent takes the best
    waiting contact by queue priority, contact priority, then arrival), so both walk the same
    stream and the bench can check that they agree.

    A contact's overflow step is judged when it is looked at: in this workspace a later step
    only relaxes the levels its own agents already meet, so reaching it never finds a free
    agent that the first step did not.
    """

    clock: Clock
    queues: dict[str, QueueSpec]
    agents: dict[str, AgentSpec]
    load: dict[str, dict[Channel, int]] = field(default_factory=dict)
    idle_since: dict[str, float] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    last_offer: dict[tuple[str, str], int] = field(default_factory=dict)
    waiting: list[tuple[int, int, float, int, ContactSpec, float]] = field(default_factory=list)
    lines: dict[str, tuple[int, int, float, int, ContactSpec, float]] = field(
        default_factory=dict)
    holder: dict[str, tuple[str, Channel]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ticks = itertools.count()
        for agent_id in self.agents:  # the engine's log-in order
            self.load[agent_id], self.idle_since[agent_id] = {}, self.clock.now
            self.changed[agent_id] = next(self.ticks)

    def can_take(self, agent: AgentSpec, channel: Channel) -> bool:
        load = self.load[agent.id]
        return load.get(channel, 0) < agent.capacity.get(channel, 0) and not (
            agent.voice_exclusive and (load.get(Channel.VOICE) or (
                channel is Channel.VOICE and any(load.values()))))

    def key(self, agent: AgentSpec, queue: QueueSpec, channel: Channel) -> tuple[float, ...]:
        """The engine's order among eligible agents (lower is better)."""
        strategy, load = queue.strategy, self.load[agent.id]
        if strategy is Strategy.LONGEST_IDLE:
            first = float(load.get(channel, 0))
        elif strategy is Strategy.LEAST_OCCUPIED:
            first = sum(load.values()) / sum(agent.capacity.values())
        elif strategy is Strategy.MOST_SKILLED:
            first = -float(queue.requirement.score(agent.skills))
        else:
            first = float(self.last_offer.get((agent.id, queue.id), -1))
        return first, self.idle_since[agent.id], self.changed[agent.id]

    def decide(self, arriving: ContactSpec | None, freed: str) -> list[str | None]:
        """Its own decision: the agent for an arriving contact, or what a freed agent takes."""
        if arriving is not None:
            return [self.add_contact(arriving)]
        return list(self.complete(freed))

    def follow(self, arriving: ContactSpec | None, freed: str,
               offers: list[tuple[str, str]]) -> None:
        """Book the engine's decision instead of making it (between timed samples)."""
        if arriving is not None:
            self.admit(arriving, offers[0][1] if offers else None)
            return
        self.release(freed)
        for contact_id, agent_id in offers:
            self.take_waiting(agent_id, contact_id)

    def add_contact(self, spec: ContactSpec) -> str | None:
        """A new contact: scan every agent for the best eligible one; None if it waits."""
        queue, channel = self.queues[spec.queue_id], spec.channel
        best, best_key = None, None
        for agent in self.agents.values():
            if (spec.queue_id in agent.queues and self.can_take(agent, channel)
                    and queue.requirement.met_by(agent.skills, agent.languages)):
                key = self.key(agent, queue, channel)
                if best_key is None or key < best_key:
                    best, best_key = agent, key
        chosen = best.id if best is not None else None
        self.admit(spec, chosen)
        return chosen

    def admit(self, spec: ContactSpec, agent_id: str | None) -> None:
        """Book a new contact: taken by the agent, or in line at its place."""
        if agent_id is not None:
            self._take(agent_id, spec)
            return
        queue = self.queues[spec.queue_id]
        line = (-queue.priority, -spec.priority, self.clock.now, next(self.ticks), spec,
                self.clock.now)
        bisect.insort(self.waiting, line)
        self.lines[spec.id] = line

    def complete(self, contact_id: str) -> list[str]:
        """An agent frees capacity: scan the waiting contacts, in order, for what it may take."""
        agent = self.agents[self.release(contact_id)]
        taken = []
        while True:
            for index, line in enumerate(self.waiting):
                spec = line[4]
                if (spec.queue_id in agent.queues and self.can_take(agent, spec.channel)
                        and self._requirement(line).met_by(agent.skills, agent.languages)):
                    del self.waiting[index]
                    self._take_waiting(agent.id, spec)
                    taken.append(spec.id)
                    break
            else:
                return taken

    def _requirement(self, line: tuple[int, int, float, int, ContactSpec, float]) -> Requirement:
        queue = self.queues[line[4].queue_id]
        waited = self.clock.now - line[5]
        return queue.requirement_at(sum(1 for o in queue.overflow if waited >= o.after_s))

    def release(self, contact_id: str) -> str:
        """Book a completion (the agent is idle from now); the agent's id."""
        agent_id, channel = self.holder.pop(contact_id)
        self.load[agent_id][channel] -= 1
        self.idle_since[agent_id] = self.clock.now
        self.changed[agent_id] = next(self.ticks)
        return agent_id

    def take_waiting(self, agent_id: str, contact_id: str) -> None:
        """Book a waiting contact taken by the agent (the engine chose it)."""
        line = self.lines[contact_id]
        del self.waiting[bisect.bisect_left(self.waiting, line)]
        self._take_waiting(agent_id, line[4])

    def _take_waiting(self, agent_id: str, spec: ContactSpec) -> None:
        del self.lines[spec.id]
        self._take(agent_id, spec)

    def _take(self, agent_id: str, spec: ContactSpec) -> None:
        load = self.load[agent_id]
        load[spec.channel] = load.get(spec.channel, 0) + 1
        self.holder[spec.id] = (agent_id, spec.channel)
        self.last_offer[(agent_id, spec.queue_id)] = self.changed[agent_id] = next(self.ticks)


@dataclass
class Load:
    """A reproducible stream of arrivals and completions."""

    space: Workspace
    busy_target: int
    seed: int = 11
    counter: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def next_contact(self) -> ContactSpec:
        queue = self.rng.choice(self.space.queues)
        channel = self.rng.choice(sorted(queue.channels) or list(Channel))
        self.counter += 1
        return ContactSpec(f"c{self.counter:08d}", queue.id, channel,
                           priority=self.rng.choice((0, 0, 0, 10)))


@dataclass
class Timings:
    """Wall and CPU time of each measured decision of one side."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    offers: int = 0

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)


def loaded_engine(space: Workspace, clock: Clock) -> RoutingEngine:
    """The engine with every queue and agent, all agents logged in and ready."""
    engine = RoutingEngine(clock)
    for queue in space.queues:
        engine.put_queue(queue)
    for agent in space.agents:
        engine.put_agent(agent)
        engine.log_in(agent.id)
    return engine


Turn = tuple[ContactSpec | None, str, list[tuple[str, str]]]
"""One decision of the stream: the arriving contact (or None), the contact completed (or the
arriving one's id), and the offers the engine made."""
CHUNK = 1_000
"""Decisions per chunk: the sides alternate chunk by chunk."""


def run(space: Workspace, ops: int, busy_target: int, every: int) -> dict[str, float]:
    """One stream through both, in alternating chunks of the same decisions.

    The engine makes every decision of a chunk; then the naive router goes through the same
    decisions from the same state: about one in `every` (a seeded random sample) it makes
    itself, timed and checked to be the engine's choice; the others it books as the engine
    made them, at the cost of its bookkeeping only. Chunks take a fraction of a second, so
    machine noise falls on both sides alike; each side runs with its own data in the CPU
    caches. Both live in one process: a collector pass walks both sides' objects and is
    timed in whichever decision triggers it, mostly the engine's (it allocates, the scan
    does not).
    """
    clock = Clock()
    engine = loaded_engine(space, clock)
    naive = NaiveRouter(Clock(), {q.id: q for q in space.queues},
                        {a.id: a for a in space.agents})
    settle_heap()  # what the service does once it has loaded: for both sides alike
    load, handled = Load(space, busy_target), deque[tuple[str, str]]()
    sampler = random.Random(5)
    indexed, on_sample, scan = Timings(), Timings(), Timings()
    for first in range(0, ops + busy_target, CHUNK):
        turns: list[Turn] = []
        for i in range(first, min(first + CHUNK, ops + busy_target)):
            clock.now += 0.01
            turns.append(engine_turn(engine, load, handled, busy_target,
                                     indexed if i >= busy_target else None))
        for i, (arriving, contact_id, offers) in enumerate(turns, first):
            naive.clock.now += 0.01
            if i < busy_target or sampler.random() * every >= 1:
                naive.follow(arriving, contact_id, offers)
                continue
            on_sample.add(indexed.wall[i - busy_target], indexed.cpu[i - busy_target])
            started, cpu_started = time.perf_counter(), time.thread_time()
            chosen = naive.decide(arriving, contact_id)
            scan.add(time.perf_counter() - started, time.thread_time() - cpu_started)
            expected = [c for c, _ in offers] if arriving is None else (
                [a for _, a in offers] or [None])
            assert chosen == expected, f"decision {i}: naive chose {chosen}, engine {expected}"
            scan.offers += len(offers)
    waiting = len(engine.contacts) - len(handled)
    assert waiting == len(naive.waiting), (waiting, len(naive.waiting))
    result = {f"indexed_{k}": v for k, v in summarize(indexed, waiting).items()}
    result.update({f"naive_{k}": v for k, v in summarize(scan, waiting).items()})
    result.update({f"sampled_{k}": v for k, v in summarize(on_sample, waiting).items()})
    return result


def engine_turn(engine: RoutingEngine, load: Load, handled: deque[tuple[str, str]],
                busy_target: int, timings: Timings | None) -> Turn:
    """One decision by the engine (timed into `timings` if given); offers are accepted."""
    arriving = load.next_contact() if len(handled) < busy_target else None
    if arriving is not None:
        contact_id = arriving.id
        started, cpu_started = time.perf_counter(), time.thread_time()
        found = engine.add_contact(arriving)
    else:
        contact_id, agent_id = handled.popleft()
        started, cpu_started = time.perf_counter(), time.thread_time()
        found = engine.complete(contact_id, agent_id, disposition=None, resolved=True)
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    engine.drain_dirty()
    offers = [(o.contact_id, o.agent_id) for o in found if isinstance(o, effects.Offered)]
    for offered, agent in offers:
        engine.accept(offered, agent)
    handled.extend(offers)
    if timings is not None:
        timings.add(wall, cpu)
        timings.offers += len(offers)
    return arriving, contact_id, offers


def summarize(timings: Timings, waiting: int) -> dict[str, float]:
    """Rates (decisions per second of decision time) and latency percentiles, wall and CPU."""
    figures: dict[str, float] = {"decisions": len(timings.wall), "offers": timings.offers,
                                 "waiting_at_end": waiting}
    for name, times in (("", timings.wall), ("cpu_", timings.cpu)):
        ordered = sorted(times)
        figures[f"{name}decisions_per_s"] = len(times) / sum(times)
        figures[f"{name}p50_ms"] = statistics.median(ordered) * 1000
        figures[f"{name}p99_ms"] = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return figures


def memory_per_waiting_contact(space: Workspace, contacts: int) -> float:
    """Bytes the engine holds per waiting contact (agents logged in but not ready)."""
    clock = Clock()
    engine = RoutingEngine(clock)
    for queue in space.queues:
        engine.put_queue(queue)
    for agent in space.agents:
        engine.put_agent(agent)
        engine.log_in(agent.id, ready=False, reason="meeting")
    load = Load(space, 0, seed=13)
    specs = [load.next_contact() for _ in range(contacts)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i, spec in enumerate(specs):
        clock.now += 0.001
        engine.add_contact(spec)
        if i % 1000 == 0:
            engine.drain_dirty()
    engine.drain_dirty()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(engine.contacts) == contacts
    # The specs' own id strings are reused by the engine; count them, they are its memory too.
    return (after - before) / contacts + sum(sys.getsizeof(s.id) for s in specs[:1000]) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller run, under a minute")
    args = parser.parse_args()
    ops, every, waiting = (20_000, 10, 50_000) if args.quick else (200_000, 10, 500_000)
    progress("building the workspace: 15,000 agents, 5,000 queues, 50 skills ...")
    space = workspace(15_000, 5_000)
    progress(f"{ops:,} decisions at steady load, about 1 in {every} also by the naive scan ...")
    f = run(space, ops, 12_000, every)
    progress(f"memory with {waiting:,} waiting contacts ...")
    per_contact = memory_per_waiting_contact(space, waiting)
    ratio = f["indexed_decisions_per_s"] / f["naive_decisions_per_s"]
    cpu_ratio = f["indexed_cpu_decisions_per_s"] / f["naive_cpu_decisions_per_s"]
    same_ratio = f["sampled_cpu_decisions_per_s"] / f["naive_cpu_decisions_per_s"]
    print(f"indexed: {f['indexed_decisions_per_s']:,.0f} decisions/s, "
          f"p50 {f['indexed_p50_ms']:.3f} ms, p99 {f['indexed_p99_ms']:.3f} ms "
          f"({f['indexed_offers']:,} offers, {f['indexed_waiting_at_end']:,} waiting at the end)")
    print(f"indexed, CPU time only (this machine is shared): "
          f"{f['indexed_cpu_decisions_per_s']:,.0f} decisions/s, "
          f"p50 {f['indexed_cpu_p50_ms']:.3f} ms, p99 {f['indexed_cpu_p99_ms']:.3f} ms")
    print(f"naive:   {f['naive_decisions_per_s']:,.0f} decisions/s, "
          f"p50 {f['naive_p50_ms']:.3f} ms, p99 {f['naive_p99_ms']:.3f} ms "
          f"over {f['naive_decisions']:,.0f} sampled decisions, all the same choices")
    print(f"naive, CPU time only: {f['naive_cpu_decisions_per_s']:,.0f} decisions/s")
    print(f"speed-up vs naive: {ratio:,.1f}x wall, {cpu_ratio:,.1f}x CPU time (target >= 20x); "
          f"{same_ratio:,.1f}x CPU over the sampled decisions only")
    print(f"memory: {per_contact:,.0f} bytes per waiting contact with {waiting:,} waiting "
          f"(target < 2048)")
    load_1m, load_5m, _ = os.getloadavg()
    print(f"machine load: {load_1m:.2f} (1 min), {load_5m:.2f} (5 min) on {os.cpu_count()} CPUs")
    print(json.dumps({
        "agents": 15_000, "queues": 5_000, "skills": 50, "decisions": ops,
        "indexed_decisions_per_s": round(f["indexed_decisions_per_s"]),
        "indexed_p50_ms": round(f["indexed_p50_ms"], 4),
        "indexed_p99_ms": round(f["indexed_p99_ms"], 4),
        "indexed_cpu_decisions_per_s": round(f["indexed_cpu_decisions_per_s"]),
        "indexed_cpu_p99_ms": round(f["indexed_cpu_p99_ms"], 4),
        "naive_decisions_sampled": round(f["naive_decisions"]),
        "naive_decisions_per_s": round(f["naive_decisions_per_s"]),
        "naive_p99_ms": round(f["naive_p99_ms"], 3),
        "naive_cpu_decisions_per_s": round(f["naive_cpu_decisions_per_s"]),
        "speedup_ratio": round(ratio, 1),
        "speedup_cpu_ratio": round(cpu_ratio, 1),
        "speedup_same_decisions_cpu_ratio": round(same_ratio, 1),
        "waiting_contacts": waiting,
        "memory_bytes_per_waiting_contact": round(per_contact),
        "load_avg_1m": round(load_1m, 2), "load_avg_5m": round(load_5m, 2),
        "cpus": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
