"""Fixtures of the deploy tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`ringway serve` sets up logging for its process; give the session its logging back."""
    root, access = logging.getLogger(), logging.getLogger("uvicorn.access")
    handlers, level, disabled = root.handlers[:], root.level, access.disabled
    kafka_level = logging.getLogger("aiokafka").level
    yield
    root.handlers[:], access.disabled = handlers, disabled
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(kafka_level)
