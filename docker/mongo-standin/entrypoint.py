"""Entry point of the local MongoDB stand-in: SecantusDB behaving like the official mongo image.

At first start (empty /data/db) with MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD set, it
runs a temporary server on loopback (another port, so the healthcheck cannot see it), creates the root
user and — the job of docker/mongo/initdb/10-newsflow-user.js on the real image — the least-privilege
users (NEWSFLOW_DB_USER readWrite, NEWSFLOW_DB_READ_USER read on MONGO_INITDB_DATABASE), stops it, then
serves 0.0.0.0:27017 with authentication required. Without a root user it serves without authentication, as mongo does.

It serves as a single-member replica set (SecantusDB's default), so the workers' transactions run, as on the
official image started as compose starts it (`--replSet rs0`). Its arguments (compose's `command`, the mongod
command line of the official image) are not used: it takes no key file, and needs no initiation.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

DATA_DIR = Path("/data/db")
MARKER = DATA_DIR / ".newsflow-standin-initialised"
INIT_PORT = 27018
SERVER = ["secantusd-py", "--storage-path", str(DATA_DIR)]


def log(message: str) -> None:
    print(f"mongo-standin: {message}", file=sys.stderr, flush=True)


def wait_until_up(client: MongoClient[dict[str, object]], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"mongo-standin: temporary server exited with {proc.returncode}")
        try:
            client.admin.command("ping")
            return
        except PyMongoError:
            time.sleep(0.3)
    raise SystemExit("mongo-standin: temporary server did not answer within 60 s")


def create_users(root_user: str, root_password: str) -> None:
    proc = subprocess.Popen([*SERVER, "--host", "127.0.0.1", "--port", str(INIT_PORT)])
    client: MongoClient[dict[str, object]] = MongoClient(
        f"mongodb://127.0.0.1:{INIT_PORT}/?directConnection=true", serverSelectionTimeoutMS=2000
    )
    try:
        wait_until_up(client, proc)
        client.admin.command("createUser", root_user, pwd=root_password, roles=[{"role": "root", "db": "admin"}])
        log(f"created root user {root_user!r}")
        database = os.environ.get("MONGO_INITDB_DATABASE") or "newsflow"
        for prefix, role in (("NEWSFLOW_DB", "readWrite"), ("NEWSFLOW_DB_READ", "read")):
            user, password = os.environ.get(f"{prefix}_USER"), os.environ.get(f"{prefix}_PASSWORD")
            if user and password:
                client[database].command("createUser", user, pwd=password, roles=[{"role": role, "db": database}])
                log(f"created user {user!r} ({role} on {database!r})")
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    root_user = os.environ.get("MONGO_INITDB_ROOT_USERNAME")
    root_password = os.environ.get("MONGO_INITDB_ROOT_PASSWORD")
    if bool(root_user) != bool(root_password):
        raise SystemExit("mongo-standin: set both MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD")
    auth = bool(root_user and root_password)
    if not MARKER.exists():
        if root_user and root_password:
            create_users(root_user, root_password)
        MARKER.write_text("auth\n" if auth else "noauth\n")
    auth = auth or MARKER.read_text().strip() == "auth"
    args = [*SERVER, "--host", "0.0.0.0", "--port", "27017", *(["--auth"] if auth else [])]
    log("serving on 0.0.0.0:27017" + (" with authentication" if auth else " WITHOUT authentication"))
    os.execvp(args[0], args)  # noqa: S606 - the server replaces this process, as PID 1


if __name__ == "__main__":
    main()
