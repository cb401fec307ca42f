"""argon2id password hashing, sized by settings, always off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hashes and verifies passwords with argon2id (memory-hard)."""

    def __init__(self, *, memory_kib: int = 65_536, time_cost: int = 3) -> None:
        # The defaults are argon2-cffi's RFC 9106 "low memory" profile.
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                                      parallelism=4, type=Type.ID)
        # Verified when the e-mail is unknown, so a miss costs as long as a wrong password.
        self._dummy = self._hasher.hash("no such customer: equal timing")

    async def hash(self, password: str) -> str:
        """The argon2id hash of a password (tens of ms of CPU in a worker thread)."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """True when the password matches; a missing hash costs the same and fails."""
        return await asyncio.to_thread(self._verify, stored, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            matched = self._hasher.verify(stored or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return matched and stored is not None
