"""Benchmark: the routing engine at the size of the largest hosted workspace, against a naive scan.

Workspace: 15,000 agents, 5,000 queues, 50 skills, mixed channels and strategies, one overflow
step per queue. Steady load: contacts arrive at random queues, offers are accepted at once and
the oldest handled contact completes, keeping ~80 % of agents busy. A decision is one matching
call: a contact arriving (find an agent) or an agent freeing capacity (find a contact).

Stages, same workload in the same run:
  indexed   the engine (heaps per queue/step/channel): decisions/s, p50/p99 latency
  naive     scan every agent for each contact, every waiting contact for each freed agent
  memory    bytes per waiting contact with 500,000 waiting (tracemalloc)

Usage: python bench/routing.py [--quick]. The last line printed is one JSON object.
Latency is wall time per decision; the CPU-time figures beside it leave out the time the
process waited for a CPU (the benchmark machine may be shared).
"""

from __future__ import annotations

import argparse
import gc
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
    """The baseline: no index, a scan over every agent (or every waiting contact) per decision."""

    clock: Clock
    queues: dict[str, QueueSpec]
    agents: dict[str, AgentSpec]
    load: dict[str, dict[Channel, int]] = field(default_factory=dict)
    idle_since: dict[str, float] = field(default_factory=dict)
    waiting: list[ContactSpec] = field(default_factory=list)
    holder: dict[str, tuple[str, Channel]] = field(default_factory=dict)
    decisions: int = 0

    def can_take(self, agent: AgentSpec, channel: Channel) -> bool:
        load = self.load.setdefault(agent.id, {})
        return load.get(channel, 0) < agent.capacity.get(channel, 0) and not (
            channel is Channel.VOICE and any(load.values())) and not load.get(Channel.VOICE)

    def add_contact(self, spec: ContactSpec) -> str | None:
        queue = self.queues[spec.queue_id]
        best, best_key = None, None
        for agent in self.agents.values():
            if (spec.queue_id in agent.queues and self.can_take(agent, spec.channel)
                    and queue.requirement.met_by(agent.skills, agent.languages)):
                key = (-queue.requirement.score(agent.skills), self.idle_since.get(agent.id, 0.0))
                if best_key is None or key < best_key:
                    best, best_key = agent, key
        self.decisions += 1
        if best is None:
            self.waiting.append(spec)
            return None
        self._take(best.id, spec)
        return best.id

    def _take(self, agent_id: str, spec: ContactSpec) -> None:
        load = self.load.setdefault(agent_id, {})
        load[spec.channel] = load.get(spec.channel, 0) + 1
        self.holder[spec.id] = (agent_id, spec.channel)

    def complete(self, contact_id: str) -> str | None:
        agent_id, channel = self.holder.pop(contact_id)
        self.load[agent_id][channel] -= 1
        self.idle_since[agent_id] = self.clock.now
        agent = self.agents[agent_id]
        self.decisions += 1
        for index, spec in enumerate(self.waiting):
            if (spec.queue_id in agent.queues and self.can_take(agent, spec.channel)
                    and self.queues[spec.queue_id].requirement.met_by(agent.skills,
                                                                      agent.languages)):
                del self.waiting[index]
                self._take(agent_id, spec)
                return spec.id
        return None


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


def run_indexed(space: Workspace, ops: int, busy_target: int, *,
                window: int) -> dict[str, float]:
    """Steady load on the engine; latency of every decision."""
    clock = Clock()
    engine = RoutingEngine(clock)
    for queue in space.queues:
        engine.put_queue(queue)
    for agent in space.agents:
        engine.put_agent(agent)
        engine.log_in(agent.id)
    settle()
    load, handled, latencies = Load(space, busy_target), deque[tuple[str, str]](), []
    cpu: list[float] = []
    offered = 0

    def accept(found: list[effects.Effect]) -> int:
        count = 0
        for offer in found:
            if isinstance(offer, effects.Offered):
                engine.accept(offer.contact_id, offer.agent_id)
                handled.append((offer.contact_id, offer.agent_id))
                count += 1
        return count

    for i in range(ops + busy_target):
        clock.now += 0.01
        if len(handled) < busy_target:
            spec = load.next_contact()
            started, cpu_started = time.perf_counter(), time.thread_time()
            found = engine.add_contact(spec)
        else:
            contact_id, agent_id = handled.popleft()
            started, cpu_started = time.perf_counter(), time.thread_time()
            found = engine.complete(contact_id, agent_id, disposition=None, resolved=True)
        elapsed, cpu_elapsed = time.perf_counter() - started, time.thread_time() - cpu_started
        engine.drain_dirty()
        if i >= busy_target:
            latencies.append(elapsed)
            cpu.append(cpu_elapsed)
            offered += sum(1 for e in found if isinstance(e, effects.Offered))
        accept(found)
    result = summarize(latencies, offered, len(engine.contacts))
    on_cpu = summarize(cpu, offered, len(engine.contacts))
    result.update({f"cpu_{k}": on_cpu[k] for k in ("decisions_per_s", "p50_ms", "p99_ms")})
    # The naive stage runs only the stream's first `window` decisions, while the backlog (and
    # so each decision's cost) grows along it: the rate over that same window, for a fair pair.
    result["window_decisions_per_s"] = summarize(latencies[:window], 0, 0)["decisions_per_s"]
    return result


def settle() -> None:
    """Move the loaded workspace out of the collector's way, as the service does after start-up."""
    gc.collect()
    gc.freeze()


def run_naive(space: Workspace, ops: int, busy_target: int) -> dict[str, float]:
    """The same stream through the scanning baseline."""
    clock = Clock()
    router = NaiveRouter(clock, {q.id: q for q in space.queues}, {a.id: a for a in space.agents})
    load, handled, latencies, offered = Load(space, busy_target), deque[str](), [], 0
    cpu: list[float] = []
    for i in range(ops + busy_target):
        clock.now += 0.01
        started, cpu_started = time.perf_counter(), time.thread_time()
        if len(handled) < busy_target:
            spec = load.next_contact()
            chosen = router.add_contact(spec)
            taken = spec.id if chosen else None
        else:
            taken = router.complete(handled.popleft())
        elapsed, cpu_elapsed = time.perf_counter() - started, time.thread_time() - cpu_started
        if taken:
            handled.append(taken)
        if i >= busy_target:
            latencies.append(elapsed)
            cpu.append(cpu_elapsed)
            offered += bool(taken)
    result = summarize(latencies, offered, len(router.waiting))
    result["cpu_decisions_per_s"] = summarize(cpu, offered, 0)["decisions_per_s"]
    return result


def summarize(latencies: list[float], offered: int, waiting: int) -> dict[str, float]:
    ordered = sorted(latencies)
    total = sum(latencies)
    return {
        "decisions": len(latencies),
        "offers": offered,
        "waiting_at_end": waiting,
        "decisions_per_s": len(latencies) / total,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
    }


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
    ops, naive_ops, waiting = (20_000, 1_000, 50_000) if args.quick else (
        200_000, 4_000, 500_000)
    progress("building the workspace: 15,000 agents, 5,000 queues, 50 skills ...")
    space = workspace(15_000, 5_000)
    busy = 12_000
    progress(f"indexed engine: {ops:,} decisions at steady load ...")
    indexed = run_indexed(space, ops, busy, window=naive_ops)
    progress(f"naive scan: {naive_ops:,} decisions ...")
    naive = run_naive(space, naive_ops, busy)
    progress(f"memory with {waiting:,} waiting contacts ...")
    per_contact = memory_per_waiting_contact(space, waiting)
    ratio = indexed["decisions_per_s"] / naive["decisions_per_s"]
    cpu_ratio = indexed["cpu_decisions_per_s"] / naive["cpu_decisions_per_s"]
    window_ratio = indexed["window_decisions_per_s"] / naive["decisions_per_s"]
    print(f"indexed: {indexed['decisions_per_s']:,.0f} decisions/s, "
          f"p50 {indexed['p50_ms']:.3f} ms, p99 {indexed['p99_ms']:.3f} ms "
          f"({indexed['offers']:,} offers)")
    print(f"indexed, CPU time only (this machine is shared): "
          f"{indexed['cpu_decisions_per_s']:,.0f} decisions/s, p50 {indexed['cpu_p50_ms']:.3f} ms,"
          f" p99 {indexed['cpu_p99_ms']:.3f} ms")
    print(f"naive:   {naive['decisions_per_s']:,.0f} decisions/s, "
          f"p50 {naive['p50_ms']:.3f} ms, p99 {naive['p99_ms']:.3f} ms")
    print(f"naive, CPU time only: {naive['cpu_decisions_per_s']:,.0f} decisions/s")
    print(f"speed-up vs naive: {ratio:,.1f}x wall, {cpu_ratio:,.1f}x CPU time (target >= 20x); "
          f"{window_ratio:,.1f}x over the same first {naive_ops:,} decisions")
    print(f"memory: {per_contact:,.0f} bytes per waiting contact with {waiting:,} waiting "
          f"(target < 2048)")
    load_1m, load_5m, _ = os.getloadavg()
    print(f"machine load: {load_1m:.2f} (1 min), {load_5m:.2f} (5 min) on {os.cpu_count()} CPUs")
    print(json.dumps({
        "agents": 15_000, "queues": 5_000, "skills": 50,
        "indexed_decisions_per_s": round(indexed["decisions_per_s"]),
        "indexed_p50_ms": round(indexed["p50_ms"], 4),
        "indexed_p99_ms": round(indexed["p99_ms"], 4),
        "indexed_cpu_decisions_per_s": round(indexed["cpu_decisions_per_s"]),
        "indexed_cpu_p99_ms": round(indexed["cpu_p99_ms"], 4),
        "naive_decisions_per_s": round(naive["decisions_per_s"]),
        "naive_p99_ms": round(naive["p99_ms"], 3),
        "naive_cpu_decisions_per_s": round(naive["cpu_decisions_per_s"]),
        "speedup_ratio": round(ratio, 1),
        "speedup_cpu_ratio": round(cpu_ratio, 1),
        "speedup_same_window_ratio": round(window_ratio, 1),
        "waiting_contacts": waiting,
        "memory_bytes_per_waiting_contact": round(per_contact),
        "load_avg_1m": round(load_1m, 2), "load_avg_5m": round(load_5m, 2),
        "cpus": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
