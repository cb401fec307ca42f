"""The configuration reference, generated from the settings models (docs/configuration.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ringway.dialer.settings import DialerSettings
from ringway.metrics.settings import MetricsSettings
from ringway.routing.settings import RoutingSettings
from ringway.selfservice.settings import SelfServiceSettings
from ringway.shared.contracts.topics import TOPICS
from ringway.shared.settings import COMMON_VARIABLES, ServiceSettings

SETTINGS: dict[str, type[ServiceSettings]] = {
    "routing": RoutingSettings, "dialer": DialerSettings,
    "selfservice": SelfServiceSettings, "metrics": MetricsSettings,
}
INTERNAL = {"service_name"}
# Read by the process entry points, not by the settings models.
PROCESS = [
    ("`PORT`", "8001 routing, 8002 dialer, 8003 selfservice, 8004 metrics (8000 in the image)",
     "TCP port a service listens on (`ringway serve`, `python -m ringway.<service>`)."),
    ("`HOST`", "`0.0.0.0`", "Address a service listens on."),
    ("`RINGWAY_HOST`, `RINGWAY_PORT`", "`127.0.0.1`, `8080`", "Where `ringway run` (embedded) "
     "listens."),
    ("`TOPIC_REPLICATION_FACTOR`", "`3` (deploy/base)", "Replicas per partition used by the "
     "Kubernetes init Job's `ringway topics create`."),
]
HEADER = """# Configuration reference

Generated from the settings models by `ringway config docs --output docs/configuration.md`;
do not edit by hand (a test fails when it is out of date). Every setting is an environment
variable. A wrong or missing value stops the process at start with one line naming the
variable, e.g. `configuration error: ROUTING_OUTBOX_POLL_INTERVAL_S: Input should be greater
than 0` (exit code 78 from the `ringway` commands).
"""

app = typer.Typer(help="Configuration: the reference of every environment variable.",
                  no_args_is_help=True)


def _default(field: FieldInfo) -> str:
    value: Any = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        value = field.get_default(call_default_factory=True, validated_data={})
        text = json.dumps(value, sort_keys=True, default=str)
        return f"`{text}`" if len(text) <= 60 else "built in (see the service's settings.py)"
    if value is PydanticUndefined:
        return "required"
    if value is None or isinstance(value, SecretStr):
        return "unset"
    return f"`{value}`"


def _allowed(field: FieldInfo) -> str:
    """The value constraints pydantic enforces, e.g. `> 0`, `>= 10`, `<= 2000`."""
    parts = []
    for item in field.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            if getattr(item, attr, None) is not None:
                parts.append(f"{sign} {getattr(item, attr)}")
        if getattr(item, "pattern", None):
            parts.append(f"matches `{item.pattern}`")
    return " (" + ", ".join(parts) + ")" if parts else ""


def _meaning(field: FieldInfo) -> str:
    return (field.description or "—") + _allowed(field)


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _alias(field: FieldInfo) -> str | None:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0].upper()
    return None


def _common_rows() -> list[str]:
    rows = []
    for name, field in ServiceSettings.model_fields.items():
        if name in INTERNAL:
            continue
        alias = _alias(field)
        if alias is not None:
            variable = f"`{alias}`"
        elif name in COMMON_VARIABLES:
            variable = f"`{name.upper()}`, or per service `<SERVICE>_{name.upper()}`"
        else:
            variable = f"`<SERVICE>_{name.upper()}`"
        rows.append(_row(variable, _default(field), _meaning(field)))
    return rows


def _service_rows(name: str, settings: type[ServiceSettings]) -> list[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    own = [n for n in settings.model_fields if n not in ServiceSettings.model_fields]
    return [_row(f"`{prefix}{n.upper()}`", _default(settings.model_fields[n]),
                 _meaning(settings.model_fields[n])) for n in own]


def _topic_rows() -> list[str]:
    rows = [_row("topic", "key", "partitions", "retention", "dead letters", "carries"),
            _row(*["---"] * 6)]
    for spec in TOPICS.values():
        days = f"{spec.retention_ms / 86_400_000:g} days"
        rows.append(_row(f"`{spec.name}`", f"`{spec.key}`", str(spec.partitions), days,
                         f"`{spec.dead_letter}`", spec.description))
    return rows


def reference() -> str:
    """The Markdown configuration reference."""
    prefixes = ", ".join(f"`{s.model_config.get('env_prefix')}`" for s in SETTINGS.values())
    lines = [HEADER, "## Every service", "",
             f"`<SERVICE>_` is the service's prefix: {prefixes}. A service's own variable wins "
             "over the common one.", "", _row("variable", "default", "meaning"),
             _row("---", "---", "---"), *_common_rows(), "", "## Process", "",
             _row("variable", "default", "meaning"), _row("---", "---", "---"),
             *(_row(*cells) for cells in PROCESS)]
    for name, settings in SETTINGS.items():
        rows = _service_rows(name, settings)
        if rows:
            lines += ["", f"## {name}", "", _row("variable", "default", "meaning"),
                      _row("---", "---", "---"), *rows]
    lines += ["", "## Kafka topics", "", "Declared in `shared/src/ringway/shared/contracts/"
              "topics.py`; `ringway topics create` provisions them (each with its dead-letter "
              "topic, same settings), `ringway topics verify` checks them.", "",
              *_topic_rows()]
    return "\n".join(lines) + "\n"


@app.command()
def docs(output: Annotated[Path | None, typer.Option(
        help="Write to this file instead of stdout.", show_default=False)] = None) -> None:
    """Print (or write) the Markdown reference of every environment variable."""
    text = reference()
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")
