"""Reading article files the way ingest reads request bodies: `.txt` (sample layout), `.json`, `.html`."""

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, ValidationError

from shared.articles import ArticleIn, reject_nul
from shared.layouts import ArticleFormatError, parse_html, parse_plain_text
from shared.validation import compact_errors

SUFFIXES = (".txt", ".json", ".html", ".htm")
# Far above ingest's 1 MiB per article: `newsflow enrich` reads the operator's own files (a 3 MB article is
# enriched in chunks), not untrusted input. Posting still goes through ingest's limits.
MAX_FILE_BYTES = 64 * 1_048_576


class LocalArticle(ArticleIn):
    """An article read from a local file: every rule of `ArticleIn` but the body length."""

    body: Annotated[str, StringConstraints(min_length=1, max_length=MAX_FILE_BYTES), AfterValidator(reject_nul)]


class InputError(Exception):
    """A file that is not an article; the message says why."""


def article_files(paths: list[Path]) -> list[Path]:
    """Expand directories (recursively, sorted) to their article files; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


def parse_article_text(text: str, suffix: str) -> ArticleIn:
    try:
        if suffix == ".json":
            return LocalArticle.model_validate_json(text)
        fields = parse_html(text) if suffix in (".html", ".htm") else parse_plain_text(text)
        return LocalArticle.model_validate(fields)
    except ArticleFormatError as exc:
        raise InputError(str(exc)) from None
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc']}: {e['msg']}" for e in compact_errors(exc.errors()))
        raise InputError(f"invalid article: {problems}") from None


def read_article(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> ArticleIn:
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"file is larger than {max_bytes} bytes")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})") from None
    return parse_article_text(text, path.suffix.lower())
