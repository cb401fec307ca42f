"""Settings: a service's own variables win over the common ones; bad values fail clearly."""

from __future__ import annotations

import pytest

from ringway.routing.settings import RoutingSettings
from ringway.shared.entry import load_settings


def test_common_variables_apply_and_service_prefix_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://db/common")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    assert RoutingSettings().database_url == "postgresql+asyncpg://db/common"
    monkeypatch.setenv("ROUTING_DATABASE_URL", "postgresql+asyncpg://db/routing")
    settings = RoutingSettings()
    assert settings.database_url == "postgresql+asyncpg://db/routing"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.resolved_schema == "routing"


def test_default_is_a_sqlite_file_named_after_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("RINGWAY_DATA_DIR", "/tmp/ringway-x")
    assert RoutingSettings().resolved_database_url == "sqlite+aiosqlite:////tmp/ringway-x/routing.db"


def test_bad_setting_exits_with_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROUTING_OUTBOX_POLL_INTERVAL_S", "-1")
    with pytest.raises(SystemExit) as exit_info:
        load_settings(RoutingSettings)
    message = str(exit_info.value.code)
    assert message.startswith("configuration error: ROUTING_OUTBOX_POLL_INTERVAL_S:")
    assert "\n" not in message


def test_short_auth_secret_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGWAY_AUTH_SECRET", "short")
    with pytest.raises(SystemExit, match="RINGWAY_AUTH_SECRET"):
        load_settings(RoutingSettings)
