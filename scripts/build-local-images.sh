#!/usr/bin/env bash
# Build the local stand-ins for the official images, from Debian packages and PyPI only (no image registry
# is reachable here). compose.local.yml points the stack at them:
#
#   newsflow-local/python:3.11   python:3.11-slim  -> debootstrap bookworm (python3 3.11, python3-venv)
#   newsflow-local/rabbitmq:4    rabbitmq:4-management -> debootstrap trixie + rabbitmq-server 4.0
#   newsflow-local/mongo:secantusdb   mongo:8     -> SecantusDB (MongoDB wire protocol) on the Python base
#   newsflow-local/nginx:1       nginx:1.27       -> debootstrap trixie + nginx, curl
#   newsflow-local/prometheus:2  prom/prometheus  -> debootstrap bookworm + prometheus (2.42)
#
# The debootstrapped root filesystems are cached as tarballs under .data/docker/ (git-ignored), so a second
# run only re-imports them. Needs root (debootstrap, chroot) and a running engine (DOCKER_HOST).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${NEWSFLOW_DOCKER_CACHE:-$repo_root/.data/docker}"
mkdir -p "$cache_dir"
# Default to the engine scripts/docker-engine.sh starts.
export DOCKER_HOST="${DOCKER_HOST:-unix://${NEWSFLOW_DOCKER_RUN:-/tmp/newsflow-docker}/docker.sock}"

PYTHON_IMAGE="${NEWSFLOW_LOCAL_PYTHON_IMAGE:-newsflow-local/python:3.11}"
RABBITMQ_IMAGE="${NEWSFLOW_LOCAL_RABBITMQ_IMAGE:-newsflow-local/rabbitmq:4}"
MONGO_IMAGE="${NEWSFLOW_LOCAL_MONGO_IMAGE:-newsflow-local/mongo:secantusdb}"
NGINX_IMAGE="${NEWSFLOW_LOCAL_NGINX_IMAGE:-newsflow-local/nginx:1}"
PROMETHEUS_IMAGE="${NEWSFLOW_LOCAL_PROMETHEUS_IMAGE:-newsflow-local/prometheus:2}"
# The CA bundle the build trusts for PyPI (this machine's; TLS may be intercepted on the way out).
CA_BUNDLE="${NEWSFLOW_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

log() { printf 'build-local-images: %s\n' "$*" >&2; }

debian_mirror() {
    if [[ -n ${NEWSFLOW_DEBIAN_MIRROR:-} ]]; then
        echo "$NEWSFLOW_DEBIAN_MIRROR"
        return
    fi
    # The machine's own apt sources: deb822 files first, then the one-line format.
    local uri
    uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
    if [[ -z $uri ]]; then
        uri="$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

# debootstrap SUITE PACKAGES TARBALL [CUSTOMISE-FUNCTION]: a minbase root filesystem as a tarball, trimmed.
bootstrap_tarball() {
    local suite=$1 packages=$2 tarball=$3 customise=${4:-}
    if [[ -s $tarball ]]; then
        log "cached $tarball"
        return
    fi
    local dir
    dir="$(mktemp -d "$cache_dir/rootfs.XXXXXX")"
    log "debootstrap $suite ($packages) from $(debian_mirror) ..."
    debootstrap --variant=minbase --include="$packages" "$suite" "$dir" "$(debian_mirror)" \
        >"$cache_dir/debootstrap-$suite.log" 2>&1 ||
        { tail -n 30 "$cache_dir/debootstrap-$suite.log" >&2; rm -rf "$dir"; exit 1; }
    if [[ -n $customise ]]; then
        "$customise" "$dir"
    fi
    # Lean: no package lists, caches, documentation or man pages in the image.
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
        "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/*.log
    chmod 0755 "$dir" # mktemp made it 0700; it becomes the image's /
    tar -C "$dir" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
}

customise_python() {
    local dir=$1
    # Trust what this machine trusts, so pip and uv reach PyPI from inside a build.
    cp "$CA_BUNDLE" "$dir/etc/ssl/certs/ca-certificates.crt"
}

customise_rabbitmq() {
    local dir=$1
    # The official image's user is rabbitmq with uid/gid 999; compose runs the broker as 999:999.
    chroot "$dir" groupmod -g 999 rabbitmq
    chroot "$dir" usermod -u 999 -g 999 rabbitmq
    mkdir -p "$dir/etc/rabbitmq/conf.d" "$dir/var/lib/rabbitmq" "$dir/var/log/rabbitmq"
    # Same plugin set as rabbitmq:4-management; the broker's own settings come from compose's conf.d file.
    echo '[rabbitmq_management,rabbitmq_prometheus].' >"$dir/etc/rabbitmq/enabled_plugins"
    rm -f "$dir/var/lib/rabbitmq/.erlang.cookie"
    chroot "$dir" chown -R 999:999 /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
}

customise_nginx() {
    local dir=$1
    # Compose mounts its own nginx.conf and runs the proxy as 101:101 (the official image's nginx user);
    # Debian's site configuration and log files are not used.
    rm -rf "$dir/etc/nginx/sites-enabled" "$dir/etc/nginx/sites-available" "$dir/etc/nginx/conf.d"
}

customise_prometheus() {
    local dir=$1
    # The official image runs as nobody (65534) and keeps its data in /prometheus; compose mounts the
    # configuration at /etc/prometheus, so Debian's own is not used.
    mkdir -p "$dir/prometheus"
    chroot "$dir" chown 65534:65534 /prometheus
    rm -f "$dir/etc/prometheus/prometheus.yml"
}

import_tarball() {
    local tarball=$1 image=$2
    shift 2
    local changes=()
    for change in "$@"; do
        changes+=(--change "$change")
    done
    docker import "${changes[@]}" "$tarball" "$image" >/dev/null
    log "imported $image"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

if ! image_exists "$PYTHON_IMAGE"; then
    bootstrap_tarball bookworm python3,python3-venv,ca-certificates \
        "$cache_dir/python-3.11-bookworm.tar" customise_python
    import_tarball "$cache_dir/python-3.11-bookworm.tar" "$PYTHON_IMAGE" \
        'ENV LANG=C.UTF-8' \
        'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        'CMD ["python3"]'
fi

if ! image_exists "$RABBITMQ_IMAGE"; then
    bootstrap_tarball trixie rabbitmq-server "$cache_dir/rabbitmq-4-trixie.tar" customise_rabbitmq
    import_tarball "$cache_dir/rabbitmq-4-trixie.tar" "$RABBITMQ_IMAGE" \
        'ENV LANG=C.UTF-8' \
        'ENV HOME=/var/lib/rabbitmq' \
        'ENV RABBITMQ_LOGS=-' \
        'USER 999:999' \
        'WORKDIR /var/lib/rabbitmq' \
        'EXPOSE 5672 15672' \
        'CMD ["/usr/sbin/rabbitmq-server"]'
fi

# Built every time (the layer cache makes an unchanged build instant), so a changed entry point is never
# left out of the image.
log "building $MONGO_IMAGE"
# The host network: PyPI is reached the way the host reaches it.
docker build --network host --build-arg "BASE_IMAGE=$PYTHON_IMAGE" -t "$MONGO_IMAGE" \
    -f "$repo_root/docker/mongo-standin/Dockerfile" "$repo_root/docker/mongo-standin" >&2

if ! image_exists "$NGINX_IMAGE"; then
    bootstrap_tarball trixie nginx,curl,ca-certificates "$cache_dir/nginx-trixie.tar" customise_nginx
    import_tarball "$cache_dir/nginx-trixie.tar" "$NGINX_IMAGE" \
        'ENV LANG=C.UTF-8' \
        'EXPOSE 8443 9443' \
        'CMD ["nginx", "-g", "daemon off;"]'
fi

if ! image_exists "$PROMETHEUS_IMAGE"; then
    bootstrap_tarball bookworm prometheus,ca-certificates "$cache_dir/prometheus-bookworm.tar" customise_prometheus
    import_tarball "$cache_dir/prometheus-bookworm.tar" "$PROMETHEUS_IMAGE" \
        'ENV LANG=C.UTF-8' \
        'USER 65534:65534' \
        'WORKDIR /prometheus' \
        'EXPOSE 9090' \
        'ENTRYPOINT ["/usr/bin/prometheus"]'
fi

log "ready: $PYTHON_IMAGE $RABBITMQ_IMAGE $MONGO_IMAGE $NGINX_IMAGE $PROMETHEUS_IMAGE"
