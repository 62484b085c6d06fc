#!/usr/bin/env bash
# Throwaway Redis 7 server for the test suite and local multi-process runs (loopback only).
#   scripts/redis.sh start   -> starts it (idempotent) and prints the Redis URL
#   scripts/redis.sh stop    -> shuts it down (idempotent)
#   scripts/redis.sh url     -> prints the Redis URL
set -euo pipefail

REDIS_PORT=63790
REDIS_HOST=127.0.0.1
RUN_DIR="$(cd "$(dirname "$0")/.." && pwd)/.run"
DATA_DIR="$RUN_DIR/redis"
CONF_FILE="$DATA_DIR/redis.conf"
PID_FILE="$DATA_DIR/redis.pid"
LOG_FILE="$DATA_DIR/redis.log"
URL="redis://$REDIS_HOST:$REDIS_PORT/0"

log() { echo "redis.sh: $*" >&2; }

ensure_binaries() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return
    fi
    log "redis-server missing; installing redis-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y redis-server
}

cli() {
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@"
}

answers_ping() {
    [ "$(cli ping 2>/dev/null)" = "PONG" ]
}

server_pid() {
    local pid
    [ -f "$PID_FILE" ] || return 1
    pid="$(cat "$PID_FILE")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# The config is rewritten on every start so a changed setting here always takes effect.
write_config() {
    mkdir -p "$DATA_DIR"
    cat >"$CONF_FILE" <<EOF
bind $REDIS_HOST
port $REDIS_PORT
protected-mode no
daemonize yes
dir $DATA_DIR
pidfile $PID_FILE
logfile $LOG_FILE
appendonly yes
appendfsync everysec
save ""
EOF
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        if answers_ping; then
            return 0
        fi
        sleep 0.5
    done
    log "Redis did not answer PING; see $LOG_FILE"
    return 1
}

start() {
    ensure_binaries
    if ! answers_ping; then
        write_config
        redis-server "$CONF_FILE"
    fi
    wait_ready
    echo "$URL"
}

wait_gone() {
    local pid="$1" i
    for i in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    log "Redis (pid $pid) did not exit after SHUTDOWN; killing it"
    kill -9 "$pid" 2>/dev/null || true
}

stop() {
    local pid
    if ! pid="$(server_pid)"; then
        if command -v redis-cli >/dev/null 2>&1 && answers_ping; then
            # Running without our pidfile (e.g. the file was deleted): ask it to stop anyway.
            cli shutdown >/dev/null 2>&1 || true
            log "stopped"
        else
            log "not running"
        fi
        return
    fi
    # SHUTDOWN flushes the append-only file before exiting; a plain TERM is the fallback.
    if ! cli shutdown >/dev/null 2>&1; then
        kill "$pid" 2>/dev/null || true
    fi
    wait_gone "$pid"
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    *)
        echo "usage: $0 start|stop|url" >&2
        exit 2
        ;;
esac
