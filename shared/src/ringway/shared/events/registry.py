"""Registry of event types -> payload models, filled by the contract modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from ringway.shared.events.envelope import Envelope, EventData

T = TypeVar("T", bound=EventData)


class UnknownEventType(LookupError):
    """The envelope's type/version is not in the registry."""


class EventRegistry:
    """Maps (type, version) to the pydantic model of its payload."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[EventData]] = {}
        self._lenient: dict[tuple[str, int], type[BaseModel]] = {}

    def register(self, model: type[EventData]) -> None:
        """Add a payload model; a second model for the same type and version is an error."""
        key = (model.event_type, model.version)
        if key in self._models and self._models[key] is not model:
            raise ValueError(f"event {key} registered twice")
        self._models[key] = model
        # Consumers must tolerate fields added by newer producers.
        self._lenient[key] = type(
            f"{model.__name__}Lenient", (model,), {"model_config": ConfigDict(extra="ignore")}
        )

    def model(self, event_type: str, version: int = 1) -> type[EventData]:
        """Return the strict model for a type and version."""
        try:
            return self._models[(event_type, version)]
        except KeyError:
            raise UnknownEventType(f"{event_type} v{version}") from None

    def decode(self, envelope: Envelope) -> EventData:
        """Validate an envelope's data with its model, ignoring unknown fields."""
        key = (envelope.type, envelope.schemaversion)
        if key not in self._lenient:
            raise UnknownEventType(f"{envelope.type} v{envelope.schemaversion}")
        decoded = self._lenient[key].model_validate(envelope.data)
        assert isinstance(decoded, EventData)
        return decoded

    def __iter__(self) -> Iterator[type[EventData]]:
        return iter(sorted(self._models.values(), key=lambda m: (m.topic, m.event_type, m.version)))

    def topics(self) -> dict[str, list[type[EventData]]]:
        """Return the registered payload models grouped by topic."""
        grouped: dict[str, list[type[EventData]]] = {}
        for model in self:
            grouped.setdefault(model.topic, []).append(model)
        return grouped


REGISTRY = EventRegistry()


def event(
    event_type: str, *, topic: str, key: str, version: int = 1
) -> Callable[[type[T]], type[T]]:
    """Class decorator declaring an event payload model and registering it."""

    def decorate(model: type[T]) -> type[T]:
        model.event_type = event_type
        model.topic = topic
        model.version = version
        model.key_field = key
        if key not in model.model_fields:
            raise TypeError(f"{model.__name__}: key field {key!r} is not a field")
        REGISTRY.register(model)
        return model

    return decorate
