"""Write the cluster overrides' shared secrets as files, from .env: the Erlang cookie of the RabbitMQ nodes and
the keyFile of the MongoDB replica set members.

    python3 scripts/cluster_secrets.py [--env .env] [--output .data/cluster]

A value missing from .env (one written before these existed) is added to it first, random. The files are
readable inside the containers (their users differ from ours), so their folder is ours alone. Standard
library only, like scripts/make_env.py.
"""

import argparse
import secrets
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# .env variable -> file name. Hex: the Erlang cookie takes any text, a MongoDB keyFile only base64 characters.
SECRET_FILES = {"RABBITMQ_ERLANG_COOKIE": "erlang.cookie", "MONGO_REPLICA_SET_KEY": "mongo.keyfile"}


def env_values(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--env", type=Path, default=REPO_ROOT / ".env")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / ".data" / "cluster")
    args = parser.parse_args(argv)
    if not args.env.exists():
        print(f"{args.env} is missing: run `make env` first", file=sys.stderr)
        return 1
    values = env_values(args.env.read_text(encoding="utf-8"))
    missing = [name for name in SECRET_FILES if not values.get(name)]
    if missing:
        with args.env.open("a", encoding="utf-8") as env:
            for name in missing:
                values[name] = secrets.token_hex(32)
                env.write(f"{name}={values[name]}\n")
        print(f"added {', '.join(missing)} to {args.env}", file=sys.stderr)
    args.output.mkdir(parents=True, exist_ok=True)
    args.output.chmod(0o700)
    for name, file_name in SECRET_FILES.items():
        path = args.output / file_name
        path.unlink(missing_ok=True)
        path.write_text(values[name], encoding="utf-8")
        path.chmod(0o444)
    print(f"wrote {', '.join(SECRET_FILES.values())} to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
