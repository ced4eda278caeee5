"""Developer and CI scripts (run as files; a package so tests and mypy can import them)."""
