"""Contact lists: streamed CSV/NDJSON/JSON uploads, per-row errors, merging, do-not-call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from dialer_harness import Dialer, DialerFactory, campaign, contacts
from test_dialer_api import assert_problem

CSV = (
    "phone,customer_id,priority,name,plan,timezone\n"
    "+1 415 555 0100,c-1,5,Ada,gold,\n"
    "(212) 555-0100,,,Grace,,\n"          # national format: the campaign's default region
    "not a number,,,Bad,,\n"
    "+14155550100,,9,,platinum,\n"        # duplicate of row 1: merged
    "+18005550100,,,Toll,,America/Chicago\n"
    "+12125550101,,500,Big,,\n"
    "+12125550102,,,Zone,,Mars/Base\n"
    ",,,Nobody,,\n"
    '+12125550103,,,"Smith, ""Jr""\nsecond line",,\n'
)


async def post(dialer: Dialer, campaign_id: str, content: Any, kind: str = "text/csv") -> Any:
    headers = {**await dialer.headers("supervisor"), "content-type": kind}
    return await dialer.client.post(f"/campaigns/{campaign_id}/lists", content=content,
                                    headers=headers)


async def get(dialer: Dialer, path: str) -> Any:
    response = await dialer.client.get(path, headers=await dialer.headers("supervisor"))
    assert response.status_code == 200, response.text
    return response.json()


async def list_campaign(dialer: Dialer) -> str:
    return await campaign(dialer, start=False, enrol_on=[], purpose="sales",
                          settings={"default_region": "US"})


async def test_a_csv_list_loads_with_normalized_numbers_merges_and_row_errors(
        dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    response = await post(dialer, campaign_id, CSV.encode())
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["status"], result["rows_read"]) == ("completed", 9)
    assert (result["accepted"], result["merged"], result["invalid"]) == (4, 1, 4)
    page = await contacts(dialer, campaign_id)
    by_phone = {c["phone"]: c for c in page["items"]}
    assert set(by_phone) == {"+14155550100", "+12125550100", "+18005550100", "+12125550103"}
    ada = by_phone["+14155550100"]
    assert ada["attributes"] == {"name": "Ada", "plan": "platinum"}
    assert (ada["priority"], ada["customer_id"], ada["trigger"]) == (9, "c-1", "list")
    assert ada["zones"] == ["America/Los_Angeles"]
    assert by_phone["+18005550100"]["zones"] == ["America/Chicago"]
    assert by_phone["+12125550103"]["attributes"]["name"] == 'Smith, "Jr"\nsecond line'
    errors = await get(dialer, f"/campaigns/{campaign_id}/lists/{result['id']}/errors")
    assert [(e["row"], e["reason"]) for e in errors] == [
        (3, "unparseable_phone"), (6, "invalid_priority"), (7, "invalid_timezone"),
        (8, "missing_phone")]


async def test_every_rejected_row_has_its_own_reason(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    rows = "phone,priority,timezone\n+1415555010x,,\n+14155550101,500,\n+14155550102,,Mars/X\n,,\n"
    result = (await post(dialer, campaign_id, rows.encode())).json()
    errors = await get(dialer, f"/campaigns/{campaign_id}/lists/{result['id']}/errors")
    assert [(e["row"], e["reason"]) for e in errors] == [
        (1, "invalid_phone"), (2, "invalid_priority"), (3, "invalid_timezone"),
        (4, "missing_phone")]
    assert all(e["detail"] for e in errors)


async def test_a_second_upload_merges_into_the_contacts_already_there(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    await post(dialer, campaign_id, b"phone,name\n+14155550100,Ada\n")
    second = (await post(dialer, campaign_id, b"phone,plan\n+14155550100,gold\n"
                         b"+14155550101,silver\n")).json()
    assert (second["accepted"], second["merged"]) == (1, 1)
    page = await contacts(dialer, campaign_id)
    assert page["total"] == 2
    assert page["items"][0]["attributes"] == {"name": "Ada", "plan": "gold"}


async def test_ndjson_and_json_lists_load_the_same_way(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    ndjson = b'{"phone": "+14155550100", "priority": 3, "name": "Ada"}\n[1, 2]\n'
    result = (await post(dialer, campaign_id, ndjson, "application/x-ndjson")).json()
    assert (result["format"], result["accepted"], result["invalid"]) == ("ndjson", 1, 1)
    body = {"contacts": [{"phone": "+12125550100", "customer_id": "c-9"}]}
    response = await dialer.client.post(f"/campaigns/{campaign_id}/lists", json=body,
                                        headers=await dialer.headers("supervisor"))
    assert response.json()["accepted"] == 1
    page = await contacts(dialer, campaign_id)
    assert {c["phone"]: c["priority"] for c in page["items"]} == {
        "+14155550100": 3, "+12125550100": 0}


async def test_numbers_on_a_do_not_call_list_are_rejected_at_load(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    headers = await dialer.headers("supervisor")
    added = await dialer.client.post("/do-not-call", json={"phones": ["+14155550100", "12"]},
                                     headers=headers)
    assert added.json()["added"] == 1
    assert added.json()["invalid"][0]["index"] == 1
    result = (await post(dialer, campaign_id, b"phone\n+14155550100\n+14155550101\n")).json()
    assert (result["accepted"], result["invalid"]) == (1, 1)
    errors = await get(dialer, f"/campaigns/{campaign_id}/lists/{result['id']}/errors")
    assert errors[0]["reason"] == "do_not_call"


async def test_a_list_without_phone_column_is_a_400_and_loads_nothing(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    body = assert_problem(await post(dialer, campaign_id, b"name,plan\nAda,gold\n"), 400,
                          "unreadable-list")
    assert body["reason"] == "missing_phone_column"
    upload = await get(dialer, f"/campaigns/{campaign_id}/lists/{body['upload_id']}")
    assert upload["status"] == "failed"


async def test_a_stream_that_breaks_midway_leaves_no_half_written_list(
        dialer_factory: DialerFactory) -> None:
    dialer = await dialer_factory(upload_batch_rows=10)
    campaign_id = await list_campaign(dialer)

    async def broken() -> AsyncIterator[bytes]:
        yield b"phone\n" + b"".join(b"+1415555%04d\n" % n for n in range(100, 150))
        yield b"+14155559999\n\xff\xfe\n"

    body = assert_problem(await post(dialer, campaign_id, broken()), 400, "unreadable-list")
    assert body["reason"] == "invalid_encoding"
    assert (await contacts(dialer, campaign_id))["total"] == 0
    upload = await get(dialer, f"/campaigns/{campaign_id}/lists/{body['upload_id']}")
    assert upload["status"] == "failed"
    assert upload["rows_read"] >= 40  # batches had been committed, then taken back


async def test_progress_is_visible_while_a_large_list_streams_in(
        dialer_factory: DialerFactory) -> None:
    dialer = await dialer_factory(upload_batch_rows=50)
    campaign_id = await list_campaign(dialer)
    seen: list[int] = []

    async def slow() -> AsyncIterator[bytes]:
        yield b"phone\n"
        for block in range(5):
            yield b"".join(b"+1415555%04d\n" % (block * 100 + n) for n in range(100))
            page = await dialer.client.get(f"/campaigns/{campaign_id}/contacts",
                                           headers=await dialer.headers("supervisor"))
            seen.append(page.json()["total"])

    result = (await post(dialer, campaign_id, slow())).json()
    assert result["accepted"] == 500
    assert seen == sorted(seen)
    assert 0 < seen[2] < 500


@pytest.mark.parametrize("kind", ["text/plain", "application/xml"])
async def test_other_media_types_are_415(dialer: Dialer, kind: str) -> None:
    campaign_id = await list_campaign(dialer)
    assert_problem(await post(dialer, campaign_id, b"phone\n", kind), 415,
                   "unsupported-media-type")


async def test_a_completed_campaign_takes_no_list(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    await dialer.client.post(f"/campaigns/{campaign_id}/stop",
                             headers=await dialer.headers("supervisor"))
    assert_problem(await post(dialer, campaign_id, b"phone\n+14155550100\n"), 409,
                   "campaign-completed")


async def test_agents_cannot_upload_lists(dialer: Dialer) -> None:
    campaign_id = await list_campaign(dialer)
    response = await dialer.client.post(
        f"/campaigns/{campaign_id}/lists", content=b"phone\n+14155550100\n",
        headers={**await dialer.headers("agent"), "content-type": "text/csv"})
    assert_problem(response, 403, "forbidden")
