"""The catalogue generator, its CLI and the checked-in snapshot in docs/events."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ringway.shared.events import EventRegistry
from ringway.shared.events.catalog import (
    asyncapi_document,
    check,
    event_schemas,
    load_catalogue,
    main,
    render,
    schema_name,
    write,
)

REGISTRY, TOPICS = load_catalogue()
SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "events"


def refs(node: Any) -> list[str]:
    """Every `$ref` value in a JSON document."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in refs(v)
        ]
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


def pointer(document: dict[str, Any], ref: str) -> Any:
    """Follow a local JSON pointer such as `#/components/schemas/Channel`."""
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def test_asyncapi_document_has_every_topic_and_event() -> None:
    doc = asyncapi_document(REGISTRY, TOPICS)

    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"]
    assert doc["info"]["version"]
    assert set(doc["channels"]) == set(TOPICS)
    for model in REGISTRY:
        channel = doc["channels"][model.topic]
        assert channel["address"] == model.topic
        messages = [pointer(doc, m["$ref"]) for m in channel["messages"].values()]
        [message] = [
            m
            for m in messages
            if (m["name"], m["title"].split()[-1]) == (model.event_type, f"v{model.version}")
        ]
        assert message["summary"]
        assert set(message["headers"]["properties"]) == {"ce_type", "ce_id", "ce_source"}
        assert message["headers"]["properties"]["ce_type"]["const"] == model.event_type
        key = message["bindings"]["kafka"]["key"]
        assert key["type"] == "string"
        assert model.key_field in key["description"]
        payload = pointer(doc, message["payload"]["$ref"])
        assert payload["properties"]["type"]["const"] == model.event_type


def test_asyncapi_has_a_send_operation_per_channel_covering_its_messages() -> None:
    doc = asyncapi_document(REGISTRY, TOPICS)

    assert {op["channel"]["$ref"] for op in doc["operations"].values()} == {
        f"#/channels/{name}" for name in TOPICS
    }
    for op in doc["operations"].values():
        channel = pointer(doc, op["channel"]["$ref"])
        assert op["action"] == "send"
        assert [pointer(doc, m["$ref"]) for m in op["messages"]] == list(
            channel["messages"].values()
        )


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    doc = asyncapi_document(REGISTRY, TOPICS)

    found = refs(doc)

    assert any(r.startswith("#/components/schemas/") for r in found)
    for ref in found:
        assert ref.startswith("#/"), ref
        pointer(doc, ref)


def test_event_schemas_are_valid_draft_2020_12_with_stable_ids() -> None:
    schemas = event_schemas(REGISTRY)

    assert set(schemas) == {schema_name(m) for m in REGISTRY}
    for model in REGISTRY:
        schema = schemas[schema_name(model)]
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert (
            schema["$id"] == f"https://ringway.dev/events/{model.event_type}/v{model.version}.json"
        )
        assert schema["description"], (
            f"{model.__name__} needs a docstring: it is the published description"
        )
        assert schema["description"] == inspect.cleandoc(model.__doc__ or "")
        assert schema["properties"]["type"]["const"] == model.event_type
        assert set(schema["properties"]["data"]["properties"]) == set(model.model_fields)
        for ref in refs(schema):
            pointer(schema, ref)


def test_write_is_deterministic_and_drops_schemas_of_unregistered_events(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "gone.event.v1.json").write_text("{}\n")

    write(tmp_path, REGISTRY, TOPICS)
    first = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    write(tmp_path, REGISTRY, TOPICS)
    second = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    assert first == second
    assert {str(p.relative_to(tmp_path)) for p in first} == set(render(REGISTRY, TOPICS))
    assert all(content.endswith(b"\n") for content in first.values())
    readme = (tmp_path / "README.md").read_text()
    for model in REGISTRY:
        assert f"[`{model.event_type}`](schemas/{schema_name(model)}.json)" in readme


def test_cli_writes_then_checks_with_python_dash_m(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ringway.shared.events.catalog", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    wrote = cli("write", str(tmp_path))
    checked = cli("check", str(tmp_path))

    assert wrote.returncode == 0, wrote.stderr
    assert json.loads((tmp_path / "asyncapi.json").read_text())["asyncapi"] == "3.0.0"
    assert checked.returncode == 0, checked.stderr
    assert "up to date" in checked.stdout


def test_checked_in_snapshot_is_compatible_with_the_contracts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = check(SNAPSHOT, REGISTRY, TOPICS)

    assert report.incompatible == []
    assert main(["check", str(SNAPSHOT)]) == 0, capsys.readouterr().err
    # The published catalogue must describe what the code sends: regenerate with `make events`.
    assert report.outdated == [], "docs/events is outdated: run `make events` and commit it"


def test_check_fails_listing_each_incompatible_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, REGISTRY, TOPICS)
    path = tmp_path / "schemas" / "contact.queued.v1.json"
    snapshot = json.loads(path.read_text())
    data = snapshot["properties"]["data"]
    data["properties"]["legacy_code"] = {"type": "string"}
    data["required"].append("legacy_code")
    snapshot["$defs"]["Channel"]["enum"].append("fax")
    path.write_text(json.dumps(snapshot))

    status = main(["check", str(tmp_path)])

    err = capsys.readouterr().err
    assert status == 1
    assert "INCOMPATIBLE" in err
    assert "contact.queued.v1: data.legacy_code: field removed" in err
    assert "contact.queued.v1: data.channel: enum narrowed, values ['fax'] removed" in err


def test_check_fails_when_a_snapshotted_event_type_is_gone(tmp_path: Path) -> None:
    write(tmp_path, REGISTRY, TOPICS)
    fewer = EventRegistry()
    for model in REGISTRY:
        if model.event_type != "contact.offered":
            fewer.register(model)

    report = check(tmp_path, fewer, TOPICS)

    assert report.incompatible == [
        "contact.offered.v1: event type removed (it must stay registered)"
    ]


def test_check_passes_an_outdated_but_compatible_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, REGISTRY, TOPICS)
    path = tmp_path / "schemas" / "contact.queued.v1.json"
    snapshot = json.loads(path.read_text())
    del snapshot["properties"]["data"]["properties"]["language"]  # an optional field added since
    snapshot["description"] = "Old wording."
    path.write_text(json.dumps(snapshot))

    status = main(["check", str(tmp_path)])

    assert status == 0
    assert (
        "snapshot outdated but compatible: schemas/contact.queued.v1.json"
        in capsys.readouterr().out
    )


def test_check_without_a_snapshot_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert "no snapshot" in capsys.readouterr().err
