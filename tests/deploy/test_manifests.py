"""The deployment files: Dockerfile, docker-compose.yml, .env.example and the kustomize tree.

Each checker (kubectl, hadolint, check-jsonschema, kubernetes-validate) is skipped with a reason
when missing on a developer machine, and fails the test instead when CI=true.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SERVICES = ("poller", "classifier", "notifier")
# Secrets the manifests reference but deliberately do not create (see deploy/README.md).
EXTERNAL_SECRETS = {"frontwatch-pg-app", "frontwatch-notifier"}
# kubernetes-validate ships schemas per version: the newest, and the oldest we promise to support.
K8S_VERSIONS = ("1.33.0", "latest")


def _missing(what: str) -> None:
    """Skip because a checker is missing, unless running in CI where that is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed")


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        _missing(name)
    assert found is not None
    return found


def _kustomize(path: Path) -> list[dict[str, Any]]:
    kubectl = _tool("kubectl")
    result = subprocess.run(
        [kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def built(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return _kustomize(DEPLOY / request.param)


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    return _kustomize(DEPLOY / "overlays" / "production")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # PyYAML's safe loader resolves the `<<: *frontwatch` merge keys the way Compose does.
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def _kinds(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def _deployments(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, deployment in _kinds(docs, "Deployment").items():
        yield name.removeprefix("frontwatch-"), deployment


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


# --- Kubernetes ---------------------------------------------------------------------------------


def test_kustomize_builds_base_and_production(built: list[dict[str, Any]]) -> None:
    """`kubectl kustomize` builds the base and the production overlay into a Deployment per service."""
    assert {name for name, _ in _deployments(built)} == set(SERVICES)


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_manifest_validates_against_kubernetes_schemas(
    built: list[dict[str, Any]], version: str
) -> None:
    """Every built document validates strictly (no unknown fields) against the Kubernetes schemas."""
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    target = kubernetes_validate.latest_version() if version == "latest" else version
    for doc in built:
        kubernetes_validate.validate(doc, target, strict=True)


def test_schema_validation_rejects_a_broken_deployment(production: list[dict[str, Any]]) -> None:
    """The validator used above does reject a Deployment with a misspelt field, so passing means something."""
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    broken = json.loads(json.dumps(_kinds(production, "Deployment")["frontwatch-poller"]))
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


def test_deployments_run_the_cli_service_of_their_name(built: list[dict[str, Any]]) -> None:
    """Each Deployment runs the image's `frontwatch` entrypoint with its own service as the command."""
    for service, deployment in _deployments(built):
        container = _container(deployment)
        assert container["args"] == [service]
        assert "command" not in container  # keep the image's ENTRYPOINT ["frontwatch"]


def test_deployments_probe_health_and_readiness(built: list[dict[str, Any]]) -> None:
    """Liveness and startup probe /healthz, readiness probes /readyz, all on the named http port."""
    for service, deployment in _deployments(built):
        container = _container(deployment)
        assert container["ports"] == [{"name": "http", "containerPort": 8080}], service
        for probe, path in (
            ("livenessProbe", "/healthz"),
            ("startupProbe", "/healthz"),
            ("readinessProbe", "/readyz"),
        ):
            assert container[probe]["httpGet"] == {"path": path, "port": "http"}, (service, probe)
        # /readyz allows each check 2 s; the probe must wait longer than that for the answer.
        assert container["readinessProbe"]["timeoutSeconds"] > 2


def test_deployments_set_requests_and_limits(built: list[dict[str, Any]]) -> None:
    """Every container requests and is limited in CPU and memory."""
    for service, deployment in _deployments(built):
        resources = _container(deployment)["resources"]
        for bound in ("requests", "limits"):
            assert set(resources[bound]) == {"cpu", "memory"}, (service, bound)


def test_deployments_run_as_non_root_on_a_read_only_root(built: list[dict[str, Any]]) -> None:
    """Pods run as uid 10001 without privilege escalation, capabilities or a writable root."""
    for service, deployment in _deployments(built):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, service
        assert pod["securityContext"]["runAsUser"] == 10001, service
        assert pod["automountServiceAccountToken"] is False, service
        security = _container(deployment)["securityContext"]
        assert security == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }, service


def test_grace_period_outlasts_the_service_drain(built: list[dict[str, Any]]) -> None:
    """terminationGracePeriodSeconds exceeds FRONTWATCH_SHUTDOWN_GRACE_S, so the drain is not killed."""
    env = next(d for d in built if d["kind"] == "ConfigMap" and "FRONTWATCH_BROKER_URL" in d["data"])
    drain_s = float(env["data"]["FRONTWATCH_SHUTDOWN_GRACE_S"])
    for service, deployment in _deployments(built):
        grace_s = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert drain_s < grace_s <= drain_s + 15, service


def test_every_deployment_has_a_matching_disruption_budget(built: list[dict[str, Any]]) -> None:
    """Each Deployment has a PodDisruptionBudget whose selector picks exactly its pods."""
    budgets = _kinds(built, "PodDisruptionBudget")
    for service, deployment in _deployments(built):
        budget = budgets[f"frontwatch-{service}"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_production_keeps_one_replica_of_each_service_through_drains(
    production: list[dict[str, Any]],
) -> None:
    """In production every service runs at least two pods and its budget keeps one of them up."""
    budgets = _kinds(production, "PodDisruptionBudget")
    hpa = _kinds(production, "HorizontalPodAutoscaler")["frontwatch-classifier"]
    for service, deployment in _deployments(production):
        replicas = deployment["spec"].get("replicas") or hpa["spec"]["minReplicas"]
        assert replicas >= 2, service
        assert budgets[f"frontwatch-{service}"]["spec"] == {
            "minAvailable": 1,
            "selector": deployment["spec"]["selector"],
        }


def test_classifier_is_autoscaled(built: list[dict[str, Any]]) -> None:
    """A HorizontalPodAutoscaler owns the classifier's replica count (no fixed `replicas` to fight it)."""
    hpa = _kinds(built, "HorizontalPodAutoscaler")
    assert set(hpa) == {"frontwatch-classifier"}
    spec = hpa["frontwatch-classifier"]["spec"]
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "frontwatch-classifier",
    }
    assert 2 <= spec["minReplicas"] < spec["maxReplicas"]
    assert "replicas" not in _kinds(built, "Deployment")["frontwatch-classifier"]["spec"]


def test_config_and_secret_references_resolve(built: list[dict[str, Any]]) -> None:
    """Every ConfigMap a pod uses is generated by kustomize; every Secret is a documented external one."""
    configmaps = set(_kinds(built, "ConfigMap"))
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    used_configmaps: set[str] = set()
    used_secrets: set[str] = set()
    for _, deployment in _deployments(built):
        pod = deployment["spec"]["template"]["spec"]
        container = _container(deployment)
        used_configmaps |= {e["configMapRef"]["name"] for e in container.get("envFrom", [])}
        used_configmaps |= {v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v}
        used_secrets |= {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
        used_secrets |= {
            e["valueFrom"]["secretKeyRef"]["name"]
            for e in container.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})
        }
    assert used_configmaps <= configmaps
    assert used_secrets == EXTERNAL_SECRETS
    assert all(name in readme for name in EXTERNAL_SECRETS)


def test_secrets_reach_the_notifier_as_files(built: list[dict[str, Any]]) -> None:
    """The bot token and SMTP password reach the notifier as mounted files, never as env values."""
    notifier = _container(_kinds(built, "Deployment")["frontwatch-notifier"])
    env = {e["name"]: e for e in notifier["env"]}
    mounts = {m["name"]: m["mountPath"] for m in notifier["volumeMounts"]}
    for key in ("telegram_token", "smtp_password"):
        assert env[f"FRONTWATCH_{key.upper()}_FILE"]["value"] == f"{mounts['secrets']}/{key}"
        assert f"FRONTWATCH_{key.upper()}" not in env


def test_production_runs_in_its_namespace_with_a_pinned_image(
    production: list[dict[str, Any]],
) -> None:
    """The production overlay puts everything in namespace frontwatch and pins a registry image tag."""
    namespaced = [d for d in production if d["kind"] != "Namespace"]
    assert {d["metadata"].get("namespace") for d in namespaced} == {"frontwatch"}
    for service, deployment in _deployments(production):
        image = _container(deployment)["image"]
        assert "/" in image and re.search(r":[0-9][\w.-]*$", image), (service, image)


def test_nats_and_postgres_definitions_match_what_the_services_expect() -> None:
    """The NATS chart values enable JetStream and the PostgreSQL Cluster yields the referenced names."""
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text(encoding="utf-8"))
    assert values["config"]["jetstream"]["enabled"] is True
    assert values["config"]["jetstream"]["fileStore"]["pvc"]["enabled"] is True
    cluster = yaml.safe_load((DEPLOY / "postgres" / "cluster.yaml").read_text(encoding="utf-8"))
    assert cluster["kind"] == "Cluster"
    assert cluster["spec"]["bootstrap"]["initdb"] == {"database": "frontwatch", "owner": "frontwatch"}
    base_env = (DEPLOY / "base" / "kustomization.yaml").read_text(encoding="utf-8")
    name = cluster["metadata"]["name"]
    assert f"@{name}-rw:5432/frontwatch" in base_env
    assert f"{name}-app" in EXTERNAL_SECRETS


# --- docker compose -----------------------------------------------------------------------------


def test_compose_validates_against_the_compose_spec() -> None:
    """docker-compose.yml validates against the Compose specification schema."""
    checker = _tool("check-jsonschema")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_each_cli_service(compose: dict[str, Any]) -> None:
    """Compose runs the three services from one image with their CLI names, two classifiers."""
    services = compose["services"]
    app = {name: services[name] for name in SERVICES}
    assert {s["command"][0] for s in app.values()} == set(SERVICES)
    assert all(s["command"] == [name] for name, s in app.items())
    assert len({s["image"] for s in app.values()}) == 1
    assert services["classifier"]["deploy"]["replicas"] == 2


def test_compose_services_have_health_checks_and_restart(compose: dict[str, Any]) -> None:
    """Every compose service restarts on failure and has a health check; apps wait for healthy deps."""
    for name, service in compose["services"].items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name
    for name in SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends == {
            "nats": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
        }, name


def test_compose_nats_has_jetstream_on_a_volume(compose: dict[str, Any]) -> None:
    """The compose NATS server runs JetStream with its store on a named volume."""
    nats = compose["services"]["nats"]
    assert "--jetstream" in nats["command"]
    store_dir = nats["command"][nats["command"].index("--store_dir") + 1]
    assert any(
        v.split(":")[1] == store_dir and v.split(":")[0] in compose["volumes"] for v in nats["volumes"]
    )


def test_compose_secrets_reach_the_notifier_as_files(compose: dict[str, Any]) -> None:
    """The bot token and SMTP password are compose secrets read through *_FILE variables."""
    notifier = compose["services"]["notifier"]
    assert set(notifier["secrets"]) == {"telegram_token", "smtp_password"} == set(compose["secrets"])
    env = notifier["environment"]
    assert env["FRONTWATCH_TELEGRAM_TOKEN_FILE"] == "/run/secrets/telegram_token"
    assert env["FRONTWATCH_SMTP_PASSWORD_FILE"] == "/run/secrets/smtp_password"
    assert "FRONTWATCH_TELEGRAM_TOKEN" not in env and "FRONTWATCH_SMTP_PASSWORD" not in env


def test_compose_stop_grace_outlasts_the_service_drain(compose: dict[str, Any]) -> None:
    """Compose waits longer than FRONTWATCH_SHUTDOWN_GRACE_S before killing a stopping service."""
    for name in SERVICES:
        service = compose["services"][name]
        drain_s = float(service["environment"]["FRONTWATCH_SHUTDOWN_GRACE_S"])
        assert float(service["stop_grace_period"].removesuffix("s")) > drain_s, name


def test_env_example_lists_every_variable_compose_uses() -> None:
    """Every ${VAR} that docker-compose.yml interpolates is listed in .env.example."""
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    listed = {
        line.split("=", 1)[0].strip()
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert used, "the compose file should be configurable"
    assert used <= listed, f"missing from .env.example: {sorted(used - listed)}"


def test_shipped_config_file_loads() -> None:
    """deploy/base/frontwatch.toml (compose config and ConfigMap) loads as frontwatch settings."""
    if importlib.util.find_spec("shared.config") is None:
        _missing("shared.config")
    from shared.config import Settings

    with (DEPLOY / "base" / "frontwatch.toml").open("rb") as fh:
        settings = Settings.model_validate(tomllib.load(fh))
    assert settings.feeds


# --- Dockerfile ---------------------------------------------------------------------------------


def test_hadolint_passes() -> None:
    """hadolint reports nothing on the Dockerfile, at any severity."""
    hadolint = _tool("hadolint")
    result = subprocess.run(
        [hadolint, "--format", "json", "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_hadolint_ignores_are_justified() -> None:
    """Every `hadolint ignore` pragma is preceded by a comment saying why."""
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore" in line:
            assert number > 0 and lines[number - 1].startswith("#"), f"line {number + 1}"
            assert "hadolint" not in lines[number - 1], f"line {number + 1} lacks a reason"


def test_dockerfile_is_multi_stage_non_root_with_healthcheck() -> None:
    """The image is built in two stages, runs as a numeric non-root user and probes /healthz."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0"
    assert re.search(r'^\s+CMD \["python", "-m", "shared.health", "/healthz"\]', text, re.MULTILINE)
    assert re.search(r'^ENTRYPOINT \["frontwatch"\]', text, re.MULTILINE)


def test_dockerignore_keeps_what_the_dockerfile_copies() -> None:
    """Every path the Dockerfile COPYs from the build context is re-included by .dockerignore."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ignore[ignore.index("*") if "*" in ignore else 0] == "*"
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.MULTILINE):
        for source in line.split()[:-1]:
            assert f"!{source}" in ignore, source


def test_image_dependencies_are_all_pinned_by_constraints() -> None:
    """Every runtime dependency the image installs from pyproject.toml has a pin in constraints.txt."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {
        re.split(r"==", line)[0].strip().lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    for requirement in project["dependencies"]:
        name = re.split(r"[\[=<>~! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, requirement


# --- the CLI the containers run -----------------------------------------------------------------


def _cli_roles() -> tuple[str, ...]:
    """ROLES of services/app.py, read without importing the whole application."""
    source = ROOT / "services" / "app.py"
    if not source.exists():
        _missing("services/app.py (the CLI)")
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ROLES" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("services/app.py defines no ROLES")


def test_deploy_commands_are_the_cli_services(compose: dict[str, Any]) -> None:
    """The service names used by compose and Kubernetes are exactly the CLI's single-service commands."""
    assert set(_cli_roles()) == set(SERVICES)
    assert {s["command"][0] for n, s in compose["services"].items() if n in SERVICES} == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_cli_accepts_each_service_command(service: str) -> None:
    """`frontwatch <service> --help` exits 0, so the container command parses."""
    _cli_roles()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from services.cli import main; sys.exit(main())",
            service,
            "--help",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
