"""Types shared by several contracts."""

from enum import StrEnum


class Channel(StrEnum):
    """Media a contact arrives on."""

    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"


class Direction(StrEnum):
    """Who started the contact."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
