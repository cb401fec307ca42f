"""ULIDs at a fraction of python-ulid's cost (about 12 µs each, more than a grouped read's SQL).

Same format (26 Crockford base32 characters: 48-bit milliseconds, 80 random bits) and, like
python-ulid, strictly increasing within a millisecond, so rows sorted by id keep their order.
"""

from __future__ import annotations

import base64
import os
import threading
import time

from ringway.shared.bus.base import Record
from ringway.shared.db.outbox import outbox_row
from ringway.shared.events.envelope import Envelope, EventData

_RFC4648 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CROCKFORD = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TO_CROCKFORD = bytes.maketrans(_RFC4648, _CROCKFORD)
_lock = threading.Lock()
_last = [0, 0]  # milliseconds, randomness of the last id


def new_ulid() -> str:
    """A new ULID string, greater than every one this process made before."""
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last[0]:
            ms, randomness = _last[0], _last[1] + 1  # same millisecond (or clock stepped back)
        else:
            randomness = int.from_bytes(os.urandom(10), "big")
        _last[0], _last[1] = ms, randomness
    # 20 bytes encode to 32 characters; the last 26 hold the 130 low bits: 2 zero bits, then
    # the 128-bit ULID.
    raw = ((ms << 80) | randomness).to_bytes(20, "big")
    return base64.b32encode(raw)[6:].translate(_TO_CROCKFORD).decode()


def event_row(data: EventData, *, source: str) -> dict[str, object]:
    """The outbox row of an event, as `UnitOfWork.outbox_row` builds it, with a fast id."""
    envelope = Envelope(id=new_ulid(), type=data.event_type, source=source, subject=data.key(),
                        schemaversion=data.version, data=data.model_dump(mode="json"))
    return outbox_row(Record.of(data.topic, envelope, key=data.key()), envelope.id)
