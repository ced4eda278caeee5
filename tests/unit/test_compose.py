"""docker-compose.yml: valid Compose Spec, the same commands the tests start, and hardened by default.

`hardening_problems` is the checker; the tests at the bottom feed it broken copies of the real file to show
it would catch each kind of regression (default credentials, published broker or database ports, root
containers, unscalable workers, dependencies that do not wait for health).
"""

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev group
import pytest
import yaml

from devstack.stack import service_command
from devstack.workspace import ROOT, SHARED

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = "docker/Dockerfile"  # the one image recipe of the three services
LOCAL_OVERRIDE = ROOT / "compose.local.yml"
SCHEMA = SHARED / "schemas" / "compose-spec.json"

OUR_SERVICES = {
    "ingest": ["python", "-m", "services.ingest"],
    "enrich": ["python", "-m", "services.enrich"],
    "query": ["python", "-m", "services.query"],
}
PUBLISHING_SERVICES = {"ingest", "query"}
# Broker and database ports (AMQP, AMQPS, management, Prometheus, Erlang distribution, epmd, MongoDB).
INFRASTRUCTURE_PORTS = {5671, 5672, 15672, 15692, 25672, 4369, 27017}

SECRET_NAME = re.compile(r"PASS|PASSWORD|SECRET|TOKEN|API_KEYS?$|_KEY$", re.IGNORECASE)
REQUIRED_VARIABLE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$")
URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<user>[^:@/]*):(?P<password>.*)@[^@]*$", re.IGNORECASE)
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[?\-+][^}]*)?\}")


def load_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.partition("=")[::2] for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def published_ports(service: dict[str, Any]) -> list[tuple[str, int]]:
    """(host address, container port) for each published port, short or long syntax."""
    ports = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.append((str(entry.get("host_ip", "")), int(entry["target"])))
            continue
        # [host_ip:][host_port:]container_port[/protocol]; host parts may hold ${VAR:-default}.
        spec = VARIABLE.sub(lambda match: match.group(0).replace(":", "\0"), str(entry)).split("/")[0]
        parts = [part.replace("\0", ":") for part in spec.split(":")]
        host = parts[0] if len(parts) == 3 else ""
        ports.append((host, int(parts[-1].split("-")[0])))
    return ports


def is_root(user: str) -> bool:
    name = user.split(":")[0].strip()
    return name in {"", "0", "root"}


def final_user(dockerfile: str) -> str | None:
    """The USER in force in the last stage of a Dockerfile (None when that stage sets none)."""
    user = None
    for line in dockerfile.splitlines():
        words = line.strip().split()
        if not words:
            continue
        if words[0].upper() == "FROM":
            user = None
        elif words[0].upper() == "USER" and len(words) > 1:
            user = words[1]
    return user


def secret_problems(where: str, name: str, value: str) -> list[str]:
    problems = []
    if "guest" in value.lower():
        problems.append(f"{where}: {name} uses the guest account")
    if SECRET_NAME.search(name) and not REQUIRED_VARIABLE.match(value):
        problems.append(f"{where}: {name} is not a required variable ${{VAR:?...}} (a default or literal secret)")
    for part, text in zip(("user", "password"), url_credentials(value), strict=False):
        if not REQUIRED_VARIABLE.match(text):
            problems.append(f"{where}: {name} has a literal or defaulted {part} in its URL")
    return problems


def url_credentials(value: str) -> tuple[str, ...]:
    """(user, password) of a `scheme://user:password@host` value, or () when it carries none."""
    hidden: dict[str, str] = {}

    def hide(match: re.Match[str]) -> str:  # a ${VAR:?message} may itself hold ':' or '@'
        hidden[f"\0{len(hidden)}\0"] = match.group(0)
        return f"\0{len(hidden) - 1}\0"

    url = URL_CREDENTIALS.match(re.sub(r"\$\{[^}]*\}", hide, value))
    if not url:
        return ()
    return tuple(re.sub(r"\0\d+\0", lambda m: hidden[m.group(0)], url.group(p)) for p in ("user", "password"))


def hardening_problems(compose: dict[str, Any], dockerfiles: dict[str, str]) -> list[str]:
    """Everything in the default profile that breaks the hardening rules; empty when all is well."""
    problems: list[str] = []
    services: dict[str, dict[str, Any]] = compose.get("services") or {}
    for name, service in services.items():
        if service.get("profiles"):
            # Opt-in extras may publish, but only on loopback.
            problems += [
                f"{name}: opt-in port {port} is published beyond loopback"
                for host, port in published_ports(service)
                if host not in {"127.0.0.1", "[::1]", "::1"}
            ]
            continue
        for key, value in environment_of(service).items():
            problems += secret_problems(name, key, value)
        if "guest" in str(service.get("command", "")).lower():
            problems.append(f"{name}: command mentions guest")
        ports = published_ports(service)
        if ports and name not in PUBLISHING_SERVICES:
            problems.append(f"{name}: publishes ports {[port for _, port in ports]} (only ingest and query may)")
        problems += [f"{name}: publishes broker/database port {p}" for _, p in ports if p in INFRASTRUCTURE_PORTS]
        if service.get("network_mode") == "host":
            problems.append(f"{name}: network_mode host exposes every port")
        if service.get("privileged"):
            problems.append(f"{name}: privileged")
        user = service.get("user")
        if user is None:
            problems.append(f"{name}: no user: (would run as the image's user, possibly root)")
        elif is_root(str(user)):
            problems.append(f"{name}: runs as root ({user})")
        depends_on = service.get("depends_on") or {}
        if isinstance(depends_on, list):
            problems.append(f"{name}: depends_on without condition: service_healthy")
        else:
            for dependency, condition in depends_on.items():
                if (condition or {}).get("condition") != "service_healthy":
                    problems.append(f"{name}: depends on {dependency} without condition: service_healthy")
                if "healthcheck" not in services.get(dependency, {}):
                    problems.append(f"{name}: depends on {dependency}, which has no healthcheck")
    for name, command in OUR_SERVICES.items():
        if name not in services:
            problems.append(f"{name}: missing")
            continue
        service = services[name]
        if service.get("command") != command:
            problems.append(f"{name}: command is {service.get('command')!r}, not {command!r}")
        if "healthcheck" not in service:
            problems.append(f"{name}: no healthcheck")
        dockerfile = (service.get("build") or {}).get("dockerfile")
        if dockerfile not in dockerfiles:
            problems.append(f"{name}: not built from {' or '.join(dockerfiles)} ({dockerfile})")
        else:
            user = final_user(dockerfiles[dockerfile])
            if user is None or is_root(user):
                problems.append(f"{name}: {dockerfile} ends as root (final USER {user})")
    enrich = services.get("enrich", {})
    if "container_name" in enrich or enrich.get("ports"):
        problems.append("enrich: container_name or ports would stop `--scale enrich=N`")
    return problems


def dockerfiles() -> dict[str, str]:
    return {DOCKERFILE: (ROOT / DOCKERFILE).read_text()}


def merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key, anything else is replaced (enough for compose.local.yml)."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return override


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.exists():
        pytest.fail(f"{SCHEMA} is missing (the shared/ folder lies beside the repository)")
    schema = yaml.safe_load(SCHEMA.read_text())
    return jsonschema.Draft7Validator(schema)


def test_compose_file_is_valid_compose_spec(validator: jsonschema.Draft7Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_compose())]
    assert errors == []


def test_local_override_only_swaps_images_and_base(validator: jsonschema.Draft7Validator) -> None:
    override: dict[str, Any] = yaml.safe_load(LOCAL_OVERRIDE.read_text())
    merged = merge(load_compose(), override)
    assert [e.message for e in validator.iter_errors(merged)] == []
    for name in OUR_SERVICES:
        assert set(override["services"].get(name, {})) <= {"build"}, name
        assert set(override["services"].get(name, {}).get("build", {})) <= {"args", "network"}, name
    assert hardening_problems(merged, dockerfiles()) == []


def test_services_run_the_commands_the_tests_start() -> None:
    services = load_compose()["services"]
    assert {name: services[name]["command"] for name in OUR_SERVICES} == OUR_SERVICES
    # The tests, `newsflow run` and the benchmark start exactly these (with this venv's interpreter).
    for name, command in OUR_SERVICES.items():
        assert ["python", *service_command(name)[1:]] == command


def test_compose_file_is_hardened() -> None:
    assert hardening_problems(load_compose(), dockerfiles()) == []


def test_one_dockerfile_builds_the_three_services() -> None:
    """Same recipe, context and arguments, so the three images share every layer; compose picks the command."""
    services = load_compose()["services"]
    builds = [services[name]["build"] for name in OUR_SERVICES]
    assert all(build == {"context": ".", "dockerfile": DOCKERFILE, "args": builds[0]["args"]} for build in builds)
    assert not list((ROOT / "services").glob("*/Dockerfile")), "a per-service Dockerfile is back"


def test_every_required_variable_is_in_env_example() -> None:
    text = "\n".join(line for line in COMPOSE_FILE.read_text().splitlines() if not line.lstrip().startswith("#"))
    required = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):\?", text))
    example = (ROOT / ".env.example").read_text()
    defined = {line.split("=")[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    assert required, "the compose file takes no secret from .env"
    assert required <= defined
    # The example holds no secret: every required secret is empty there, for `make env` to fill.
    values = dict(line.split("=", 1) for line in example.splitlines() if "=" in line and not line.startswith("#"))
    assert all(values[name] == "" for name in required if SECRET_NAME.search(name))


def test_make_env_fills_every_secret(tmp_path: Path) -> None:
    from scripts.make_env import main

    output = tmp_path / ".env"
    assert main(["--output", str(output)]) == 0
    values = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line and line[0] != "#")
    secrets = {name: value for name, value in values.items() if SECRET_NAME.search(name)}
    assert secrets and all(len(value) >= 32 for value in secrets.values())
    first = output.read_text()
    assert main(["--output", str(output)]) == 0
    assert output.read_text() == first, "an existing .env must be left alone"


# The checker must be able to fail: each mutation below is a regression it has to report.
MUTATIONS: list[tuple[str, Any]] = [
    ("rabbitmq.environment.RABBITMQ_DEFAULT_PASS", "guest"),
    ("rabbitmq.environment.RABBITMQ_DEFAULT_USER", "guest"),
    ("mongo.environment.MONGO_INITDB_ROOT_PASSWORD", "example"),
    ("mongo.environment.MONGO_INITDB_ROOT_PASSWORD", "${MONGO_ROOT_PASSWORD:-changeme}"),
    ("enrich.environment.NEWSFLOW_RABBITMQ_URL", "amqp://guest:guest@rabbitmq:5672/"),
    ("ingest.environment.NEWSFLOW_RABBITMQ_URL", "amqp://${RABBITMQ_USER:?x}:hunter2@rabbitmq:5672/"),
    ("query.environment.NEWSFLOW_MONGODB_URL", "mongodb://root:root@mongo:27017/newsflow"),
    ("query.environment.NEWSFLOW_CURSOR_SECRET", "not-so-secret-not-so-secret-not-so"),
    ("ingest.environment.NEWSFLOW_API_KEYS", "${NEWSFLOW_API_KEYS:-0123456789abcdef}"),
    ("rabbitmq.ports", ["5672:5672"]),
    ("rabbitmq.ports", ["127.0.0.1:15672:15672"]),
    ("mongo.ports", ["27017:27017"]),
    ("mongo.ports", [{"target": 27017, "published": 27017}]),
    ("enrich.ports", ["9000:9000"]),
    ("enrich.container_name", "newsflow-enrich"),
    ("ingest.user", "root"),
    ("query.user", "0:0"),
    ("enrich.user", None),
    ("rabbitmq.user", None),
    ("mongo.network_mode", "host"),
    ("ingest.depends_on", ["rabbitmq"]),
    ("enrich.depends_on.mongo.condition", "service_started"),
    ("ingest.command", ["uvicorn", "services.ingest.app:app"]),
    ("rabbitmq-management.ports", ["15672:15672"]),
]


@pytest.mark.parametrize(("path", "value"), MUTATIONS, ids=[f"{p}={v}" for p, v in MUTATIONS])
def test_checker_reports_a_broken_compose_file(path: str, value: Any) -> None:
    compose = copy.deepcopy(load_compose())
    *parents, leaf = path.split(".")
    target = compose["services"]
    for key in parents:
        target = target.setdefault(key, {})
    if value is None:
        target.pop(leaf)
    else:
        target[leaf] = value
    assert hardening_problems(compose, dockerfiles()) != []


@pytest.mark.parametrize("user_line", ["USER root", "USER 0:0", None])
def test_checker_reports_a_dockerfile_ending_as_root(user_line: str | None) -> None:
    files = dockerfiles()
    files[DOCKERFILE] = files[DOCKERFILE].replace("USER 10001:10001", user_line or "")
    assert any("ends as root" in problem for problem in hardening_problems(load_compose(), files))


def test_secrets_stay_out_of_git_and_images() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    rules = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert rules[0] == "*", "the build context is an allow-list"
    assert not any(rule.startswith("!") and ".env" in rule for rule in rules)
