"""Hot-path ids and event rows: the same format and the same rows as the general helpers."""

from __future__ import annotations

from datetime import UTC, datetime

import ulid

from ringway.selfservice.ids import event_row, new_ulid
from ringway.shared.bus.base import Record
from ringway.shared.contracts.selfservice import SelfServiceActionCompleted
from ringway.shared.db.outbox import outbox_row
from ringway.shared.events.envelope import Envelope


def test_ulids_parse_as_ulids_of_now_and_keep_increasing() -> None:
    before = datetime.now(UTC)
    made = [new_ulid() for _ in range(5000)]  # many share a millisecond

    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(len(u) == 26 for u in made)
    stamped = ulid.ULID.from_str(made[0]).datetime
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= stamped


def test_an_event_row_is_the_row_the_outbox_helper_writes_for_the_event() -> None:
    data = SelfServiceActionCompleted(
        customer_id="01CUSTOMER0000000000000001", session_id="sesión-ü", action="account_viewed",
        outcome="succeeded", occurred_at=datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC))

    fast = event_row(data, source="selfservice")

    parsed = Envelope.from_bytes(str(fast["payload"]).encode())
    envelope = Envelope.wrap(data, source="selfservice").model_copy(
        update={"id": fast["event_id"], "time": parsed.time})
    general = outbox_row(Record.of(data.topic, envelope, key=data.key()), envelope.id)
    assert fast["payload"] == general["payload"]  # byte for byte, as pydantic writes it
    assert {k: v for k, v in fast.items() if k != "created_at"} == {
        k: v for k, v in general.items() if k != "created_at"}
    assert fast["created_at"] == parsed.time
