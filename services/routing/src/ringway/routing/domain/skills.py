"""Skill and language checks on profiles."""

from __future__ import annotations

MIN_PROFICIENCY = 1
MAX_PROFICIENCY = 10


class InvalidSkills(ValueError):
    """Skill names must be non-empty and proficiencies 1-10."""

    def __init__(self, invalid: list[str]) -> None:
        super().__init__(f"invalid skills: {', '.join(invalid)}")
        self.invalid = invalid


def validate_skills(skills: dict[str, int]) -> dict[str, int]:
    """Return the skills normalized, or raise InvalidSkills."""
    bad = sorted(name for name, level in skills.items()
                 if not name.strip() or not MIN_PROFICIENCY <= level <= MAX_PROFICIENCY)
    if bad:
        raise InvalidSkills(bad)
    return {name.strip(): level for name, level in skills.items()}


def contact_language(requested: str | None, profile_language: str | None) -> str | None:
    """The contact's own language wins; else the customer's registered one."""
    return requested or profile_language
