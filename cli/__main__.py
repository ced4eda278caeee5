"""`python -m cli`: the `newsflow` command, as the service images run it (docker/Dockerfile)."""

from cli.app import app

app(prog_name="newsflow")
