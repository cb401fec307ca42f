"""The snapshot compatibility checker catches every change that breaks consumers, and only those."""

from __future__ import annotations

import copy
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal

import pytest
from pydantic import BaseModel, Field

from ringway.shared.events import EventData
from ringway.shared.events.catalog import event_schema
from ringway.shared.events.compat import incompatibilities, schema_incompatibilities


class Colour(StrEnum):
    """Colours v1 knows."""

    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class FewerColours(StrEnum):
    RED = "red"
    GREEN = "green"


class MoreColours(StrEnum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"
    YELLOW = "yellow"


class Address(BaseModel):
    street: str
    city: str


class CityOnly(BaseModel):
    city: str


class Thing(EventData):
    """Base of the test events: not registered, only turned into schemas."""

    event_type: ClassVar[str] = "thing.happened"
    topic: ClassVar[str] = "things"
    version: ClassVar[int] = 1
    key_field: ClassVar[str] = "thing_id"


class V1(Thing):
    """A thing happened."""

    thing_id: str
    colour: Colour
    size: int = Field(default=0, ge=0)
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    scores: dict[str, int] = Field(default_factory=dict)
    address: Address | None = None
    happened_at: datetime


class NoteRemoved(Thing):
    thing_id: str
    colour: Colour
    size: int = Field(default=0, ge=0)
    tags: list[str] = Field(default_factory=list)
    scores: dict[str, int] = Field(default_factory=dict)
    address: Address | None = None
    happened_at: datetime


class SizeRequired(V1):
    size: int = Field(ge=0)


class OwnerRequired(V1):
    owner_id: str


class SizeIsText(V1):
    size: str = "0"  # type: ignore[assignment]


class HappenedOnADate(V1):
    happened_at: date  # type: ignore[assignment]


class NoteNotNullable(V1):
    note: str = ""


class NoteFromAList(V1):
    note: Literal["fragile", "heavy"] | None = None


class ColoursNarrowed(V1):
    colour: FewerColours  # type: ignore[assignment]


class SizeCapped(V1):
    size: int = Field(default=0, ge=0, le=10)


class TagsAreNumbers(V1):
    tags: list[int] = Field(default_factory=list)  # type: ignore[assignment]


class ScoresAreText(V1):
    scores: dict[str, str] = Field(default_factory=dict)  # type: ignore[assignment]


class StreetRemoved(V1):
    address: CityOnly | None = None  # type: ignore[assignment]


class MovedTopic(V1):
    topic: ClassVar[str] = "other-things"


class OptionalAdded(V1):
    """Reworded: something happened to a thing."""

    weight_g: int | None = Field(default=None, description="Added later.")


class ColoursWidened(V1):
    colour: MoreColours  # type: ignore[assignment]


class ReDescribed(V1):
    """Completely new wording."""

    thing_id: str = Field(description="Now documented.", examples=["t-1"])


class HappenedAtDefaulted(V1):
    """A required field got a default: producers still always send it."""

    happened_at: datetime = Field(default_factory=datetime.now)


BASE = event_schema(V1)

INCOMPATIBLE = [
    (NoteRemoved, "data.note: field removed"),
    (SizeRequired, "data.size: optional field became required"),
    (OwnerRequired, "data.owner_id: new required field"),
    (SizeIsText, "data.size: type changed from integer to string"),
    (HappenedOnADate, "data.happened_at: `format` changed from 'date-time' to 'date'"),
    (NoteNotNullable, "data.note: type changed from null|string to string"),
    (ColoursNarrowed, "data.colour: enum narrowed, values ['blue'] removed"),
    (NoteFromAList, "data.note: restricted to the values ['fragile', 'heavy']"),
    (SizeCapped, "data.size: `maximum` changed from None to 10"),
    (TagsAreNumbers, "data.tags[]: type changed from string to integer"),
    (ScoresAreText, "data.scores{}: type changed from integer to string"),
    (StreetRemoved, "data.address.street: field removed"),
    (MovedTopic, "(envelope): `x-topic` changed from 'things' to 'other-things'"),
    (ColoursWidened, "data.colour: enum widened, values ['yellow'] added (needs a new version)"),
]
COMPATIBLE: list[type[EventData]] = [
    V1,
    OptionalAdded,
    ReDescribed,
    HappenedAtDefaulted,
]


@pytest.mark.parametrize(
    ("model", "problem"), INCOMPATIBLE, ids=[m.__name__ for m, _ in INCOMPATIBLE]
)
def test_checker_detects_an_incompatible_change(model: type[EventData], problem: str) -> None:
    assert schema_incompatibilities(BASE, event_schema(model)) == [problem]


@pytest.mark.parametrize("model", COMPATIBLE, ids=[m.__name__ for m in COMPATIBLE])
def test_checker_accepts_a_compatible_change(model: type[EventData]) -> None:
    assert schema_incompatibilities(BASE, event_schema(model)) == []


def test_compatible_changes_still_change_the_schema() -> None:
    changed = [m for m in COMPATIBLE if event_schema(m) != BASE]

    assert changed == COMPATIBLE[1:]  # so `check` reports the snapshot as outdated


def test_removing_an_event_type_is_incompatible_and_adding_one_is_not() -> None:
    other = copy.deepcopy(BASE) | {"title": "other.happened v1"}

    removed = incompatibilities({"thing.happened.v1": BASE}, {})
    added = incompatibilities(
        {"thing.happened.v1": BASE}, {"thing.happened.v1": BASE, "other.v1": other}
    )

    assert removed == ["thing.happened.v1: event type removed (it must stay registered)"]
    assert added == []


def test_a_new_version_leaves_the_old_one_to_be_checked() -> None:
    v2 = event_schema(SizeIsText)

    problems = incompatibilities(
        {"thing.happened.v1": BASE}, {"thing.happened.v1": BASE, "thing.happened.v2": v2}
    )

    assert problems == []


def mutated(edit: Any) -> dict[str, Any]:
    """A deep copy of the base schema after `edit(schema)` changed it in place."""
    schema = copy.deepcopy(BASE)
    edit(schema)
    return schema


def test_checker_reports_every_problem_of_a_hand_edited_schema() -> None:
    def edit(schema: dict[str, Any]) -> None:
        data = schema["properties"]["data"]
        del data["properties"]["tags"]
        data["required"].append("note")
        data["properties"]["size"]["type"] = "number"
        schema["$defs"]["Colour"]["enum"].remove("red")

    problems = schema_incompatibilities(BASE, mutated(edit))

    assert problems == [
        "data.colour: enum narrowed, values ['red'] removed",
        "data.note: optional field became required",
        "data.size: type changed from integer to number",
        "data.tags: field removed",
    ]


def test_recursive_schemas_are_compared_without_looping() -> None:
    node: dict[str, Any] = {
        "type": "object",
        "properties": {"child": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
    }
    old: dict[str, Any] = {"$defs": {"Node": node}, "$ref": "#/$defs/Node"}
    new = copy.deepcopy(old)
    new["$defs"]["Node"]["properties"]["label"] = {"type": "string"}
    new["$defs"]["Node"]["required"] = ["label"]

    assert schema_incompatibilities(old, new) == ["label: new required field"]
