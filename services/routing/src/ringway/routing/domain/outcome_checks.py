"""Checks on queues' overflow outcomes when one is saved, so none fails silently at run time.

An overflow outcome whose backup queue does not exist, does not take the queue's channels or
leads back to a queue already in the chain would close contacts with no defined outcome when
the moment comes; these checks refuse such a configuration when it is saved instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ringway.routing.domain.errors import InvalidRequest
from ringway.routing.domain.model import Action, QueueSpec
from ringway.shared.contracts.common import Channel

FIELDS = {"queue_full": "full", "max_wait": "max_wait", "closed_hours": "closed"}
"""The engine's cause -> the field of `QueueConfig.outcomes` that sets its outcome."""


class OutcomeRefused(InvalidRequest):
    """A queue's overflow outcomes cannot work: 422 for a bad field, 409 for a conflict."""

    def __init__(self, detail: str, *, status: int, reason: str,
                 field: Sequence[str | int] = (), queues: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.detail, self.status, self.reason = detail, status, reason
        self.field, self.queues = tuple(field), tuple(queues)


def check_outcomes(queues: Mapping[str, QueueSpec], spec: QueueSpec) -> None:
    """Refuse `spec` (new, or replacing the queue of that id) if an overflow could not work."""
    _check_added_queues(queues, spec)
    for cause, outcome in spec.outcomes:
        if outcome.action is Action.OVERFLOW:
            _check_backup(queues, spec, cause, outcome.queue_id or "")
    loop = _loop(queues, spec)
    if loop:
        raise OutcomeRefused(
            f"overflow outcomes would loop: {' -> '.join(loop)}; end the chain with an outcome "
            "that keeps the customer (voicemail, callback, deflect)", status=409,
            reason="overflow_loop", queues=loop)
    for other in queues.values():
        if other.id != spec.id and _overflows_to(other, spec.id) and _uncovered(other, spec):
            missing = ", ".join(_uncovered(other, spec))
            raise OutcomeRefused(
                f"queue {other.id!r} overflows its {missing} contacts to this queue; change "
                "its outcomes first", status=409, reason="overflow_target", queues=[other.id])


def overflow_sources(queues: Mapping[str, QueueSpec], queue_id: str) -> list[str]:
    """The queues whose outcomes overflow to `queue_id`."""
    return sorted(q.id for q in queues.values() if q.id != queue_id
                  and _overflows_to(q, queue_id))


def _check_backup(queues: Mapping[str, QueueSpec], spec: QueueSpec, cause: str,
                  target: str) -> None:
    field = ("body", "outcomes", FIELDS.get(cause, cause), "queue_id")
    if target == spec.id:
        raise OutcomeRefused("a queue cannot overflow to itself", status=422,
                             reason="overflow_to_itself", field=field)
    backup = queues.get(target)
    if backup is None:
        raise OutcomeRefused(f"backup queue {target!r} does not exist; create it first",
                             status=422, reason="unknown_queue", field=field)
    missing = _uncovered(spec, backup)
    if missing:
        raise OutcomeRefused(f"backup queue {target!r} takes no {', '.join(missing)} contacts",
                             status=422, reason="channel_mismatch", field=field)


def _check_added_queues(queues: Mapping[str, QueueSpec], spec: QueueSpec) -> None:
    """Every backup queue an overflow step adds agents from must exist (or be this one)."""
    for step, overflow in enumerate(spec.overflow):
        for position, queue_id in enumerate(overflow.add_queues):
            if queue_id != spec.id and queue_id not in queues:
                raise OutcomeRefused(
                    f"backup queue {queue_id!r} of overflow step {step} does not exist; create "
                    "it first", status=422, reason="unknown_queue",
                    field=("body", "overflow", step, "add_queues", position))


def _overflows_to(queue: QueueSpec, target: str) -> bool:
    return any(o.action is Action.OVERFLOW and o.queue_id == target for _, o in queue.outcomes)


def _uncovered(source: QueueSpec, backup: QueueSpec) -> list[str]:
    """The channels `source` takes that `backup` refuses (an empty set takes every channel)."""
    if not backup.channels:
        return []
    return [c.value for c in Channel if source.accepts(c) and c not in backup.channels]


def _loop(queues: Mapping[str, QueueSpec], spec: QueueSpec) -> list[str]:
    """A chain of overflow outcomes from `spec` back to it, or [] (depth-first)."""
    graph = {**queues, spec.id: spec}
    stack: list[list[str]] = [[spec.id]]
    seen: set[str] = set()
    while stack:
        path = stack.pop()
        for _, outcome in graph[path[-1]].outcomes:
            target = outcome.queue_id
            if outcome.action is not Action.OVERFLOW or target is None or target not in graph:
                continue
            if target == spec.id:
                return [*path, target]
            if target not in seen:
                seen.add(target)
                stack.append([*path, target])
    return []
