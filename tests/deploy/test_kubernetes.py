"""deploy/: every overlay renders, every object matches the Kubernetes schemas (offline), and
every workload is probed, bounded and unprivileged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from ringway.cli.topics import strimzi_yaml
from ringway.shared.contracts.topics import TOPICS
from tests.deploy.kustomize import Obj, render

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = "1.32.0"  # the oldest version we support; fields newer than it would fail here
TARGETS = ("base", "overlays/dev", "overlays/production")
SERVICES = ("routing", "dialer", "selfservice", "metrics")


@pytest.fixture(scope="module", params=TARGETS)
def rendered(request: pytest.FixtureRequest) -> list[Obj]:
    return render(DEPLOY / request.param)


def of_kind(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_specs(objects: list[Obj]) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o["spec"]["template"]["spec"] for o in objects
            if o["kind"] in ("Deployment", "Job")}


def test_every_object_validates_against_the_kubernetes_schemas(rendered: list[Obj]) -> None:
    for obj in rendered:
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)


def test_every_service_has_deployment_service_and_disruption_budget(rendered: list[Obj]) -> None:
    deployments = of_kind(rendered, "Deployment")
    services, budgets = of_kind(rendered, "Service"), of_kind(rendered, "PodDisruptionBudget")
    for name in SERVICES:
        workload = deployments[f"ringway-{name}"]
        container = workload["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == ["serve", name]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert services[f"ringway-{name}"]["spec"]["selector"].items() <= labels.items()
        assert budgets[f"ringway-{name}"]["spec"]["selector"]["matchLabels"].items() \
            <= labels.items()


def test_workloads_are_probed_on_healthz_and_readyz(rendered: list[Obj]) -> None:
    for name, deployment in of_kind(rendered, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
            assert container["startupProbe"]["httpGet"]["path"] == "/healthz", name
            ports = {p["name"] for p in container["ports"]}
            assert container["readinessProbe"]["httpGet"]["port"] in ports


def test_every_container_has_requests_and_limits(rendered: list[Obj]) -> None:
    for name, spec in pod_specs(rendered).items():
        for container in spec["containers"]:
            resources: dict[str, Any] = container["resources"]
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= resources[bound].keys(), f"{name}: {bound}"


def test_every_pod_runs_unprivileged_with_a_read_only_root(rendered: list[Obj]) -> None:
    for name, spec in pod_specs(rendered).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name


def test_secrets_are_referenced_never_shipped(rendered: list[Obj]) -> None:
    assert not of_kind(rendered, "Secret")
    for name, spec in pod_specs(rendered).items():
        for container in spec["containers"]:
            refs = [e["valueFrom"]["secretKeyRef"] for e in container.get("env", [])
                    if "valueFrom" in e]
            assert {r["name"] for r in refs} == {"ringway-secrets"}, name
            assert "database-url" in {r["key"] for r in refs}, name


def test_stateless_services_autoscale_and_routing_runs_leader_plus_standby(
    rendered: list[Obj],
) -> None:
    autoscalers = of_kind(rendered, "HorizontalPodAutoscaler")
    assert {a["spec"]["scaleTargetRef"]["name"] for a in autoscalers.values()} == {
        "ringway-dialer", "ringway-selfservice", "ringway-metrics"}
    config = of_kind(rendered, "ConfigMap")["ringway-config"]["data"]
    assert config["ROUTING_LEADER_ELECTION"] == "true"


def test_init_job_creates_topics_then_migrates(rendered: list[Obj]) -> None:
    job = of_kind(rendered, "Job")["ringway-init"]
    script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    assert script.index("ringway topics create") < script.index("ringway migrate")
    assert job["spec"]["ttlSecondsAfterFinished"] > 0


def test_network_policies_deny_by_default_and_open_only_http(rendered: list[Obj]) -> None:
    policies = of_kind(rendered, "NetworkPolicy")
    deny = policies["ringway-default-deny"]["spec"]
    assert deny["podSelector"]["matchLabels"] == {"app.kubernetes.io/part-of": "ringway"}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny
    assert "egress" not in deny
    ingress = policies["ringway-http-in"]["spec"]["ingress"]
    assert [p["port"] for rule in ingress for p in rule["ports"]] == [8000]
    for obj in rendered:  # every workload pod carries the label the policies select
        if obj["kind"] in ("Deployment", "Job"):
            labels = obj["spec"]["template"]["metadata"]["labels"]
            assert labels["app.kubernetes.io/part-of"] == "ringway"


def test_overlays_differ_where_they_say() -> None:
    dev, prod = render(DEPLOY / "overlays/dev"), render(DEPLOY / "overlays/production")
    assert {o["metadata"]["namespace"] for o in dev} == {"ringway-dev"}
    assert {o["metadata"]["namespace"] for o in prod} == {"ringway"}
    assert of_kind(dev, "Deployment")["ringway-routing"]["spec"]["replicas"] == 1
    routing = of_kind(prod, "Deployment")["ringway-routing"]
    assert routing["spec"]["replicas"] == 2
    anti = routing["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    assert anti["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] == \
        "kubernetes.io/hostname"
    images = {c["image"] for spec in pod_specs(prod).values() for c in spec["containers"]}
    assert len(images) == 1
    assert not images.pop().endswith(":latest")


def test_strimzi_topics_are_generated_from_the_declared_list() -> None:
    path = DEPLOY / "strimzi-topics/topics.yaml"
    assert path.read_text() == strimzi_yaml("ringway", 3), "run `make docs`"
    topics = {o["spec"]["topicName"]: o for o in render(DEPLOY / "strimzi-topics")}
    assert set(topics) == {n for s in TOPICS.values() for n in (s.name, s.dead_letter)}
    for spec in TOPICS.values():
        declared = topics[spec.name]["spec"]
        assert declared["partitions"] == spec.partitions
        assert declared["config"]["retention.ms"] == spec.retention_ms
        assert topics[spec.name]["metadata"]["namespace"] == "kafka"
