"""Routing rules: the matching engine and profile checks, with no I/O and an injected clock."""

from ringway.routing.domain import effects
from ringway.routing.domain.engine import RoutingEngine
from ringway.routing.domain.errors import InvalidRequest, InvalidTransition, UnknownEntity
from ringway.routing.domain.model import (
    AgentSpec,
    ContactSpec,
    ContactStatus,
    OverflowStep,
    Presence,
    QueueSpec,
    Requirement,
    Strategy,
)
from ringway.routing.domain.skills import InvalidSkills, contact_language, validate_skills

__all__ = [
    "AgentSpec",
    "ContactSpec",
    "ContactStatus",
    "InvalidRequest",
    "InvalidSkills",
    "InvalidTransition",
    "OverflowStep",
    "Presence",
    "QueueSpec",
    "Requirement",
    "RoutingEngine",
    "Strategy",
    "UnknownEntity",
    "contact_language",
    "effects",
    "validate_skills",
]
