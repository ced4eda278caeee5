#!/usr/bin/env bash
# A private Docker engine for the compose smoke test: its own data-root, exec-root, pidfile and socket,
# started and stopped by this script alone. Storage driver: overlay2 when the kernel mounts overlayfs on the
# data-root's file system (checked with a test mount), else vfs, which works anywhere but copies every layer
# and every container's file system in full (several times slower); NEWSFLOW_DOCKER_STORAGE_DRIVER forces one.
#
#   scripts/docker-engine.sh start    # prints DOCKER_HOST=unix://... once the engine answers
#   scripts/docker-engine.sh stop     # stops the engine this script started
#   scripts/docker-engine.sh purge    # stop, then delete its data-root (images, volumes, containers)
#   scripts/docker-engine.sh status
#
# Installs docker.io, docker-compose and debootstrap from Debian when they are missing and we are root.
# The data-root must not be one an engine used with another storage driver (purge it first).
# Paths: NEWSFLOW_DOCKER_DATA (data-root, default .data/docker/engine) and NEWSFLOW_DOCKER_RUN (socket,
# pidfile, exec-root; default /tmp/newsflow-docker — kept short because unix socket paths are limited).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_root="${NEWSFLOW_DOCKER_DATA:-$repo_root/.data/docker/engine}"
run_dir="${NEWSFLOW_DOCKER_RUN:-/tmp/newsflow-docker}"
socket="$run_dir/docker.sock"
pidfile="$run_dir/dockerd.pid"
log="$run_dir/dockerd.log"

ensure_packages() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    if ((${#missing[@]} == 0)); then
        return
    fi
    if [[ $(id -u) != 0 ]]; then
        echo "docker-engine: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "docker-engine: installing ${missing[*]} (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

storage_driver() {
    if [[ -n ${NEWSFLOW_DOCKER_STORAGE_DRIVER:-} ]]; then
        echo "$NEWSFLOW_DOCKER_STORAGE_DRIVER"
        return
    fi
    local probe
    probe="$(mktemp -d "$data_root/../overlay-probe.XXXXXX")"
    mkdir -p "$probe"/{lower,upper,work,merged}
    if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
        "$probe/merged" 2>/dev/null; then
        umount "$probe/merged"
        echo overlay2
    else
        echo vfs
    fi
    rm -rf "$probe"
}

unmount_below() {
    # The engine leaves bind mounts (network namespaces, overlay mounts) behind when it dies uncleanly.
    local target
    awk -v p="$1" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r | while read -r target; do
        umount -l "$target" 2>/dev/null || true
    done
}

running() {
    [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
    ensure_packages
    mkdir -p "$data_root" "$run_dir/exec"
    if running; then
        echo "DOCKER_HOST=unix://$socket"
        return
    fi
    local driver
    driver="$(storage_driver)"
    echo "docker-engine: starting dockerd (storage driver $driver, data-root $data_root)" >&2
    # --bridge=none: compose makes its own user-defined network, so the engine needs no docker0 of its own
    # (and cannot collide with another engine's). --ip-forward=false: containers only talk to each other
    # and to the host's loopback (builds use the host network), so the host's IP forwarding and its
    # FORWARD policy are left as they are (dockerd would otherwise enable one and set the other to DROP).
    dockerd \
        --data-root "$data_root" \
        --exec-root "$run_dir/exec" \
        --pidfile "$pidfile" \
        --host "unix://$socket" \
        --storage-driver "$driver" \
        --bridge none \
        --ip-forward=false \
        >"$log" 2>&1 &
    local deadline=$((SECONDS + 90))
    until DOCKER_HOST="unix://$socket" docker version >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then
            echo "docker-engine: dockerd did not answer within 90 s; last log lines:" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "DOCKER_HOST=unix://$socket"
}

stop() {
    if ! running; then
        return
    fi
    local pid
    pid="$(cat "$pidfile")"
    kill "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
    done
}

remove_iptables_chains() {
    # dockerd leaves its (by then empty) chains and jumps behind; remove them unless another engine runs.
    if pgrep -x dockerd >/dev/null || ! command -v iptables >/dev/null; then
        return
    fi
    iptables -D FORWARD -j DOCKER-USER 2>/dev/null || true
    iptables -D FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null || true
    iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null || true
    iptables -t nat -D OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null || true
    local chain
    for chain in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
        if iptables -F "$chain" 2>/dev/null; then iptables -X "$chain" 2>/dev/null || true; fi
    done
    if iptables -t nat -F DOCKER 2>/dev/null; then iptables -t nat -X DOCKER 2>/dev/null || true; fi
}

purge() {
    stop
    unmount_below "$run_dir"
    unmount_below "$data_root"
    rm -rf "$data_root" "$run_dir"
    remove_iptables_chains
}

case "${1:-}" in
start) start ;;
stop) stop ;;
purge) purge ;;
status) if running; then echo "running DOCKER_HOST=unix://$socket"; else echo "stopped"; exit 1; fi ;;
*)
    echo "usage: $0 start|stop|purge|status" >&2
    exit 2
    ;;
esac
