"""Why the engine refuses a command: the service maps these to 404, 409 and 422."""

from __future__ import annotations


class UnknownEntity(LookupError):
    """No such agent, queue or contact (404)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} {ident!r} does not exist")
        self.kind = kind
        self.ident = ident


class InvalidTransition(RuntimeError):
    """The command does not fit the current state (409, with that state)."""

    def __init__(self, kind: str, ident: str, state: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.ident = ident
        self.state = state
        self.detail = detail


class InvalidRequest(ValueError):
    """The command can never succeed as given (422)."""
