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
