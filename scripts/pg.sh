#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the test suite (loopback only, trust auth).
#   scripts/pg.sh start   -> starts it (idempotent) and prints the database URL
#   scripts/pg.sh stop    -> stops it
#   scripts/pg.sh url     -> prints the database URL
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=54329
PG_DB=scrapegate_test
PG_USER=postgres
RUN_DIR="$(cd "$(dirname "$0")/.." && pwd)/.run"
DATA_DIR="$RUN_DIR/pg"
SOCKET_DIR="$RUN_DIR/pg-socket"
LOG_FILE="$RUN_DIR/pg.log"
URL="postgresql://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB"

log() { echo "pg.sh: $*" >&2; }

# Runs a command as the postgres system user (PostgreSQL refuses to run as root).
as_postgres() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_binaries() {
    if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/postgres" ]; then
        return
    fi
    log "PostgreSQL 15 binaries missing; installing postgresql-15"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y postgresql-15
}

ensure_system_user() {
    if [ "$(id -u)" != "0" ] || id "$PG_USER" >/dev/null 2>&1; then
        return
    fi
    log "creating system user $PG_USER"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
}

prepare_dirs() {
    mkdir -p "$RUN_DIR" "$SOCKET_DIR"
    if [ "$(id -u)" != "0" ]; then
        return
    fi
    chown "$PG_USER": "$SOCKET_DIR"
    if [ -d "$DATA_DIR" ]; then chown -R "$PG_USER": "$DATA_DIR"; fi
    touch "$LOG_FILE" && chown "$PG_USER": "$LOG_FILE"
    # The postgres user must be able to traverse every parent of the data dir (e.g. /root/...).
    if ! runuser -u "$PG_USER" -- test -x "$RUN_DIR"; then
        local dir="$RUN_DIR"
        while [ "$dir" != "/" ]; do
            chmod o+x "$dir"
            dir="$(dirname "$dir")"
        done
    fi
}

is_running() {
    [ -f "$DATA_DIR/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

init_cluster() {
    if [ -f "$DATA_DIR/PG_VERSION" ]; then
        return
    fi
    mkdir -p "$DATA_DIR"
    if [ "$(id -u)" = "0" ]; then chown "$PG_USER": "$DATA_DIR"; fi
    chmod 700 "$DATA_DIR"
    as_postgres "$PG_BIN/initdb" -D "$DATA_DIR" -U "$PG_USER" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        if "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
            return 0
        fi
        sleep 0.5
    done
    log "PostgreSQL did not become ready; see $LOG_FILE"
    return 1
}

ensure_database() {
    local exists
    exists="$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")"
    if [ "$exists" != "1" ]; then
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    fi
}

start() {
    ensure_binaries
    ensure_system_user
    prepare_dirs
    init_cluster
    if ! is_running; then
        as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
            -o "-p $PG_PORT -h 127.0.0.1 -k $SOCKET_DIR -c fsync=off -c max_connections=200" \
            start >/dev/null
    fi
    wait_ready
    ensure_database
    echo "$URL"
}

stop() {
    if [ -x "$PG_BIN/pg_ctl" ] && is_running; then
        as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
        log "stopped"
    else
        log "not running"
    fi
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
