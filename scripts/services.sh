# Sourced by scripts/test: starts MariaDB, Redis and RabbitMQ when one does not answer on 127.0.0.1.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
    local name=$1 port=$2
    for _ in $(seq 1 60); do answers "$port" && return 0; sleep 1; done
    echo "$name did not start on 127.0.0.1:$port" >&2
    return 1
}
ensure_services() {
    if ! answers 3306; then
        echo "starting MariaDB" >&2
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
        wait_for MariaDB 3306
    fi
    if ! answers 6379; then
        echo "starting Redis" >&2
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
        wait_for Redis 6379
    fi
    if ! answers 5672; then
        echo "starting RabbitMQ" >&2
        rabbitmq-server -detached
        wait_for RabbitMQ 5672
    fi
    ensure_graphviz
}
# `infra diagram` renders its SVG and PNG with Graphviz's `dot` (tests/infra/diagram render them for real).
ensure_graphviz() {
    command -v dot >/dev/null && return 0
    echo "installing graphviz" >&2
    apt_install graphviz
    command -v dot >/dev/null || { echo "graphviz did not install dot" >&2; return 1; }
}
# The host-task tests (tests/infra/ops) start their own sshd on 127.0.0.1: only the binary is needed.
ensure_sshd_binary() {
    [ -x /usr/sbin/sshd ] && return 0
    echo "installing openssh-server" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q openssh-server >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q openssh-server >/dev/null; }
    [ -x /usr/sbin/sshd ] || { echo "openssh-server did not install /usr/sbin/sshd" >&2; return 1; }
}
# The docker tests (tests/docker) need a Docker engine, a registry and a base image. Root only: it
# installs Debian packages and starts daemons. DOCKER_HOST, when set, must point at an engine that answers.
REGISTRY_PORT=5000
STATE="${XDG_CACHE_HOME:-$HOME/.cache}/postings-platform"
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}
engine_answers() { docker version >/dev/null 2>&1; }
ensure_docker_tools() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v docker-registry >/dev/null || missing+=(docker-registry)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing ${missing[*]}" >&2
    apt_install "${missing[@]}"
}
# overlay2 is what Docker uses by default and works on this kind of machine (ext4 root, a kernel with
# overlayfs); vfs (a full copy per layer: slow, large) only where dockerd refuses overlay2.
ensure_docker_engine() {
    engine_answers && return 0
    if [ -n "${DOCKER_HOST:-}" ]; then
        echo "DOCKER_HOST=$DOCKER_HOST does not answer: start that engine, or unset DOCKER_HOST" >&2
        return 1
    fi
    local driver pid
    for driver in overlay2 vfs; do
        echo "starting dockerd (storage driver $driver, log /var/log/dockerd.log)" >&2
        setsid dockerd --storage-driver "$driver" >>/var/log/dockerd.log 2>&1 </dev/null &
        pid=$!
        for _ in $(seq 1 60); do
            engine_answers && return 0
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    echo "dockerd did not start: see /var/log/dockerd.log" >&2
    return 1
}
ensure_registry() {
    answers "$REGISTRY_PORT" && return 0
    mkdir -p "$STATE" /var/lib/docker-registry
    # Debian's /etc/docker/registry/config.yml asks for htpasswd auth: this one is plain, on loopback only.
    cat >"$STATE/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YAML
    echo "starting a registry on 127.0.0.1:$REGISTRY_PORT (log /var/log/docker-registry.log)" >&2
    setsid docker-registry serve "$STATE/registry.yml" >>/var/log/docker-registry.log 2>&1 </dev/null &
    wait_for registry "$REGISTRY_PORT"
}
# The Dockerfiles' default base (`ARG BASE_IMAGE=...`) when it can be pulled; otherwise a bookworm root
# filesystem with Debian's python3 (the same Python 3.11 and Debian release), imported into Docker and
# served by the local registry, so `infra release` pulls it as it would pull the official image.
# Exports BASE_IMAGE for the docker tests, which pass it as the build argument of that name.
ensure_base_image() {
    local default local_image="127.0.0.1:$REGISTRY_PORT/debian-python:3.11-bookworm"
    default="$(sed -n 's/^ARG BASE_IMAGE=//p' services/postings/Dockerfile)"
    if docker image inspect "$default" >/dev/null 2>&1 || docker pull -q "$default" >/dev/null 2>&1; then
        export BASE_IMAGE="$default"
        return 0
    fi
    export BASE_IMAGE="$local_image"
    docker pull -q "$local_image" >/dev/null 2>&1 && return 0
    if docker image inspect "$local_image" >/dev/null 2>&1; then
        docker push -q "$local_image" >/dev/null
        return
    fi
    local rootfs="$STATE/debian-bookworm-python3.tar"
    if [ ! -s "$rootfs" ]; then
        echo "$default cannot be pulled: building a bookworm base with debootstrap (about a minute)" >&2
        mkdir -p "$STATE"
        local root
        root="$(mktemp -d)"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
            bookworm "$root" http://deb.debian.org/debian >"$STATE/debootstrap.log" 2>&1 \
            || { echo "debootstrap failed: see $STATE/debootstrap.log" >&2; rm -rf "$root"; return 1; }
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc \
            "$root"/usr/share/man "$root"/usr/share/info "$root"/usr/share/locale "$root"/var/log/*
        tar -C "$root" --numeric-owner -cf "$rootfs.partial" . && mv "$rootfs.partial" "$rootfs"
        rm -rf "$root"
        [ -s "$rootfs" ] || { echo "could not write $rootfs" >&2; return 1; }
    fi
    echo "importing $local_image from $rootfs" >&2
    docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$rootfs" "$local_image" >/dev/null \
        && docker push -q "$local_image" >/dev/null
}
# Called as `ensure_docker || ...` (errexit is off inside), so every step's failure is returned explicitly.
ensure_docker() {
    if [ "$(id -u)" = 0 ]; then
        ensure_docker_tools && ensure_docker_engine && ensure_registry || return 1
    elif ! engine_answers || ! answers "$REGISTRY_PORT"; then
        echo "the docker tests need a Docker engine and a registry on 127.0.0.1:$REGISTRY_PORT: starting them needs root" >&2
        return 1
    fi
    ensure_base_image
}
