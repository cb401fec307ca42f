"""Published event contracts, one module per topic.

Importing this package registers every event in `ringway.shared.events.REGISTRY`.
"""

from ringway.shared.contracts import (
    agents,
    alerts,
    callbacks,
    contacts,
    dialer,
    routing,
    selfservice,
    surveys,
)
from ringway.shared.contracts.topics import TOPICS, TopicSpec

__all__ = [
    "TOPICS",
    "TopicSpec",
    "agents",
    "alerts",
    "callbacks",
    "contacts",
    "dialer",
    "routing",
    "selfservice",
    "surveys",
]
