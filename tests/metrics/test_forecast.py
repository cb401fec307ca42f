"""Forecast: weekly x intraday seasonality, its backtest WAPE, and the forecast endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from metrics_harness import Metrics, queued

from ringway.metrics.domain.forecast import (
    NotEnoughHistory,
    backtest,
    forecast,
    seasonal_profile,
    slots_per_week,
    wape,
)

WEEK = slots_per_week(15)


def synthetic(weeks: int, peak: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Poisson volumes around a weekday x intraday shape; returns (draws, true means)."""
    day = WEEK // 7
    intraday = 0.2 + np.sin(np.linspace(0, np.pi, day)) ** 2
    weekday = np.array([1.0, 1.1, 1.05, 1.0, 0.95, 0.5, 0.3])
    mean = np.tile((weekday[:, None] * intraday[None, :]).reshape(WEEK) * peak, weeks)
    return np.random.default_rng(seed).poisson(mean).astype(float), mean


def test_wape_is_absolute_error_over_actual_volume() -> None:
    assert wape(np.array([10.0, 30.0]), np.array([12.0, 27.0])) == 5 / 40
    assert wape(np.zeros(3), np.ones(3)) is None


def test_holdout_week_is_forecast_near_the_poisson_noise_floor() -> None:
    volume, mean = synthetic(9, peak=400)
    floor = wape(volume[-WEEK:], mean[-WEEK:])
    seasonal_naive = wape(volume[-WEEK:], volume[-2 * WEEK:-WEEK])
    ours = backtest(volume, WEEK)
    assert ours is not None
    assert floor is not None
    assert seasonal_naive is not None
    assert ours <= 0.07
    assert ours < seasonal_naive
    assert ours < 1.1 * floor


def test_the_profile_keeps_each_weekday_total() -> None:
    volume, _ = synthetic(4, peak=50)
    profile = seasonal_profile(volume, WEEK, half_life=1e9)
    days = volume.reshape(4, 7, WEEK // 7).sum(axis=2).mean(axis=0)
    assert profile.reshape(7, -1).sum(axis=1) == pytest.approx(days)


def test_less_than_a_week_of_history_cannot_be_forecast() -> None:
    with pytest.raises(NotEnoughHistory):
        forecast(np.ones(10), np.ones(10), np.ones(10), interval_minutes=15, horizon=4,
                 start_slot=0)


async def test_the_endpoint_forecasts_from_history_and_sizes_the_staffing(
        metrics: Metrics) -> None:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    events = [queued(f"w{w}c{n}", monday - timedelta(weeks=w) + timedelta(hours=10, minutes=n))
              for w in (1, 2) for n in range(6)]
    await metrics.deliver(*events)
    response = await metrics.get("/forecast", weeks=2, days=7)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["rows"]) == WEEK
    assert sum(r["volume"] for r in body["rows"]) == pytest.approx(6.0)  # one whole week
    assert body["backtest_wape"] is not None
    assert all(r["agents"] >= 0 for r in body["rows"])


async def test_an_idle_queue_forecasts_zero_and_bad_parameters_are_422(metrics: Metrics) -> None:
    response = await metrics.get("/forecast", weeks=1)
    assert response.status_code == 200  # a week of zeros is history too: a zero forecast
    assert {r["volume"] for r in response.json()["rows"]} == {0.0}
    unknown = await metrics.get("/forecast", queue_id="nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["type"].endswith("/unknown-queue")
    bad = await metrics.get("/forecast", weeks=0)
    assert bad.status_code == 422
