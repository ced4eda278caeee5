"""Where things are in a checkout: the repository, the shared folder beside it, and the local state folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Fixtures, the corpus and schemas live beside the repository, not in it.
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "fixtures" / "seed-article.txt"
SEED_EXPECTED = SHARED / "fixtures" / "seed-article.expected.json"

STATE_DIR_NAME = ".newsflow"  # git-ignored; holds the local key, cursor secret and database files


def state_dir(base: Path | None = None) -> Path:
    """`.newsflow/` in `base` (default: the working directory), created private to the user."""
    path = (base or Path.cwd()) / STATE_DIR_NAME
    path.mkdir(mode=0o700, exist_ok=True)
    return path
