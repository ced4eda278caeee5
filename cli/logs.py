"""The local stack's logs (`newsflow logs`): each process's JSON lines in `.newsflow/logs/`, shown readably.

`newsflow run` has each process write its own file, rotated (`<name>.log`, then `<name>.log.1` …); what a
process printed outside logging (a configuration error, a crash) is in `<name>.out` beside it.
"""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from devstack.workspace import STATE_DIR_NAME

LOGS_DIR_NAME = "logs"
FOLLOW_POLL_S = 0.5


def logs_dir(base: Path | None = None) -> Path:
    return (base or Path.cwd()) / STATE_DIR_NAME / LOGS_DIR_NAME


def log_files(directory: Path, service: str | None = None) -> list[Path]:
    """The current log file of each process, those of `service` only when given (`enrich` is every worker)."""
    files = sorted(directory.glob("*.log"))
    if service is None:
        return files
    return [path for path in files if path.stem == service or path.stem.startswith(f"{service}-")]


def readable(line: str, process: str) -> str:
    """One log line as a person reads it: time, process, level, message, then the ids it is about."""
    try:
        record = json.loads(line)
    except ValueError:
        return f"{process:<10} {line}"
    if not isinstance(record, dict):
        return f"{process:<10} {line}"
    clock = str(record.get("time", ""))[11:19]
    ids = " ".join(f"{name}={record[name]}" for name in ("article_id", "request_id") if record.get(name))
    text = f"{clock} {process:<10} {record.get('level', '')!s:<7} {record.get('message', '')}"
    extra = f"\n{record['exc_info']}" if record.get("exc_info") else ""
    return f"{text}  {ids}{extra}" if ids else f"{text}{extra}"


@dataclass
class _Tail:
    path: Path
    position: int = 0
    inode: int = 0

    def new_lines(self) -> Iterator[str]:
        """Lines appended since the last call; starts over when the file was rotated or truncated."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return
        if stat.st_ino != self.inode or stat.st_size < self.position:
            self.inode, self.position = stat.st_ino, 0
        with self.path.open("r", encoding="utf-8", errors="replace") as file:
            file.seek(self.position)
            while line := file.readline():
                if not line.endswith("\n"):
                    break  # a line still being written: read it whole next time
                self.position = file.tell()
                yield line.rstrip("\n")


def last_lines(paths: list[Path], count: int) -> list[tuple[str, str]]:
    """The last `count` lines over all files, (process, line), ordered by their time."""
    lines: list[tuple[str, str, str]] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[-count:]:
            lines.append((_time_of(line), path.stem, line))
    lines.sort(key=lambda entry: entry[0])
    return [(process, line) for _, process, line in lines[-count:]]


def _time_of(line: str) -> str:
    try:
        record = json.loads(line)
    except ValueError:
        return ""
    return str(record.get("time", "")) if isinstance(record, dict) else ""


def follow(directory: Path, service: str | None, show: Callable[[str, str], None], stop: Callable[[], bool]) -> None:
    """Show lines as they are written, in every matching file (a worker started later included)."""
    tails: dict[Path, _Tail] = {}
    for path in log_files(directory, service):
        tail = _Tail(path)
        stat = path.stat()
        tail.inode, tail.position = stat.st_ino, stat.st_size  # only what comes from now on
        tails[path] = tail
    while not stop():
        for path in log_files(directory, service):
            tail = tails.setdefault(path, _Tail(path))
            for line in tail.new_lines():
                show(path.stem, line)
        time.sleep(FOLLOW_POLL_S)
