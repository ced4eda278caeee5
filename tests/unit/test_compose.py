"""docker-compose.yml: valid Compose Spec, the same commands the tests start, and hardened by default.

`hardening_problems` is the checker; the tests at the bottom feed it broken copies of the real file to show
it would catch each kind of regression (default credentials, published ports other than the proxy's, root
containers, unscalable workers, dependencies that do not wait for health, services sharing an account or
holding more rights than they need).
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
# The one-shot step that holds the administrator's rights, and the command it runs.
SETUP = ("setup", ["python", "-m", "services.setup"])
# Only the reverse proxy publishes ports; ingest and query are behind it.
PUBLISHING_SERVICES = {"proxy"}
# Containers of images we do not build: each drops every capability and cannot gain privileges.
INFRASTRUCTURE = ("rabbitmq", "mongo", "proxy")
# Broker and database account of each long-running service: the variable holding its user name.
BROKER_ACCOUNTS = {"ingest": "RABBITMQ_INGEST_USER", "enrich": "RABBITMQ_ENRICH_USER"}
# Ingest only reads (an article's owner, the articles past retention), so it shares the read-only account.
DATABASE_ACCOUNTS = {"enrich": "MONGO_APP_USER", "query": "MONGO_QUERY_USER", "ingest": "MONGO_QUERY_USER"}
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
    # A list of URLs (one per broker node) is checked address by address.
    for address in re.split(r",(?=[a-z][a-z0-9+.-]*://)", value):
        for part, text in zip(("user", "password"), url_credentials(address), strict=False):
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
            problems.append(f"{name}: publishes ports {[port for _, port in ports]} (only the proxy may)")
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
        problems += dependency_problems(name, service, services)
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
    for name in INFRASTRUCTURE:
        service = services.get(name, {})
        if "ALL" not in (service.get("cap_drop") or []):
            problems.append(f"{name}: keeps the default capabilities (cap_drop: [ALL])")
        if "no-new-privileges:true" not in (service.get("security_opt") or []):
            problems.append(f"{name}: may gain privileges (security_opt: no-new-privileges:true)")
    return problems + least_privilege_problems(services, dockerfiles)


def dependency_problems(name: str, service: dict[str, Any], services: dict[str, dict[str, Any]]) -> list[str]:
    """Every dependency is waited for: healthy, or for the one-shot setup step, completed successfully."""
    depends_on = service.get("depends_on") or {}
    if isinstance(depends_on, list):
        return [f"{name}: depends_on without condition: service_healthy"]
    problems = []
    for dependency, condition in depends_on.items():
        wanted = "service_completed_successfully" if dependency == SETUP[0] else "service_healthy"
        if (condition or {}).get("condition") != wanted:
            problems.append(f"{name}: depends on {dependency} without condition: {wanted}")
        if wanted == "service_healthy" and "healthcheck" not in services.get(dependency, {}):
            problems.append(f"{name}: depends on {dependency}, which has no healthcheck")
    return problems


def account_variable(url: str) -> str:
    """The variable that names the user of a `scheme://${USER:?}:${PASSWORD:?}@host` URL ('' if none)."""
    user = (url_credentials(url) or ("",))[0]
    found = VARIABLE.match(user)
    return found.group(1) if found else ""


def least_privilege_problems(services: dict[str, dict[str, Any]], dockerfiles: dict[str, str]) -> list[str]:
    """Each service its own broker and database account; only the setup step declares or creates indexes."""
    problems: list[str] = []
    name, command = SETUP
    setup = services.get(name)
    if setup is None:
        return [f"{name}: missing (the services would need configure rights to declare the topology)"]
    if setup.get("command") != command:
        problems.append(f"{name}: command is {setup.get('command')!r}, not {command!r}")
    if str(setup.get("restart")) != "no":
        problems.append(f"{name}: a one-shot step must not restart")
    if (setup.get("build") or {}).get("dockerfile") not in dockerfiles:
        problems.append(f"{name}: not built from a service Dockerfile")
    for service_name, variable in BROKER_ACCOUNTS.items():
        env = environment_of(services.get(service_name, {}))
        if account_variable(env.get("NEWSFLOW_RABBITMQ_URL", "")) != variable:
            problems.append(f"{service_name}: the broker URL's user is not {variable} (its own account)")
        if env.get("NEWSFLOW_DECLARE_TOPOLOGY") != "false":
            problems.append(f"{service_name}: declares the topology (needs configure; NEWSFLOW_DECLARE_TOPOLOGY)")
    for service_name, variable in DATABASE_ACCOUNTS.items():
        env = environment_of(services.get(service_name, {}))
        if account_variable(env.get("NEWSFLOW_MONGODB_URL", "")) != variable:
            problems.append(f"{service_name}: the database URL's user is not {variable}")
        if env.get("NEWSFLOW_CREATE_INDEXES") != "false":
            problems.append(f"{service_name}: creates indexes (needs more than read; NEWSFLOW_CREATE_INDEXES)")
    read_user = VARIABLE.match(environment_of(services.get("mongo", {})).get("NEWSFLOW_DB_READ_USER", ""))
    if read_user is None or read_user.group(1) != DATABASE_ACCOUNTS["query"]:
        problems.append("mongo: does not create the query service's read-only user (NEWSFLOW_DB_READ_USER)")
    for service_name in (*BROKER_ACCOUNTS, *DATABASE_ACCOUNTS):
        depends_on = services.get(service_name, {}).get("depends_on") or {}
        if SETUP[0] not in depends_on:
            problems.append(f"{service_name}: starts without waiting for {SETUP[0]}")
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
    for name in [*OUR_SERVICES, SETUP[0]]:
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
    from shared.keys import parse_api_keys

    output = tmp_path / ".env"
    assert main(["--output", str(output)]) == 0
    values = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line and line[0] != "#")
    secrets = {name: value for name, value in values.items() if SECRET_NAME.search(name)}
    assert secrets and all(len(value) >= 32 for value in secrets.values())
    keys = parse_api_keys(values["NEWSFLOW_API_KEYS"])  # the format the services accept
    assert [(key.name, key.scope.value) for key in keys] == [("writer", "write"), ("reader", "read")]
    # Only secrets are filled: a setting such as the retention period stays as the example has it.
    assert all(
        SECRET_NAME.search(name) or name in ("RABBITMQ_ERLANG_COOKIE", "MONGO_REPLICA_SET_KEY") or len(value) < 32
        for name, value in values.items()
    ), values
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
    ("ingest.ports", ["127.0.0.1:8001:8001"]),
    ("query.ports", ["127.0.0.1:8002:8002"]),
    ("rabbitmq.cap_drop", None),
    ("mongo.security_opt", None),
    ("proxy.cap_drop", []),
    ("proxy.user", None),
    ("ingest.environment.NEWSFLOW_RABBITMQ_URL", "amqp://${RABBITMQ_USER:?x}:${RABBITMQ_PASSWORD:?x}@rabbitmq:5672/"),
    ("enrich.environment.NEWSFLOW_RABBITMQ_URL", "amqp://${RABBITMQ_INGEST_USER:?x}:${RABBITMQ_INGEST_PASSWORD:?x}@r/"),
    ("query.environment.NEWSFLOW_MONGODB_URL", "mongodb://${MONGO_APP_USER:?x}:${MONGO_APP_PASSWORD:?x}@mongo/n"),
    ("ingest.environment.NEWSFLOW_DECLARE_TOPOLOGY", None),
    ("enrich.environment.NEWSFLOW_DECLARE_TOPOLOGY", "true"),
    ("query.environment.NEWSFLOW_CREATE_INDEXES", None),
    ("mongo.environment.NEWSFLOW_DB_READ_USER", None),
    ("enrich.depends_on.setup", None),
    ("query.depends_on.setup.condition", "service_started"),
    ("setup.restart", "unless-stopped"),
    ("setup.command", ["python", "-m", "services.enrich"]),
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


def test_service_broker_accounts_have_no_configure_permission() -> None:
    from services.setup import accounts

    for permissions in (accounts.INGEST, accounts.ENRICH):
        assert permissions.configure == accounts.NOTHING
    assert accounts.INGEST.read == accounts.NOTHING, "ingest consumes nothing"


NGINX_CONF = ROOT / "docker" / "nginx" / "nginx.conf"
NGINX_LOCATIONS = ROOT / "docker" / "nginx" / "newsflow-locations.conf"


def nginx_directives(text: str) -> dict[str, list[str]]:
    """Each directive's values, in order of appearance (comments dropped)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        words = line.split("#")[0].strip().rstrip(";").split(None, 1)
        if len(words) == 2:
            found.setdefault(words[0], []).append(words[1])
    return found


def test_proxy_limits_match_the_services() -> None:
    from services.ingest.settings import IngestSettings

    conf = nginx_directives(NGINX_CONF.read_text())
    ingest_limit = IngestSettings.model_fields["max_batch_bytes"].default
    assert conf["client_max_body_size"][0] == f"{ingest_limit // 1_048_576}m"
    for directive in ("client_header_timeout", "client_body_timeout", "send_timeout", "large_client_header_buffers"):
        assert directive in conf, directive
    assert conf["limit_conn"], "no connection limit"
    assert [listen.split()[0] for listen in conf["listen"]] == ["8443", "9443"]
    assert all(listen.endswith(" ssl") for listen in conf["listen"])
    assert conf["set"] == ["$service http://ingest:8001", "$service http://query:8002"]
    locations = NGINX_LOCATIONS.read_text()
    assert re.search(r"location ~ \^/metrics\(/\|\$\) \{\s*return 404;", locations)
    compose_ports = [port for _, port in published_ports(load_compose()["services"]["proxy"])]
    assert compose_ports == [8443, 9443]
