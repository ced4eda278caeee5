# Kubernetes manifests (deploy/kubernetes/), included by the Makefile (`-include mk/*.mk`).
.PHONY: k8s-check k8s-render

## Render both kustomize overlays and validate every object against the Kubernetes schemas and the vendored
## CRDs (KEDA, RabbitMQ Cluster Operator, MongoDB Community), then the policy tests (non-root, no literal
## secret, probes and resources). Offline and quick; tests/unit/test_kubernetes.py runs the same in `make test`.
k8s-check: install
	$(BIN)/python -m scripts.k8s_check
	$(BIN)/pytest tests/unit/test_kubernetes.py -q $(PYTEST_ARGS)

## Print an overlay's manifests: `make k8s-render OVERLAY=prod`.
k8s-render: install
	@$(BIN)/kubectl kustomize deploy/kubernetes/overlays/$${OVERLAY:-dev}
