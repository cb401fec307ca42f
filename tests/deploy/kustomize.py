"""Render a kustomization: `kubectl kustomize` when installed, else a small renderer.

The small renderer covers only the features deploy/ uses (resources, namespace, labels with
includeTemplates, images, replicas, JSON 6902 and strategic-merge patches). Wherever kubectl
exists, `render` also checks that both give the same objects, so the fallback stays honest.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]
TEMPLATED = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}


def render(directory: Path) -> list[Obj]:
    """The objects the kustomization in `directory` produces."""
    ours = render_minimal(directory)
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return ours
    done = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True,
                          text=True, check=True)
    theirs = [d for d in yaml.safe_load_all(done.stdout) if d]
    assert _keyed(ours) == _keyed(theirs), f"minimal renderer differs from kubectl: {directory}"
    return theirs


def _keyed(objects: list[Obj]) -> dict[tuple[str, str], Obj]:
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def render_minimal(directory: Path) -> list[Obj]:
    """Render with the small built-in renderer."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    objects: list[Obj] = []
    for resource in spec.get("resources", []):
        path = directory / resource
        if path.is_dir():
            objects += render_minimal(path)
        else:
            objects += [d for d in yaml.safe_load_all(path.read_text()) if d]
    for patch in spec.get("patches", []):
        _patch(objects, patch)
    for step in (_labels, _images, _replicas, _namespace):
        step(objects, spec)
    return objects


def _namespace(objects: list[Obj], spec: Obj) -> None:
    if "namespace" in spec:
        for obj in objects:
            obj["metadata"]["namespace"] = spec["namespace"]


def _labels(objects: list[Obj], spec: Obj) -> None:
    for entry in spec.get("labels", []):
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(entry["pairs"])
            if entry.get("includeTemplates") and obj["kind"] in TEMPLATED:
                template = obj["spec"]["template"].setdefault("metadata", {})
                template.setdefault("labels", {}).update(entry["pairs"])


def _images(objects: list[Obj], spec: Obj) -> None:
    for image in spec.get("images", []):
        for obj in objects:
            if obj["kind"] not in TEMPLATED:
                continue
            for container in obj["spec"]["template"]["spec"]["containers"]:
                if container["image"].split(":")[0] == image["name"]:
                    name = image.get("newName", image["name"])
                    container["image"] = f"{name}:{image['newTag']}"


def _replicas(objects: list[Obj], spec: Obj) -> None:
    counts = {r["name"]: r["count"] for r in spec.get("replicas", [])}
    for obj in objects:
        if obj["kind"] == "Deployment" and obj["metadata"]["name"] in counts:
            obj["spec"]["replicas"] = counts[obj["metadata"]["name"]]


def _patch(objects: list[Obj], patch: Obj) -> None:
    body = yaml.safe_load(patch["patch"])
    if isinstance(body, list):  # JSON 6902 operations on every target
        target = patch["target"]
        for obj in objects:
            if _matches(obj, target):
                for op in body:
                    _json_op(obj, op)
        return
    for obj in objects:
        if obj["kind"] == body["kind"] and obj["metadata"]["name"] == body["metadata"]["name"]:
            _merge(obj, body)


def _matches(obj: Obj, target: Obj) -> bool:
    return obj["kind"] == target.get("kind", obj["kind"]) and \
        obj["metadata"]["name"] == target.get("name", obj["metadata"]["name"])


def _json_op(obj: Obj, op: Obj) -> None:
    if op["op"] not in ("replace", "add"):
        raise NotImplementedError(op["op"])
    *parents, last = op["path"].strip("/").split("/")
    node = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = copy.deepcopy(op["value"])


def _merge(into: Obj, patch: Obj) -> None:
    """Strategic merge, as far as deploy/ needs it: lists of named items merge by name."""
    for key, value in patch.items():
        current = into.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value)
        elif _named_list(value) and _named_list(current):
            by_name = {item["name"]: item for item in current}
            for item in value:
                if item["name"] in by_name:
                    _merge(by_name[item["name"]], item)
                else:
                    current.append(copy.deepcopy(item))
        else:
            into[key] = copy.deepcopy(value)


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and \
        all(isinstance(i, dict) and "name" in i for i in value)
