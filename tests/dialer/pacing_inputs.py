"""Pacing inputs of a settled campaign, shared by the pacing tests."""

from __future__ import annotations

from ringway.dialer.domain.arrivals import RingProfile
from ringway.dialer.domain.campaigns import DialingMode
from ringway.dialer.domain.pacing import PacingInputs

# 400 recent calls: a person answers 100 of them after 4-13 s; 300 end otherwise (busy
# after 2 s, no answer after 25 s).
RINGS = RingProfile.of([(4 + n % 10, True) for n in range(100)]
                       + [(2, False)] * 100 + [(25, False)] * 200)
SETTLED = PacingInputs(
    mode=DialingMode.PREDICTIVE, agents_logged_in=50, agents_ready=5, agents_busy=45,
    calls_in_flight=0, answer_rate=0.25, samples=5000, mean_handle_s=210, mean_answer_s=10,
    connect_limit_s=2, abandon_cap=0.03, window_rates={"US": 0.01}, budget=40,
    live_in_window=2000, recent_live=100, recent_abandoned=1,
    ring_calls=RINGS.calls, ring_humans=RINGS.humans, mean_wrap_s=30,
    wrap_elapsed_s=(20.0, 22.0, 25.0, 28.0, 5.0))
