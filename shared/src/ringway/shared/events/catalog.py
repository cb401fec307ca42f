"""The published event catalogue: JSON Schema per event, an AsyncAPI 3.0 document, snapshot checks.

Schemas use pydantic's *serialization* mode: they describe the JSON producers put on the wire
(`Envelope.wrap` dumps with `mode="json"`), which is what a consumer reads. `required` lists the
fields without a default: those every producer must set; producers built from these models always
emit the defaulted ones too. `additionalProperties: false` (the producers' strictness) is dropped
from the published schemas, because consumers must ignore fields they do not know yet.

`python -m ringway.shared.events.catalog write DIR` writes the snapshot; `check DIR` fails on any
change that would break a consumer of a snapshotted event type and version.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from ringway.shared.bus.base import ID_HEADER, SOURCE_HEADER, TYPE_HEADER
from ringway.shared.contracts.topics import TopicSpec
from ringway.shared.events.compat import incompatibilities
from ringway.shared.events.envelope import CONTENT_TYPE, Envelope, EventData
from ringway.shared.events.registry import REGISTRY, EventRegistry

Schema = dict[str, Any]
Grouped = dict[str, list[type[EventData]]]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://ringway.dev/events"
KAFKA_BINDING = "0.5.0"
def load_catalogue() -> tuple[EventRegistry, Mapping[str, TopicSpec]]:
    """Import the contracts (which fills the registry) and return it with the declared topics."""
    from ringway.shared.contracts import TOPICS

    return REGISTRY, TOPICS


def schema_name(model: type[EventData]) -> str:
    """Return the snapshot file stem of an event: `<type>.v<version>`."""
    return f"{model.event_type}.v{model.version}"


def docstring(model: type[EventData]) -> str:
    """Return the model's own docstring, cleaned."""
    return inspect.cleandoc(model.__doc__ or "")


def summary(model: type[EventData]) -> str:
    """Return the first line of the model's docstring."""
    return docstring(model).split("\n", 1)[0]


def _walk(node: Any, fix: Callable[[Schema], Schema]) -> Any:
    """Return a copy of a JSON document with `fix` applied to every object, innermost first."""
    if isinstance(node, list):
        return [_walk(item, fix) for item in node]
    if isinstance(node, dict):
        return fix({k: _walk(v, fix) for k, v in node.items()})
    return node


def _open(node: Schema) -> Schema:
    """Drop `additionalProperties: false`: consumers must accept fields added later."""
    return {k: v for k, v in node.items() if not (k == "additionalProperties" and v is False)}


def event_schema(model: type[EventData]) -> Schema:
    """Return the JSON Schema (draft 2020-12) of the envelope carrying one event type+version."""
    data = _walk(model.model_json_schema(mode="serialization"), _open)
    defs = data.pop("$defs", None)
    props = Envelope.model_json_schema(mode="serialization")["properties"]
    props["type"] = {**props["type"], "const": model.event_type, "examples": [model.event_type]}
    version = {"const": model.version, "default": model.version}
    props["schemaversion"] = {**props["schemaversion"], **version}
    props["subject"] = {**props["subject"], "description": f"The `{model.key_field}` of `data`."}
    props["data"] = data
    schema: Schema = {
        "$schema": DIALECT,
        "$id": f"{ID_BASE}/{model.event_type}/v{model.version}.json",
        "title": f"{model.event_type} v{model.version}",
        "description": docstring(model),
        "type": "object",
        "properties": props,
        "required": list(props),  # an envelope on the wire always carries every field
        "x-topic": model.topic,
        "x-key": model.key_field,
    }
    return schema | ({"$defs": defs} if defs else {})


def event_schemas(registry: EventRegistry) -> dict[str, Schema]:
    """Return every registered event's envelope schema, by snapshot file stem."""
    return {schema_name(model): event_schema(model) for model in registry}


def _message_id(model: type[EventData]) -> str:
    return f"{model.__name__}V{model.version}"


def _rewrite_refs(document: Any, names: Mapping[str, str]) -> Any:
    """Point `#/$defs/X` references at `#/components/schemas/<names[X]>`."""

    def fix(node: Schema) -> Schema:
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/$defs/")):
            return node
        return node | {"$ref": "#/components/schemas/" + names[ref.removeprefix("#/$defs/")]}

    return _walk(document, fix)


def _component_schemas(models: Iterable[type[EventData]]) -> dict[str, Schema]:
    """Return each event's envelope schema plus the shared definitions, as AsyncAPI components."""
    components: dict[str, Schema] = {}
    for model in models:
        schema = event_schema(model)
        defs: Schema = schema.pop("$defs", {})
        names = {name: _free_name(components, defs, name, _message_id(model)) for name in defs}
        for name, body in defs.items():
            components[names[name]] = _rewrite_refs(body, names)
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        components[_message_id(model)] = _rewrite_refs(body, names)
    return components


def _free_name(components: Mapping[str, Schema], defs: Schema, name: str, owner: str) -> str:
    """Reuse a shared definition's name unless another event defines it differently."""
    body = _rewrite_refs(defs[name], {other: other for other in defs})
    return name if components.get(name, body) == body else f"{owner}{name}"


def _headers(model: type[EventData]) -> Schema:
    type_header = {"type": "string", "const": model.event_type, "description": "Envelope `type`."}
    return {
        "type": "object",
        "properties": {
            TYPE_HEADER: type_header,
            ID_HEADER: {"type": "string", "description": "Envelope `id` (a ULID)."},
            SOURCE_HEADER: {"type": "string", "description": "Envelope `source`: the service."},
        },
        "required": [TYPE_HEADER, ID_HEADER, SOURCE_HEADER],
    }


def _message(model: type[EventData]) -> Schema:
    key = f"`data.{model.key_field}` of the event (also the envelope `subject`)."
    kafka = {"key": {"type": "string", "description": key}, "bindingVersion": KAFKA_BINDING}
    return {
        "name": model.event_type,
        "title": f"{model.__name__} v{model.version}",
        "summary": summary(model),
        "description": docstring(model),
        "contentType": CONTENT_TYPE,
        "headers": _headers(model),
        "payload": {"$ref": f"#/components/schemas/{_message_id(model)}"},
        "bindings": {"kafka": kafka},
    }


def _channel(spec: TopicSpec, models: Sequence[type[EventData]]) -> Schema:
    refs = {_message_id(m): {"$ref": f"#/components/messages/{_message_id(m)}"} for m in models}
    return {
        "address": spec.name,
        "title": spec.name,
        "description": f"{spec.description} Keyed by `{spec.key}`; "
        f"poison messages go to `{spec.dead_letter}`.",
        "messages": refs,
        "bindings": {
            "kafka": {
                "topic": spec.name,
                "partitions": spec.partitions,
                "topicConfiguration": {"retention.ms": spec.retention_ms},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _operation(spec: TopicSpec, models: Sequence[type[EventData]]) -> Schema:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{spec.name}"},
        "summary": f"Ringway services publish to `{spec.name}` through their transactional outbox.",
        "messages": [{"$ref": f"#/channels/{spec.name}/messages/{_message_id(m)}"} for m in models],
    }


def _grouped(registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> Grouped:
    grouped = registry.topics()
    undeclared = sorted(set(grouped) - set(topics))
    if undeclared:
        raise ValueError(f"events use undeclared topics {undeclared}; declare them in TOPICS")
    return {name: grouped.get(name, []) for name in sorted(topics)}


def _version() -> str:
    try:
        return metadata.version("ringway-shared")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def asyncapi_document(registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> Schema:
    """Return the AsyncAPI 3.0.0 document: one channel and one `send` operation per topic."""
    grouped = _grouped(registry, topics)
    models = [m for group in grouped.values() for m in group]
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Ringway events",
            "version": _version(),
            "description": "Events Ringway services publish on Kafka. Each message value is a JSON "
            "envelope; consumers must ignore fields they do not know.",
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": {name: _channel(topics[name], group) for name, group in grouped.items()},
        "operations": {f"send_{n}": _operation(topics[n], group) for n, group in grouped.items()},
        "components": {
            "messages": {_message_id(m): _message(m) for m in models},
            "schemas": _component_schemas(models),
        },
    }


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def catalogue_readme(registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> str:
    """Return the Markdown event catalogue."""
    lines = [
        "# Ringway event catalogue",
        "",
        "Generated by `python -m ringway.shared.events.catalog write docs/events`;",
        "do not edit by hand. Every Kafka message value is a JSON envelope (`id`, `type`,",
        "`source`, `time`, `subject`, `schemaversion`, `datacontenttype`, `data`); the headers",
        "`ce_type`, `ce_id` and `ce_source` repeat its type, id and source. Full contracts:",
        "[asyncapi.json](asyncapi.json) and one JSON Schema per event in [schemas/](schemas/).",
        "Consumers must ignore fields they do not know.",
        "",
        _row("type", "topic", "key", "version", "description"),
        _row(*["---"] * 5),
    ]
    for models in _grouped(registry, topics).values():
        lines += [
            _row(f"[`{m.event_type}`](schemas/{schema_name(m)}.json)", f"`{m.topic}`",
                 f"`{m.key_field}`", str(m.version), summary(m))
            for m in models
        ]  # fmt: skip
    lines += ["", "## Topics", "", _row("topic", "key", "partitions", "retention", "description")]
    lines.append(_row(*["---"] * 5))
    for spec in sorted(topics.values(), key=lambda s: s.name):
        days = f"{spec.retention_ms / 86_400_000:g} days"
        cells = (f"`{spec.name}`", f"`{spec.key}`", str(spec.partitions), days, spec.description)
        lines.append(_row(*cells))
    return "\n".join(lines) + "\n"


def dumps(document: Any) -> str:
    """Serialize deterministically: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> dict[str, str]:
    """Return every catalogue file's text by its path relative to the catalogue folder."""
    files = {f"schemas/{name}.json": dumps(s) for name, s in event_schemas(registry).items()}
    files["asyncapi.json"] = dumps(asyncapi_document(registry, topics))
    files["README.md"] = catalogue_readme(registry, topics)
    return files


def write(directory: Path, registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> list[Path]:
    """Write the catalogue; schema files of events no longer registered are removed."""
    files = render(registry, topics)
    (directory / "schemas").mkdir(parents=True, exist_ok=True)
    for stale in (directory / "schemas").glob("*.json"):
        if f"schemas/{stale.name}" not in files:
            stale.unlink()
    for relative, text in files.items():
        (directory / relative).write_text(text, encoding="utf-8")
    return [directory / relative for relative in sorted(files)]


@dataclass(frozen=True)
class CheckReport:
    """Result of comparing a snapshot folder with the current contracts."""

    incompatible: list[str]
    outdated: list[str]


def _read_snapshot(directory: Path) -> dict[str, Schema]:
    files = sorted((directory / "schemas").glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no snapshot in {directory / 'schemas'}; run `write` first")
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in files}


def check(directory: Path, registry: EventRegistry, topics: Mapping[str, TopicSpec]) -> CheckReport:
    """Find incompatible changes against the snapshot in `directory`, and its outdated files."""
    problems = incompatibilities(_read_snapshot(directory), event_schemas(registry))
    expected = render(registry, topics)
    outdated = [rel for rel, text in sorted(expected.items()) if _text(directory / rel) != text]
    stale = sorted(f"schemas/{p.name}" for p in (directory / "schemas").glob("*.json"))
    return CheckReport(problems, outdated + [s for s in stale if s not in expected])


def _text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _say(text: str, stream: TextIO | None = None) -> None:
    """Write one line of command output."""
    (stream or sys.stdout).write(text + "\n")


def _run_check(directory: Path) -> int:
    try:
        report = check(directory, *load_catalogue())
    except (FileNotFoundError, ValueError) as error:  # JSONDecodeError is a ValueError
        _say(f"cannot check the event catalogue: {error}", sys.stderr)
        return 1
    if report.incompatible:
        _say(f"INCOMPATIBLE event contract changes vs the snapshot in {directory}:", sys.stderr)
        for problem in report.incompatible:
            _say(f"  - {problem}", sys.stderr)
        _say("Keep the old version registered; add the changed model as a new version.", sys.stderr)
        return 1
    if report.outdated:
        _say(f"snapshot outdated but compatible: {', '.join(report.outdated)}; rerun `write`")
    else:
        _say(f"event catalogue in {directory} is up to date")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `write DIR` or `check DIR`."""
    parser = argparse.ArgumentParser(prog="python -m ringway.shared.events.catalog")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("write", "write the catalogue"), ("check", "compare with a snapshot")):
        commands.add_parser(name, help=text).add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check":
        return _run_check(args.directory)
    for path in write(args.directory, *load_catalogue()):
        _say(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
