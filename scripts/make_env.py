"""Write `.env` for docker compose from `.env.example`, every empty secret filled with a random value.

    python scripts/make_env.py [--example .env.example] [--output .env] [--force]

An existing `.env` is left alone (unless --force), so running it twice never changes working secrets.
Standard library only: it runs before any virtualenv exists.
"""

import argparse
import secrets
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


# Written to files by scripts/cluster_secrets.py; a MongoDB keyFile takes base64 characters only.
HEX_SECRETS = {"RABBITMQ_ERLANG_COOKIE", "MONGO_REPLICA_SET_KEY"}


def random_value(name: str) -> str:
    """A fresh secret for the variable `name`; URL-safe, so it can sit inside an amqp:// or mongodb:// URL."""
    if name == "NEWSFLOW_API_KEYS":
        return f"writer:{secrets.token_urlsafe(32)}:write,reader:{secrets.token_urlsafe(32)}:read"
    if name in HEX_SECRETS:
        return secrets.token_hex(32)
    return secrets.token_urlsafe(32)


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and value == "":
            line = f"{name}={random_value(name.strip())}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--example", type=Path, default=REPO_ROOT / ".env.example")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / ".env")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.output.exists() and not args.force:
        print(f"{args.output} exists; left as it is (--force replaces it)", file=sys.stderr)
        return 0
    text = render(args.example.read_text(encoding="utf-8"))
    args.output.touch(mode=0o600)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} with random secrets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
