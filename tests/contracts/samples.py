"""Build a sample payload for any event model from its fields, so every event is covered.

A field's first `examples=` value wins; otherwise a value is made from its type. A type this
builder does not know raises `TypeError`: give that field `examples=[...]` in the contract.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

import jsonschema
from pydantic import BaseModel
from pydantic.fields import FieldInfo

SCALARS: dict[type, Any] = {
    bool: True,
    float: 2.5,
    Decimal: "12.50",
    UUID: "0b1e4c56-2f3a-4d5e-8f90-a1b2c3d4e5f6",
    datetime: "2025-03-04T05:06:07.123456Z",
    date: "2025-03-04",
}


def sample(model: type[BaseModel], *, optional: bool = True) -> dict[str, Any]:
    """Return JSON-ready data for a model; with `optional=False` only its required fields."""
    return {
        name: value(name, info.annotation, info)
        for name, info in model.model_fields.items()
        if optional or info.is_required()
    }


def value(name: str, annotation: Any, info: FieldInfo | None = None) -> Any:
    """Return a valid JSON value for one field (optional fields get a real value, not None)."""
    if info is not None and info.examples:
        return info.examples[0]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return value(name, args[0], info)
    if origin in (Union, types.UnionType):
        return value(name, next(a for a in args if a is not type(None)), info)
    if origin is Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset, Sequence):
        return [value(name, args[0])]
    if origin in (dict, Mapping):
        return {str(value(f"{name}_key", args[0])): value(name, args[1])}
    return _plain(name, annotation, info)


def _plain(name: str, annotation: Any, info: FieldInfo | None) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return list(annotation)[-1].value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample(annotation)
    if annotation is int:
        return _integer(info)
    if annotation is str:
        return f"{name}-1"
    if annotation in SCALARS:
        return SCALARS[annotation]
    raise TypeError(f"no sample for field {name!r} of type {annotation!r}: give it examples=[...]")


def _integer(info: FieldInfo | None) -> int:
    """Return 7, moved inside any ge/gt/le/lt bounds of the field."""
    number = 7
    for bound in info.metadata if info is not None else ():
        number = max(number, getattr(bound, "ge", number), getattr(bound, "gt", number - 1) + 1)
        number = min(number, getattr(bound, "le", number), getattr(bound, "lt", number + 1) - 1)
    return number


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(instance: object) -> bool:
    """RFC 3339 date-time with a zone, as pydantic writes it."""
    if not isinstance(instance, str):
        return True
    return datetime.fromisoformat(instance).tzinfo is not None


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """Return a draft 2020-12 validator that also checks `date-time` formats."""
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
