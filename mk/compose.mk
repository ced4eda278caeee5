# Docker compose targets, included by the Makefile (`-include mk/*.mk`). See docs/compose.md.
# `docker compose` (v2) when present, else Debian's docker-compose (v1).
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
SMOKE_ARGS ?=

.PHONY: env compose-up compose-down compose-local-images compose-smoke

## Write .env with random secrets and a development TLS certificate for the proxy, when missing (existing
## ones are kept).
env: .env .data/tls/server.crt

.env:
	python3 scripts/make_env.py

.data/tls/server.crt:
	python3 scripts/dev_certificates.py

## Build and start the stack in the background (official images; needs a registry and a Docker engine).
compose-up: env
	$(COMPOSE) up --build -d --scale enrich=$${WORKERS:-2}

compose-down:
	$(COMPOSE) down

## Build the Debian/PyPI stand-ins for python, rabbitmq and mongo (machines without a registry).
compose-local-images:
	scripts/build-local-images.sh

## Build and run the real compose file in a private Docker engine with 3 workers, post 300 articles, stop a
## worker mid-run, check nothing is lost, tear it all down; prints one `compose-smoke:` line.
compose-smoke: install
	@$(BIN)/python -m scripts.compose_smoke $(SMOKE_ARGS)
