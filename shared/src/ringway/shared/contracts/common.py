"""Types shared by several contracts."""

from enum import StrEnum


class Channel(StrEnum):
    """Media a contact arrives on."""

    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"
