"""Benchmark: forecast accuracy and fit time on synthetic 15-minute Poisson volumes.

Nine weeks per queue with weekly and intraday seasonality; the last week is held out. Prints the
holdout WAPE of Ringway's forecast against the Poisson noise floor (the true means as the
forecast) and the seasonal-naive baseline (last week repeated), and the fit time per queue.
Usage: python bench/forecast.py [--quick]. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ringway.metrics.domain.forecast import backtest, slots_per_week, wape

WEEK = slots_per_week(15)
WEEKS = 9


def queue_series(rng: np.random.Generator, peak: float) -> tuple[np.ndarray, np.ndarray]:
    day = WEEK // 7
    intraday = 0.15 + np.sin(np.linspace(0, np.pi, day)) ** 2 * rng.uniform(0.8, 1.2)
    weekday = np.array([1.0, 1.1, 1.05, 1.0, 0.95, 0.5, 0.3]) * rng.uniform(0.9, 1.1, 7)
    mean = np.tile((weekday[:, None] * intraday[None, :]).reshape(WEEK) * peak, WEEKS)
    return rng.poisson(mean).astype(float), mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 queues instead of 100")
    queues = 10 if parser.parse_args().quick else 100
    rng = np.random.default_rng(11)
    ours, floor, naive, fit = [], [], [], 0.0
    for _ in range(queues):
        # Peaks around 400 contacts per interval: a noise floor of about 0.055, as in the issue.
        volume, mean = queue_series(rng, peak=rng.uniform(350, 450))
        start = time.perf_counter()
        ours.append(backtest(volume, WEEK))
        fit += time.perf_counter() - start
        floor.append(wape(volume[-WEEK:], mean[-WEEK:]))
        naive.append(wape(volume[-WEEK:], volume[-2 * WEEK:-WEEK]))
    figures = {"queues": queues, "wape": float(np.mean(ours)),
               "noise_floor_wape": float(np.mean(floor)),
               "seasonal_naive_wape": float(np.mean(naive)),
               "fit_ms_per_queue": 1000 * fit / queues}
    print(f"holdout WAPE {figures['wape']:.4f} (noise floor {figures['noise_floor_wape']:.4f}, "
          f"seasonal naive {figures['seasonal_naive_wape']:.4f}); ratio to floor "
          f"{figures['wape'] / figures['noise_floor_wape']:.3f}; fit "
          f"{figures['fit_ms_per_queue']:.2f} ms per queue")
    print(json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
