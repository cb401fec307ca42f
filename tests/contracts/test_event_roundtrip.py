"""Every registered event survives the wire and matches its published schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ringway.shared.events import REGISTRY, Envelope, EventData
from ringway.shared.events.catalog import event_schema, load_catalogue, schema_name

from .samples import sample, validator

load_catalogue()
MODELS = list(REGISTRY)


def test_the_registry_holds_every_contract_module() -> None:
    topics = {model.topic for model in MODELS}
    assert {"contacts", "agents", "callbacks", "dialer", "selfservice"} <= topics


@pytest.mark.parametrize("model", MODELS, ids=schema_name)
def test_event_round_trips_through_json_in_an_envelope(model: type[EventData]) -> None:
    data = sample(model)
    assert None not in data.values(), "optional fields must be exercised with real values"
    sent = model.model_validate(data)
    envelope = Envelope.wrap(sent, source="contract-test")

    received = Envelope.from_bytes(envelope.to_bytes())
    decoded = REGISTRY.decode(received)

    assert received == envelope
    assert isinstance(decoded, model)
    assert decoded.model_dump() == sent.model_dump()
    assert (received.type, received.schemaversion) == (model.event_type, model.version)
    assert received.subject == sent.key() == str(data[model.key_field])


@pytest.mark.parametrize("model", MODELS, ids=schema_name)
@pytest.mark.parametrize("optional", [True, False], ids=["all-fields", "required-only"])
def test_wire_json_matches_the_published_schema(model: type[EventData], optional: bool) -> None:
    sent = model.model_validate(sample(model, optional=optional))
    wire = Envelope.from_bytes(Envelope.wrap(sent, source="contract-test").to_bytes())

    errors = [
        e.message for e in validator(event_schema(model)).iter_errors(wire.model_dump(mode="json"))
    ]

    assert errors == []


@pytest.mark.parametrize("model", MODELS, ids=schema_name)
def test_schema_rejects_an_envelope_of_another_type(model: type[EventData]) -> None:
    sent = model.model_validate(sample(model))
    wire = Envelope.wrap(sent, source="contract-test").model_dump(mode="json")

    assert not validator(event_schema(model)).is_valid({**wire, "type": "something.else"})
    assert not validator(event_schema(model)).is_valid({**wire, "schemaversion": model.version + 1})


@pytest.mark.parametrize("model", MODELS, ids=schema_name)
def test_decode_ignores_fields_a_newer_producer_added(model: type[EventData]) -> None:
    sent = model.model_validate(sample(model))
    newer = {**sent.model_dump(mode="json"), "added_later": {"nested": [1, 2]}, "zz_flag": True}
    envelope = Envelope(
        type=model.event_type,
        source="newer",
        subject=sent.key(),
        schemaversion=model.version,
        data=newer,
    )

    decoded = REGISTRY.decode(Envelope.from_bytes(envelope.to_bytes()))

    assert decoded.model_dump() == sent.model_dump()
    assert validator(event_schema(model)).is_valid(envelope.model_dump(mode="json"))
    with pytest.raises(ValidationError, match="added_later"):
        model.model_validate(newer)  # producers stay strict
