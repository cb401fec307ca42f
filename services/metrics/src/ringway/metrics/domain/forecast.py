"""Volume and handle-time forecast per interval: weekly seasonality x intraday profile.

History is a regular series of intervals (oldest first) starting on a week boundary's slot.
The forecast of a slot of the week is a recency-weighted mean of that slot over past weeks,
blended with (that weekday's mean total x its intraday profile pooled over neighbouring
slots): the blend keeps the weekly and intraday shape while averaging Poisson noise over more
data than one slot holds. Backtest: hold out the last week, forecast it, report WAPE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
DAYS = 7


class NotEnoughHistory(ValueError):
    """A forecast needs at least one full week of history."""


@dataclass(frozen=True)
class Forecast:
    """Forecast volume and AHT for each coming interval, and the backtest error."""

    volume: Floats
    aht_s: Floats
    wape: float | None


def slots_per_week(interval_minutes: int) -> int:
    """Intervals in a week."""
    return DAYS * 24 * 60 // interval_minutes


def _weeks(series: Floats, week: int) -> Floats:
    """The history as whole weeks (rows), dropping a partial oldest week."""
    whole = series.size // week
    if whole == 0:
        raise NotEnoughHistory("at least one week of history is needed")
    return series[series.size - whole * week:].reshape(whole, week)


def _recency(weeks: int, half_life: float) -> Floats:
    weights = 0.5 ** (np.arange(weeks, dtype=np.float64)[::-1] / half_life)
    result: Floats = weights / weights.sum()
    return result


def seasonal_profile(volume: Floats, week: int, half_life: float = 8.0,
                     smoothing: int = 2) -> Floats:
    """Expected volume of each slot of the week, from whole past weeks."""
    table = _weeks(volume, week)
    weights = _recency(table.shape[0], half_life)
    slot_mean = weights @ table
    day = week // DAYS
    days = slot_mean.reshape(DAYS, day)
    totals = days.sum(axis=1, keepdims=True)
    # Intraday shape per weekday, smoothed over neighbouring slots (a moving average).
    kernel = np.ones(2 * smoothing + 1) / (2 * smoothing + 1)
    padded = np.pad(days, ((0, 0), (smoothing, smoothing)), mode="edge")
    smooth = np.array([np.convolve(row, kernel, mode="valid") for row in padded])
    sums = smooth.sum(axis=1, keepdims=True)
    shaped = np.where(sums > 0, totals * smooth / np.where(sums > 0, sums, 1.0), 0.0)
    result: Floats = (0.5 * slot_mean + 0.5 * shaped.reshape(week))
    return result


def handle_time_profile(handle_s: Floats, handled: Floats, week: int) -> Floats:
    """Mean handle time per slot of the week (the overall mean where a slot has none)."""
    total, count = _weeks(handle_s, week).sum(axis=0), _weeks(handled, week).sum(axis=0)
    overall = float(total.sum() / count.sum()) if count.sum() else 0.0
    result: Floats = np.where(count > 0, total / np.where(count > 0, count, 1.0), overall)
    return result


def wape(actual: Floats, forecast: Floats) -> float | None:
    """Weighted absolute percentage error: sum |a - f| / sum a."""
    total = float(np.abs(actual).sum())
    return float(np.abs(actual - forecast).sum()) / total if total else None


def backtest(volume: Floats, week: int) -> float | None:
    """WAPE of forecasting the last week from the weeks before it (None without two weeks)."""
    if volume.size < 2 * week:
        return None
    history, held_out = volume[:-week], volume[-week:]
    return wape(held_out, seasonal_profile(history, week))


def forecast(volume: Floats, handle_s: Floats, handled: Floats, *, interval_minutes: int,
             horizon: int, start_slot: int) -> Forecast:
    """`horizon` intervals from `start_slot` (the slot of the week of the first one)."""
    week = slots_per_week(interval_minutes)
    profile = seasonal_profile(volume, week)
    aht = handle_time_profile(handle_s, handled, week)
    slots = (start_slot + np.arange(horizon)) % week
    return Forecast(profile[slots], aht[slots], backtest(volume, week))
