"""Compliance profiles from configuration: the shipped defaults plus an optional file of more."""

from __future__ import annotations

import json
from pathlib import Path

from ringway.dialer.domain.compliance import Profile, parse_profiles

DEFAULTS = Path(__file__).with_name("compliance_profiles.json")


def load_profiles(extra: Path | None = None) -> dict[str, Profile]:
    """Shipped profiles (US, UK, FR), overridden or extended by `extra` (same JSON shape)."""
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    if extra is not None:
        data.update(json.loads(extra.read_text(encoding="utf-8")))
    return parse_profiles(data)
