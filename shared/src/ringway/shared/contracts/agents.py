"""Topic `agents`, keyed by agent id: profiles and state changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from ringway.shared.events.envelope import EventData
from ringway.shared.events.registry import event

TOPIC = "agents"


class AgentState(StrEnum):
    """Routing's agent states."""

    OFFLINE = "offline"
    AVAILABLE = "available"
    RESERVED = "reserved"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    NOT_READY = "not_ready"


@event("agent.created", topic=TOPIC, key="agent_id")
class AgentCreated(EventData):
    """An agent profile was created."""

    agent_id: str
    display_name: str
    skills: dict[str, int] = Field(default_factory=dict, description="Skill -> proficiency 1-10.")
    created_at: datetime
    queue_ids: list[str] = Field(default_factory=list,
                                 description="Queues the agent serves (its agent pools).")
    blended: bool = Field(default=False, description="May take outbound work.")


@event("agent.state_changed", topic=TOPIC, key="agent_id")
class AgentStateChanged(EventData):
    """An agent moved from one state to another."""

    agent_id: str
    previous: AgentState
    state: AgentState
    reason: str | None = Field(default=None, description="Not-ready reason code.")
    changed_at: datetime
    queue_ids: list[str] = Field(default_factory=list,
                                 description="Queues the agent serves at the time of the change.")
    blended: bool = Field(default=False, description="May take outbound work.")
    forced_by: str | None = Field(default=None, description="The supervisor who forced this "
                                  "change; None when the agent or routing made it.")


@event("agent.updated", topic=TOPIC, key="agent_id")
class AgentUpdated(EventData):
    """An agent's routing profile changed (skills, served queues, blending)."""

    agent_id: str
    skills: dict[str, int] = Field(default_factory=dict, description="Skill -> proficiency 1-10.")
    queue_ids: list[str] = Field(default_factory=list, description="Queues the agent serves.")
    blended: bool = Field(default=False, description="May take outbound work.")
    updated_at: datetime
