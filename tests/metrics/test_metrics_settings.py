"""Metrics settings: METRICS_* variables, interval length limited to 15, 30 or 60 minutes."""

import pytest
from pydantic import ValidationError

from ringway.metrics.settings import MetricsSettings


def test_defaults() -> None:
    settings = MetricsSettings()
    assert settings.service_name == "metrics"
    assert settings.interval_minutes == 15
    assert settings.service_level_threshold_s == 20


@pytest.mark.parametrize("minutes", ["15", "30", "60"])
def test_interval_minutes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                               minutes: str) -> None:
    monkeypatch.setenv("METRICS_INTERVAL_MINUTES", minutes)
    assert MetricsSettings().interval_minutes == int(minutes)


@pytest.mark.parametrize("minutes", ["0", "10", "20", "45", "120", "quarter"])
def test_other_interval_lengths_fail_validation(monkeypatch: pytest.MonkeyPatch,
                                                minutes: str) -> None:
    monkeypatch.setenv("METRICS_INTERVAL_MINUTES", minutes)
    with pytest.raises(ValidationError, match="interval_minutes"):
        MetricsSettings()


def test_service_level_threshold_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_SERVICE_LEVEL_THRESHOLD_S", "30")
    assert MetricsSettings().service_level_threshold_s == 30


def test_service_level_threshold_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="service_level_threshold_s"):
        MetricsSettings(service_level_threshold_s=0)


def test_other_services_prefix_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_INTERVAL_MINUTES", "20")
    assert MetricsSettings().interval_minutes == 15
