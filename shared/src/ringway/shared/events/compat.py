"""Backward compatibility of event schemas for consumers: what may change within a version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

Schema = dict[str, Any]

# Keywords whose change alters which documents are valid; annotations (title, ...) are free.
VALIDATION_KEYWORDS = (
    "const", "format", "pattern", "multipleOf", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "x-topic", "x-key",
)  # fmt: skip


@dataclass(frozen=True)
class _Pair:
    """The two documents being compared (to resolve local `$ref`s) and the refs being followed."""

    old_root: Schema
    new_root: Schema
    following: frozenset[tuple[str, str]] = frozenset()


def _resolve(schema: Schema, root: Schema) -> Schema:
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, got {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _kind(schema: Schema) -> str:
    kind = schema.get("type")
    if kind is not None:
        return str(kind)
    return "enum" if "enum" in schema else "const" if "const" in schema else "any"


def _alternatives(schema: Schema, root: Schema) -> dict[str, list[tuple[str, Schema]]]:
    """Group a schema's union members (anyOf/oneOf/type list) by JSON type, with their `$ref`."""
    top = _resolve(schema, root)
    members = top.get("anyOf") or top.get("oneOf")
    if members is None:
        kinds = top.get("type")
        members = [{**top, "type": kind} for kind in kinds] if isinstance(kinds, list) else [schema]
    grouped: dict[str, list[tuple[str, Schema]]] = {}
    for member in members:
        resolved = _resolve(member, root)
        grouped.setdefault(_kind(resolved), []).append((member.get("$ref", ""), resolved))
    return grouped


def _diff(old: Schema, new: Schema, path: str, pair: _Pair) -> list[str]:
    """Return the changes from `old` to `new` that would break a consumer."""
    olds, news = _alternatives(old, pair.old_root), _alternatives(new, pair.new_root)
    shape = {k: len(v) for k, v in olds.items()}, {k: len(v) for k, v in news.items()}
    if shape[0] != shape[1]:
        return [
            f"{_at(path)}: type changed from {'|'.join(sorted(olds))} to {'|'.join(sorted(news))}"
        ]
    problems: list[str] = []
    for kind in sorted(olds):
        for (old_ref, o), (new_ref, n) in zip(olds[kind], news[kind], strict=True):
            refs = (old_ref, new_ref)
            if refs in pair.following:  # a recursive model: compared further up already
                continue
            inner = replace(pair, following=pair.following | {refs}) if all(refs) else pair
            problems += _diff_single(o, n, path, inner)
    return problems


def _at(path: str) -> str:
    return path or "(envelope)"


def _diff_single(old: Schema, new: Schema, path: str, pair: _Pair) -> list[str]:
    problems = [
        f"{_at(path)}: `{key}` changed from {old.get(key)!r} to {new.get(key)!r}"
        for key in VALIDATION_KEYWORDS
        if old.get(key) != new.get(key)
    ]
    problems += _diff_enum(old, new, path)
    if "properties" in old or "properties" in new:
        problems += _diff_object(old, new, path, pair)
    for key, suffix in (("items", "[]"), ("additionalProperties", "{}")):
        o, n = old.get(key, True), new.get(key, True)
        if isinstance(o, dict) and isinstance(n, dict):
            problems += _diff(o, n, path + suffix, pair)
        elif isinstance(o, dict) != isinstance(n, dict):
            problems.append(f"{_at(path)}{suffix}: type changed from {o!r} to {n!r}")
    return problems


def _diff_enum(old: Schema, new: Schema, path: str) -> list[str]:
    # Any change to an enum breaks someone: a removed value breaks producers relying on it,
    # an added one breaks consumers that validate enums strictly (ours do, with pydantic).
    if "enum" not in new:
        return []  # no enum any more: every value allowed
    if "enum" not in old:
        return [f"{_at(path)}: restricted to the values {new['enum']!r}"]
    removed = [value for value in old["enum"] if value not in new["enum"]]
    added = [value for value in new["enum"] if value not in old["enum"]]
    problems = [f"{_at(path)}: enum narrowed, values {removed!r} removed"] if removed else []
    if added:
        problems.append(f"{_at(path)}: enum widened, values {added!r} added (needs a new version)")
    return problems


def _diff_object(old: Schema, new: Schema, path: str, pair: _Pair) -> list[str]:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    problems: list[str] = []
    for name in sorted(old_props.keys() | new_props.keys()):
        where = f"{path}.{name}" if path else name
        if name not in new_props:
            problems.append(f"{where}: field removed")
        elif name not in old_props:
            problems += [f"{where}: new required field"] if name in new_req else []
        else:
            if name in new_req - old_req:
                problems.append(f"{where}: optional field became required")
            problems += _diff(old_props[name], new_props[name], where, pair)
    return problems


def schema_incompatibilities(old: Schema, new: Schema) -> list[str]:
    """Return why `new` would break consumers written against `old` (empty if compatible)."""
    return _diff(old, new, "", _Pair(old, new))


def incompatibilities(snapshot: Mapping[str, Schema], current: Mapping[str, Schema]) -> list[str]:
    """Compare snapshotted schemas (by `<type>.v<version>`) with the current ones."""
    problems: list[str] = []
    for name in sorted(snapshot):
        if name not in current:
            problems.append(f"{name}: event type removed (it must stay registered)")
            continue
        found = schema_incompatibilities(snapshot[name], current[name])
        problems += [f"{name}: {problem}" for problem in found]
    return problems
