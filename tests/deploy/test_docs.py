"""Operator docs stay true: the configuration reference is current, the topic table matches."""

from __future__ import annotations

import re
from pathlib import Path

from ringway.cli.configref import SETTINGS, reference
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.entry import _variable

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = (ROOT / "docs/operations.md").read_text()


def test_configuration_reference_is_current() -> None:
    current = (ROOT / "docs/configuration.md").read_text()
    assert current == reference(), \
        "run `make docs` (ringway config docs --output docs/configuration.md)"


def test_every_variable_a_start_up_error_can_name_is_documented() -> None:
    text = reference()
    for settings in SETTINGS.values():
        for name in settings.model_fields:
            if name == "service_name":
                continue
            variable = _variable(settings, (name,))
            prefix = str(settings.model_config.get("env_prefix", ""))
            generic = variable.replace(prefix, "<SERVICE>_", 1) if variable.startswith(prefix) \
                else variable
            assert f"`{variable}`" in text or f"`{generic}`" in text, variable


def test_topic_table_lists_every_declared_topic_with_key_and_retention() -> None:
    rows = re.findall(r"^\| `([\w.]+)` \| `(\w+)` \| (\d+) \| ([\d.]+) days \|", reference(),
                      re.MULTILINE)
    assert {(name, key, int(p), float(days)) for name, key, p, days in rows} == {
        (s.name, s.key, s.partitions, s.retention_ms / 86_400_000) for s in TOPICS.values()}
    assert "configuration.md#kafka-topics" in OPERATIONS


def test_operations_guide_has_the_runbooks_and_procedures() -> None:
    for heading in ("## Scaling", "## Backup and restore of PostgreSQL",
                    "## Upgrades and migration order", "### Kafka broker outage",
                    "### Consumer lag", "### Stuck campaign"):
        assert heading in OPERATIONS
