"""Problems self-service raises beyond the shared ones."""

from __future__ import annotations

from ringway.shared.web.problems import ProblemError


def invalid_field(field: str, message: str) -> ProblemError:
    """A 422 naming one body field, shaped like FastAPI's own validation errors."""
    return ProblemError(422, "Validation failed", "1 invalid field(s)", code="validation-error",
                        errors=[{"loc": ["body", field], "msg": message, "type": "value_error"}])
