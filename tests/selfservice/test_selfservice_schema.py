"""Self-service settings read their own prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringway.selfservice.settings import SelfServiceSettings


def test_settings_use_the_selfservice_prefix(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("SELFSERVICE_DATABASE_URL", "postgresql+asyncpg://u@db/ringway")
    monkeypatch.setenv("RINGWAY_DATA_DIR", str(tmp_path))

    settings = SelfServiceSettings()

    assert settings.service_name == "selfservice"
    assert settings.resolved_database_url == "postgresql+asyncpg://u@db/ringway"
    assert settings.resolved_schema == "selfservice"


def test_without_a_database_url_settings_use_a_sqlite_file_named_after_the_service(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SELFSERVICE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    settings = SelfServiceSettings(data_dir=tmp_path)

    assert settings.resolved_database_url.endswith("/selfservice.db")
