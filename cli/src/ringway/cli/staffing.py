"""`ringway staffing plan`: agents needed per interval from a CSV of volumes (Erlang C/A)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ringway.cli import exitcodes
from ringway.cli.common import fail, progress

if TYPE_CHECKING:
    from ringway.metrics.domain.staffing import PlanRow, Targets, Workload

app = typer.Typer(help="Staffing: agents to schedule per interval (Erlang C, or Erlang A with "
                  "patience).", no_args_is_help=True)
COLUMNS = ("interval_start", "volume", "aht_s")
BAR_WIDTH = 40


def _number(row: dict[str, str], column: str, line: int) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        fail(f"line {line}: {column}: not a number: {text!r}", exitcodes.DATA_ERROR)


def read_volumes(path: Path, interval_s: float) -> tuple[list[str], list[Workload],
                                                         list[float | None]]:
    """Interval labels, workloads and logged-in agents from the CSV; bad data exits 65."""
    from ringway.metrics.domain.staffing import InvalidStaffingInput, Workload

    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            fail(f"{path}: missing column(s): {', '.join(missing)}", exitcodes.DATA_ERROR)
        labels, workloads, logged_in = [], [], []
        for line, row in enumerate(reader, start=2):
            numbers = {c: _number(row, c, line) for c in ("volume", "aht_s", "patience_s")}
            try:
                workloads.append(Workload(numbers["volume"] or 0.0, numbers["aht_s"] or 0.0,
                                          interval_s, numbers["patience_s"]))
            except InvalidStaffingInput as error:
                fail(f"line {line}: {error}", exitcodes.DATA_ERROR)
            labels.append(row["interval_start"].strip())
            logged_in.append(_number(row, "logged_in", line))
    return labels, workloads, logged_in


def _line(label: str, row: PlanRow, peak: int) -> str:
    req, fig = row.requirement, row.requirement.figures
    bar = "█" * round(BAR_WIDTH * req.scheduled / peak) if peak else ""
    gap = "" if row.gap is None else f" gap {row.gap:+.0f}"
    return (f"{label:<17}{req.load:>7.1f}{req.agents:>7}{req.scheduled:>10}"
            f"{fig.service_level:>6.0%}{fig.asa_s:>6.0f}s{fig.occupancy:>6.0%}  {bar}{gap}")


def _write_csv(path: Path, labels: list[str], rows: list[PlanRow]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["interval_start", "model", "load_erlangs", "agents", "scheduled",
                      "service_level", "asa_s", "occupancy", "p_abandon", "gap"])
        for label, row in zip(labels, rows, strict=True):
            r, f = row.requirement, row.requirement.figures
            out.writerow([label, r.model.value, f"{r.load:.3f}", r.agents, r.scheduled,
                          f"{f.service_level:.4f}", f"{f.asa_s:.1f}", f"{f.occupancy:.4f}",
                          f"{f.p_abandon:.4f}", "" if row.gap is None else f"{row.gap:g}"])


def _targets(service_level: float, threshold_s: float, shrinkage: float, concurrency: int,
             max_occupancy: float | None, max_abandon: float | None) -> Targets:
    from ringway.metrics.domain.staffing import InvalidStaffingInput, Targets

    try:
        return Targets(service_level=service_level, threshold_s=threshold_s,
                       shrinkage=shrinkage, concurrency=concurrency,
                       max_occupancy=max_occupancy, max_abandon=max_abandon)
    except InvalidStaffingInput as error:
        fail(str(error), exitcodes.USAGE)


@app.command("plan")
def plan_command(
    volumes: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, help="CSV with columns interval_start, volume, aht_s; "
        "optional patience_s (Erlang A) and logged_in (shows the gap).")],
    interval_minutes: Annotated[int, typer.Option(min=1, help="Interval length.")] = 15,
    service_level: Annotated[float, typer.Option(help="Share answered within --threshold.")]
    = 0.8,
    threshold: Annotated[float, typer.Option(help="Service-level threshold in seconds.")] = 20.0,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time not on the phones.")]
    = 0.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Contacts per agent (chat).")] = 1,
    max_occupancy: Annotated[float | None, typer.Option(help="Cap on occupancy, e.g. 0.85.")]
    = None,
    max_abandon: Annotated[float | None, typer.Option(help="Cap on abandon rate (Erlang A).")]
    = None,
    output: Annotated[Path | None, typer.Option(help="Also write the plan as CSV here.")]
    = None,
) -> None:
    """Print agents needed and to schedule per interval, with a bar per interval.

    Exit codes: 0 planned, 2 bad option, 65 bad CSV (line and column named).
    """
    # Imported here: the other commands work without loading the metrics domain (numpy).
    from ringway.metrics.domain.staffing import PlanRow, required

    targets = _targets(service_level, threshold, shrinkage, concurrency, max_occupancy,
                       max_abandon)
    labels, workloads, logged_in = read_volumes(volumes, interval_minutes * 60.0)
    rows = [PlanRow(required(w, targets), a) for w, a in
            progress(zip(workloads, logged_in, strict=True), "planning", total=len(workloads))]
    peak = max((r.requirement.scheduled for r in rows), default=0)
    typer.echo(f"{'interval':<17}{'load':>7}{'agents':>7}{'scheduled':>10}"
               f"{'SL':>6}{'ASA':>7}{'occ':>6}")
    for label, row in zip(labels, rows, strict=True):
        typer.echo(_line(label, row, peak))
    hours = sum(r.requirement.scheduled for r in rows) * interval_minutes / 60
    typer.echo(f"peak {peak} scheduled agents; {hours:g} agent-hours scheduled")
    if output is not None:
        _write_csv(output, labels, rows)
