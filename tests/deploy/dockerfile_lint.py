"""A small static Dockerfile check (hadolint is not available here): the rules we rely on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY)", re.IGNORECASE)
PINNED_TAG = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


@dataclass
class Stage:
    """One FROM ... stage: its base image and instructions."""

    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def last(self, keyword: str) -> str | None:
        """Arguments of the last `keyword` instruction in the stage, or None."""
        found = [args for kw, args in self.instructions if kw == keyword]
        return found[-1] if found else None


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        current += " " + line.removesuffix("\\").strip() if current else line.removesuffix("\\")
        if not line.endswith("\\"):
            logical.append(current.strip())
            current = ""
    return [(kw.upper(), rest.strip()) for kw, _, rest in (s.partition(" ") for s in logical)]


def stages(text: str) -> list[Stage]:
    """The build stages in order."""
    result: list[Stage] = []
    for keyword, args in instructions(text):
        if keyword == "FROM":
            parts = [p for p in args.split() if not p.startswith("--")]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            result.append(Stage(parts[0], name))
        elif result:
            result[-1].instructions.append((keyword, args))
    return result


def problems(text: str) -> list[str]:
    """Every rule the Dockerfile breaks, one line each."""
    found = stages(text)
    if not found:
        return ["no FROM"]
    names = {s.name for s in found if s.name}
    issues = [issue for s in found for issue in _base_image(s, names)]
    issues += _final_stage(found[-1], multi_stage=len(found) > 1)
    issues += [issue for s in found for issue in _no_secrets(s)]
    return issues


def _base_image(stage: Stage, stage_names: set[str | None]) -> list[str]:
    if stage.image in stage_names:
        return []
    if DIGEST.search(stage.image) or PINNED_TAG.match(stage.image):
        return []
    return [f"FROM {stage.image}: pin an exact version tag (or a digest), never latest"]


def _final_stage(stage: Stage, *, multi_stage: bool) -> list[str]:
    issues = [] if multi_stage else ["single stage: build tools end up in the image"]
    user = stage.last("USER")
    if user is None or user.split(":")[0] in ("root", "0"):
        issues.append("final stage runs as root: add USER with a non-root user")
    elif _after(stage, "RUN", "USER"):
        issues.append("RUN after USER in the final stage: set USER last")
    if stage.last("HEALTHCHECK") is None:
        issues.append("no HEALTHCHECK in the final stage")
    for keyword in ("ENTRYPOINT", "CMD"):
        args = stage.last(keyword)
        if args is not None and not _exec_form(args):
            issues.append(f"{keyword} in shell form: signals would not reach the process")
    return issues


def _after(stage: Stage, later: str, earlier: str) -> bool:
    keywords = [kw for kw, _ in stage.instructions]
    last_earlier = max(i for i, kw in enumerate(keywords) if kw == earlier)
    return any(kw == later for kw in keywords[last_earlier + 1:])


def _exec_form(args: str) -> bool:
    try:
        return isinstance(json.loads(args), list)
    except ValueError:
        return False


def _no_secrets(stage: Stage) -> list[str]:
    issues = []
    for keyword, args in stage.instructions:
        if keyword in ("ENV", "ARG") and SECRET_NAME.search(args):
            issues.append(f"{keyword} {args.split('=')[0]}: secrets come at run time, not build")
        if keyword == "ADD" and re.search(r"https?://", args):
            issues.append("ADD from a URL: unpinned download")
        if keyword == "RUN" and re.search(r"(curl|wget)[^|]*\|\s*(ba)?sh", args):
            issues.append("RUN pipes a download into a shell")
    return issues


def copy_sources(text: str) -> list[str]:
    """Build-context paths the COPY instructions read (not those from other stages)."""
    sources = []
    for keyword, args in instructions(text):
        parts = args.split()
        if keyword != "COPY" or any(p.startswith("--from") for p in parts):
            continue
        sources += [p for p in parts[:-1] if not p.startswith("--")]
    return sources
