"""List-load part of bench/dialer.py: one child process per mode, so peak RSS is its own.

Modes: `stream` posts the CSV through the dialer app (httpx ASGI, 64 KiB chunks) into the
streamed, batch-committed upload; `naive` reads the file whole, parses every row into a
list, then inserts everything in one transaction (the load-everything baseline).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import resource
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

CHUNK = 64 * 1024


def write_csv(path: Path, rows: int) -> None:
    """`rows` distinct valid New York numbers with a few attributes, 0.5% invalid."""
    with path.open("w", encoding="utf-8") as out:
        out.write("phone,customer_id,priority,name,plan\n")
        for i in range(rows):
            phone = "+1212-bad" if i % 200 == 199 else f"+1212{2000000 + i:07d}"
            out.write(f"{phone},c{i},{i % 10},Customer {i},plan-{i % 7}\n")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _app(tmp: Path):  # type: ignore[no-untyped-def]
    import httpx

    from ringway.dialer.app import create_app
    from ringway.dialer.settings import DialerSettings
    from ringway.shared.bus.inprocess import InProcessBus
    from ringway.shared.web.auth import Authenticator
    bus = InProcessBus()
    await bus.start()
    settings = DialerSettings(data_dir=tmp, database_url=f"sqlite+aiosqlite:///{tmp}/d.db")
    app = create_app(settings, bus, Authenticator("b" * 40, admin_api_key="k" * 32))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://d",
                               headers={"X-API-Key": "k" * 32}, timeout=None)
    return app, client


async def _campaign(client) -> str:  # type: ignore[no-untyped-def]
    body = {"name": "bench", "purpose": "sales", "dialing_mode": "progressive",
            "queue_id": "q", "settings": {"default_region": "US"}}
    response = await client.post("/campaigns", json=body)
    return str(response.json()["id"])


async def stream(csv_path: Path, tmp: Path) -> dict[str, float]:
    app, client = await _app(tmp)
    async with app.router.lifespan_context(app), client:
        campaign_id = await _campaign(client)
        base = peak_rss_mib()

        async def chunks() -> AsyncIterator[bytes]:
            with csv_path.open("rb") as source:
                while block := source.read(CHUNK):
                    yield block

        started = time.perf_counter()
        response = await client.post(f"/campaigns/{campaign_id}/lists", content=chunks(),
                                     headers={"content-type": "text/csv"})
        elapsed = time.perf_counter() - started
        result = response.json()
    return {"seconds": elapsed, "accepted": result["accepted"], "invalid": result["invalid"],
            "base_rss_mib": base}


async def naive(csv_path: Path, tmp: Path) -> dict[str, float]:
    from sqlalchemy import insert
    from ulid import ULID

    from ringway.dialer import tables
    from ringway.dialer.domain.lists import ListEntry, parse_row
    app, client = await _app(tmp)
    async with app.router.lifespan_context(app), client:
        campaign_id = await _campaign(client)
        base = peak_rss_mib()
        started = time.perf_counter()
        text = csv_path.read_text(encoding="utf-8")  # noqa: ASYNC240 - the naive baseline
        rows = list(csv.DictReader(io.StringIO(text)))
        parsed = [parse_row(r, i + 1, "US") for i, r in enumerate(rows)]
        entries = [p for p in parsed if isinstance(p, ListEntry)]
        values = [{"id": str(ULID()), "campaign_id": campaign_id, "customer_id": e.customer_id,
                   "phone": e.phone, "trigger": "list", "status": "pending",
                   "enrolled_at": app.state.dialer.clock(), "region": e.region,
                   "zones": list(e.zones), "attributes": e.attributes, "priority": e.priority,
                   "attempts": 0} for e in entries]
        async with app.state.runtime.uow() as uow:
            for start in range(0, len(values), 2000):
                await uow.session.execute(insert(tables.campaign_contacts),
                                          values[start:start + 2000])
        elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "accepted": len(entries), "invalid": len(parsed) - len(entries),
            "base_rss_mib": base}


def main() -> None:
    mode, csv_path, tmp = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = asyncio.run((stream if mode == "stream" else naive)(csv_path, tmp))
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
