"""High-precision Erlang references by the textbook definitions, in 100-digit decimals.

Deliberately a different route from the code under test: explicit Poisson sums instead of the
Erlang B recursion, and the hypoexponential waiting-time density instead of the beta identity.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

DIGITS = 100


def erlang_b(agents: int, load: float) -> float:
    """B = (A^n/n!) / sum_{k<=n} A^k/k!."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        a, term, total = Decimal(load), Decimal(1), Decimal(1)
        for k in range(1, agents + 1):
            term = term * a / k
            total += term
        return float(term / total)


def erlang_c(agents: int, load: float) -> float:
    """C = (A^n/n! · n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! · n/(n-A))."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        a, term, below = Decimal(load), Decimal(1), Decimal(0)
        for k in range(1, agents + 1):
            below += term
            term = term * a / k
        top = term * agents / (agents - a)
        return float(top / (below + top))


def erlang_c_service_level(agents: int, load: float, aht_s: float, threshold_s: float) -> float:
    """1 - C·exp(-(n-A)·t/AHT)."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        spare = Decimal(agents) - Decimal(load)
        c = Decimal(erlang_c(agents, load))
        return float(1 - c * (-spare * Decimal(threshold_s) / Decimal(aht_s)).exp())


def erlang_a(agents: int, load: float, aht_s: float, patience_s: float,
             threshold_s: float, waiting_states: int = 200) -> dict[str, float]:
    """P(wait), P(abandon), SL and ASA of answered contacts of M/M/n+M by explicit sums."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        mu, theta = 1 / Decimal(aht_s), 1 / Decimal(patience_s)
        lam = Decimal(load) * mu
        probs = _state_weights(agents, lam, mu, theta, waiting_states)
        total = sum(probs)
        probs = [p / total for p in probs]
        # States beyond 1e-22 of the mass change nothing at 1e-9; they would only cost time.
        busy = [w for w in probs[agents:] if w > Decimal("1e-22")]
        served_within = sum(probs[:agents]) + sum(
            w * _answered(i, agents * mu, theta, Decimal(threshold_s))[0]
            for i, w in enumerate(busy))
        answered_wait = sum(w * _answered(i, agents * mu, theta, None)[1]
                            for i, w in enumerate(busy))
        abandon = sum(w * (i + 1) * theta / (agents * mu + (i + 1) * theta)
                      for i, w in enumerate(busy))
        return {"p_wait": float(sum(busy)), "p_abandon": float(abandon),
                "service_level": float(served_within),
                "asa_s": float(answered_wait / (1 - abandon))}


def _state_weights(agents: int, lam: Decimal, mu: Decimal, theta: Decimal,
                   waiting: int) -> list[Decimal]:
    weights, term = [Decimal(1)], Decimal(1)
    for j in range(1, agents + 1):
        term = term * lam / (j * mu)
        weights.append(term)
    for i in range(1, waiting):
        term = term * lam / (agents * mu + i * theta)
        weights.append(term)
    return weights


def _answered(ahead: int, service: Decimal, theta: Decimal,
              threshold: Decimal | None) -> tuple[Decimal, Decimal]:
    """(P(answered within threshold), E[wait; answered]) for a contact with `ahead` before it.

    The offered wait is a sum of exponentials with rates service + m·theta, m = 0..ahead; its
    density is sum_m c_m r_m e^{-r_m s}; the contact's own patience multiplies by e^{-theta s}.
    """
    rates = [service + m * theta for m in range(ahead + 1)]
    within, mean = Decimal(0), Decimal(0)
    for m, rate in enumerate(rates):
        c = Decimal(1)
        for other_index, other in enumerate(rates):
            if other_index != m:
                c *= other / (other - rate)
        decay = rate + theta
        if threshold is not None:
            within += c * rate / decay * (1 - (-decay * threshold).exp())
        mean += c * rate / decay / decay
    return within, mean
