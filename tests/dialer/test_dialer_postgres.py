"""The dialer on real PostgreSQL: dialect insert-or-skip, JSON triggers."""

from __future__ import annotations

import pytest
from dialer_harness import (
    ENROLLED,
    DialerFactory,
    campaign,
    contacts,
    customer_registered,
)

pytestmark = pytest.mark.postgres


async def test_a_customer_is_enrolled_once_on_postgres(dialer_factory: DialerFactory,
                                                       pg_url: str) -> None:
    dialer = await dialer_factory(database_url=pg_url)
    welcome = await campaign(dialer, start=True)
    first = customer_registered("cust-pg", "+14155550100")
    await dialer.deliver(first)
    await dialer.deliver(first)
    await dialer.deliver(customer_registered("cust-pg", "+14155550199"))
    await dialer.wait_consumed(3)

    assert (dialer.consumer.handled, dialer.consumer.duplicates) == (2, 1)
    page = await contacts(dialer, welcome)
    assert [c["phone"] for c in page["items"]] == ["+14155550100"]
    assert page["items"][0]["enrolled_at"].endswith("Z")
    assert await dialer.outbox_count(ENROLLED) == 1
    assert dialer.bus.pending("selfservice.dlq") == 0
