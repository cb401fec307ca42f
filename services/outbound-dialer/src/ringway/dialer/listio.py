"""Streaming readers of uploaded lists: rows come out while bytes still come in."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import AsyncIterator
from typing import Any


class ListFormatError(ValueError):
    """The upload cannot be read as the declared format."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


async def lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[str]:
    """Decoded text lines (UTF-8, BOM tolerated) from byte chunks of any size."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    try:
        async for chunk in chunks:
            pending += decoder.decode(chunk)
            *complete, pending = pending.split("\n")
            for line in complete:
                yield line
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ListFormatError("invalid_encoding", f"not UTF-8: {error.reason}") from None
    if pending:
        yield pending


async def records(chunks: AsyncIterator[bytes]) -> AsyncIterator[str]:
    """CSV records: lines joined while a quoted field spans line breaks."""
    record: list[str] = []
    quotes = 0
    async for line in lines(chunks):
        record.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            yield "\n".join(record)
            record, quotes = [], 0
    if record:
        raise ListFormatError("unterminated_quote", "the last record has an open quote")


async def csv_rows(chunks: AsyncIterator[bytes]) -> AsyncIterator[dict[str, str]]:
    """Rows as column -> text; the first record is the header, which must name `phone`."""
    header: list[str] | None = None
    async for record in records(chunks):
        if not record.strip():
            continue
        values = next(csv.reader([record]), [])
        if header is None:
            header = [h.strip().lower() for h in values]
            _check_header(header)
            continue
        yield dict(zip(header, values, strict=False))


def _check_header(header: list[str]) -> None:
    if "phone" not in header:
        raise ListFormatError("missing_phone_column",
                              f"the header must have a 'phone' column; got {header[:20]}")
    if len(set(header)) != len(header):
        raise ListFormatError("duplicate_columns", "the header names a column twice")


async def ndjson_rows(chunks: AsyncIterator[bytes]) -> AsyncIterator[dict[str, Any]]:
    """One JSON object per line; a line that is not an object is a row of its own error."""
    async for line in lines(chunks):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = None
        yield value if isinstance(value, dict) else {"__invalid__": "not a JSON object"}
