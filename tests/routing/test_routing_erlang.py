"""Simulation: one queue, N identical agents, Poisson arrivals, exponential handling, no abandons.

The engine runs on the injected clock, so hours of traffic take a second. Measured probability
of waiting and ASA must match Erlang C. Tolerance: successive waits are correlated, so the
standard error is estimated by batch means (40 batches, each many times the queue's relaxation
time); a correct engine lands within 4 standard errors with probability > 99.99 %, and the
seed is fixed, so the test is deterministic. The standard errors themselves are checked to be
small (the test could otherwise pass by being vague).
"""

from __future__ import annotations

import heapq
import math
import random
import statistics

from engine_helpers import FakeClock, agent, contact

from ringway.routing.domain import QueueSpec, RoutingEngine, effects

AGENTS = 10
ARRIVALS_PER_S = 8.0
HANDLE_S = 1.0
CONTACTS = 40_000
WARM_UP = 2_000
BATCHES = 40


def erlang_c(agents: int, load: float) -> float:
    """Probability that an arriving contact waits (M/M/N)."""
    terms = sum(load**k / math.factorial(k) for k in range(agents))
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    return top / (terms + top)


def simulate(seed: int) -> list[float]:
    """Waits (s) of every contact, in arrival order, handled by the engine under a fake clock."""
    rng = random.Random(seed)
    clock = FakeClock(now=0.0)
    engine = RoutingEngine(clock)
    engine.put_queue(QueueSpec("q", accept_timeout_s=1e9))
    for i in range(AGENTS):
        engine.put_agent(agent(f"a{i}"))
        engine.log_in(f"a{i}")
    waits: dict[str, float] = {}
    completions: list[tuple[float, str, str]] = []
    next_arrival, arrived = rng.expovariate(ARRIVALS_PER_S), 0

    def handle(found: list[effects.Effect]) -> None:
        for offer in found:
            if isinstance(offer, effects.Offered):
                for accepted in engine.accept(offer.contact_id, offer.agent_id):
                    if isinstance(accepted, effects.Accepted):
                        waits[accepted.contact_id] = accepted.waited_s
                done = clock.now + rng.expovariate(1 / HANDLE_S)
                heapq.heappush(completions, (done, offer.contact_id, offer.agent_id))

    while arrived < CONTACTS or completions:
        if arrived < CONTACTS and (not completions or next_arrival < completions[0][0]):
            clock.now = next_arrival
            handle(engine.add_contact(contact(f"c{arrived:06d}")))
            arrived += 1
            next_arrival += rng.expovariate(ARRIVALS_PER_S)
        else:
            clock.now, contact_id, agent_id = heapq.heappop(completions)
            handle(engine.complete(contact_id, agent_id, disposition=None, resolved=True))
    return [waits[f"c{i:06d}"] for i in range(CONTACTS)]


def batch_means(values: list[float]) -> tuple[float, float]:
    """Mean and its standard error from batch means."""
    size = len(values) // BATCHES
    means = [statistics.fmean(values[i * size:(i + 1) * size]) for i in range(BATCHES)]
    return statistics.fmean(means), statistics.stdev(means) / math.sqrt(BATCHES)


def test_probability_of_waiting_and_asa_match_erlang_c() -> None:
    waits = simulate(seed=20261123)[WARM_UP:]
    load = ARRIVALS_PER_S * HANDLE_S
    expected_wait = erlang_c(AGENTS, load)
    expected_asa = expected_wait * HANDLE_S / (AGENTS - load)

    p_wait, p_error = batch_means([1.0 if w > 0 else 0.0 for w in waits])
    asa, asa_error = batch_means(waits)

    assert p_error < 0.02
    assert asa_error < 0.2 * expected_asa
    assert abs(p_wait - expected_wait) < 4 * p_error, (p_wait, expected_wait, p_error)
    assert abs(asa - expected_asa) < 4 * asa_error, (asa, expected_asa, asa_error)


def test_the_erlang_c_reference_matches_a_published_value() -> None:
    # 10 agents, 8 Erlangs: P(wait) = 0.409 (standard Erlang C tables).
    assert round(erlang_c(10, 8.0), 3) == 0.409
