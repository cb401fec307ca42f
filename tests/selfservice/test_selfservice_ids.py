"""Hot-path ids and event rows: the same format and the same rows as the general helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import ulid

from ringway.selfservice.ids import account_viewed_row, event_row, new_ulid
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


def without_ids(row: dict[str, object]) -> dict[str, object]:
    """A row with its event id and time blanked (each row gets its own)."""
    payload = json.loads(str(row["payload"]))
    payload.update(id="", time="")
    headers = [h for h in json.loads(str(row["headers"])) if str(row["event_id"]) not in h]
    return {**row, "event_id": "", "created_at": None, "headers": headers,
            "payload": json.dumps(payload), "raw": str(row["payload"]).split('"data":', 1)[1]}


@pytest.mark.parametrize("occurred_at", [
    datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, 1000, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=timezone(timedelta(hours=1)))])
def test_an_account_viewed_row_is_the_row_of_the_event_built_through_its_model(
        occurred_at: datetime) -> None:
    data = SelfServiceActionCompleted(
        customer_id="01CUSTOMER0000000000000001", session_id="sesión-ü", action="account_viewed",
        outcome="succeeded", occurred_at=occurred_at)

    fast = account_viewed_row("01CUSTOMER0000000000000001", "sesión-ü", occurred_at,
                              source="selfservice")

    assert without_ids(fast) == without_ids(event_row(data, source="selfservice"))
