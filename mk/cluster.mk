# The three-node RabbitMQ cluster and the three-member MongoDB replica set overrides (docs/scaling.md).
.PHONY: cluster-env cluster-smoke

## Write the clusters' shared secrets (Erlang cookie, replica set keyFile) from .env as files in .data/cluster/.
cluster-env: .env
	python3 scripts/cluster_secrets.py

## Three RabbitMQ nodes and three workers in a private Docker engine: 1,000 articles, the work queue's leader
## stopped and started mid-run; nothing lost, registry equal to a recount, queues whole again. Heavy (first
## image builds about 10 minutes); not part of `make test`. Prints one `cluster-smoke:` line.
cluster-smoke: install
	@$(BIN)/python -m scripts.cluster_smoke $(SMOKE_ARGS)
