#!/usr/bin/env bash
# Make sure PostgreSQL answers for local development and tests, and that the database named in
# DATABASE_URL exists.
#
#   1. If PostgreSQL answers on the URL's host and port (default 127.0.0.1:5432), go on.
#   2. Otherwise, for a local address, start the local Debian cluster
#      (pg_ctlcluster --skip-systemctl-redirect <version> main start) and wait up to 30 s.
#   3. Otherwise say exactly what is missing and exit 1.
#   4. Create the database if it does not exist (psql with trust auth as user postgres,
#      or PGADMIN_USER).
#
# Environment:
#   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/crm (database "crm")
#   PGPORT         port to use when DATABASE_URL names none (default 5432)
#   PGADMIN_USER   role used to create the database (default postgres)
#   PG_START_TIMEOUT  seconds to wait for a started cluster (default 30)
set -euo pipefail

DEFAULT_URL="postgres://postgres@127.0.0.1:${PGPORT:-5432}/crm"
DATABASE_URL="${DATABASE_URL:-$DEFAULT_URL}"
ADMIN_USER="${PGADMIN_USER:-postgres}"
START_TIMEOUT="${PG_START_TIMEOUT:-30}"

log() { printf '[postgres/ensure] %s\n' "$*"; }
die() { printf '[postgres/ensure] ERROR: %s\n' "$*" >&2; exit 1; }

urldecode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }

# ---- parse postgres[ql]://[user[:password]@]host[:port][/database][?params]
url="$DATABASE_URL"
[[ "$url" =~ ^postgres(ql)?:// ]] || die "DATABASE_URL must start with postgres:// or postgresql:// (got: $url)"
rest="${url#*://}"
rest="${rest%%\?*}"
userinfo=""
if [[ "$rest" == *@* ]]; then
  userinfo="${rest%@*}"
  rest="${rest##*@}"
fi
hostport="${rest%%/*}"
DB_NAME=""
[[ "$rest" == */* ]] && DB_NAME="$(urldecode "${rest#*/}")"
DB_NAME="${DB_NAME:-crm}"
DB_USER="postgres"
DB_PASSWORD=""
if [[ -n "$userinfo" ]]; then
  DB_USER="$(urldecode "${userinfo%%:*}")"
  [[ "$userinfo" == *:* ]] && DB_PASSWORD="$(urldecode "${userinfo#*:}")"
fi
if [[ "$hostport" == \[*\]* ]]; then # [::1]:5432
  PG_HOST="${hostport%%]*}"; PG_HOST="${PG_HOST#[}"
  port_part="${hostport#*]}"; PG_PORT="${port_part#:}"
else
  PG_HOST="${hostport%%:*}"
  PG_PORT=""
  [[ "$hostport" == *:* ]] && PG_PORT="${hostport##*:}"
fi
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-${PGPORT:-5432}}"

is_local=false
case "$PG_HOST" in 127.0.0.1 | localhost | ::1) is_local=true ;; esac

export PGCONNECT_TIMEOUT=5

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3
  elif command -v psql >/dev/null 2>&1; then
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$ADMIN_USER" -d postgres -XtAqc 'SELECT 1' >/dev/null 2>&1
  else
    die "neither pg_isready nor psql is installed: apt-get install postgresql-client (or postgresql for a local server)"
  fi
}

command -v psql >/dev/null 2>&1 ||
  die "psql is not installed: apt-get install postgresql-client (or postgresql for a local server)"

if ! answers; then
  if ! $is_local; then
    die "PostgreSQL is not answering on $PG_HOST:$PG_PORT (from DATABASE_URL); start it or fix DATABASE_URL"
  fi
  started=false
  if [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    # Newest version first; only clusters named "main".
    while read -r version; do
      [[ -n "$version" && -d "/etc/postgresql/$version/main" ]] || continue
      log "PostgreSQL is not answering on $PG_HOST:$PG_PORT; starting cluster $version/main"
      if pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
        started=true
        break
      fi
      log "pg_ctlcluster $version main start failed (see above)"
    done < <(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -rV)
  fi
  if ! $started; then
    if [[ ! -d /etc/postgresql ]] || [[ -z "$(ls -A /etc/postgresql 2>/dev/null)" ]]; then
      die "PostgreSQL is not answering on $PG_HOST:$PG_PORT and no local cluster was found under /etc/postgresql: install postgresql or set DATABASE_URL"
    elif ! command -v pg_ctlcluster >/dev/null 2>&1; then
      die "PostgreSQL is not answering on $PG_HOST:$PG_PORT and pg_ctlcluster is missing: install postgresql-common, or set DATABASE_URL"
    else
      die "PostgreSQL is not answering on $PG_HOST:$PG_PORT and no cluster under /etc/postgresql could be started (versions: $(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f ' 2>/dev/null)); check pg_lsclusters, or set DATABASE_URL"
    fi
  fi
  deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    ((SECONDS < deadline)) ||
      die "started the local cluster, but PostgreSQL did not answer on $PG_HOST:$PG_PORT within ${START_TIMEOUT}s (is the cluster on another port? see pg_lsclusters)"
    sleep 0.5
  done
fi
log "PostgreSQL answers on $PG_HOST:$PG_PORT"

# ---- create the database if needed
admin_psql() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$ADMIN_USER" -d postgres -v ON_ERROR_STOP=1 -XtAq "$@"
}
if [[ "$DB_USER" == "$ADMIN_USER" && -n "$DB_PASSWORD" ]]; then
  export PGPASSWORD="$DB_PASSWORD"
fi
sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

if ! exists="$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = $(sql_literal "$DB_NAME")" 2>&1)"; then
  die "cannot connect as \"$ADMIN_USER\" to $PG_HOST:$PG_PORT to check database \"$DB_NAME\": $exists (set PGADMIN_USER, or PGPASSWORD)"
fi
if [[ "$exists" == "1" ]]; then
  log "database \"$DB_NAME\" exists"
  exit 0
fi

owner_clause=""
if [[ "$DB_USER" != "$ADMIN_USER" ]]; then
  role_exists="$(admin_psql -c "SELECT 1 FROM pg_roles WHERE rolname = $(sql_literal "$DB_USER")")"
  if [[ "$role_exists" == "1" ]]; then
    owner_clause=" OWNER $(sql_ident "$DB_USER")"
  else
    log "note: role \"$DB_USER\" from DATABASE_URL does not exist; the database is owned by \"$ADMIN_USER\""
  fi
fi
if ! out="$(admin_psql -c "CREATE DATABASE $(sql_ident "$DB_NAME")$owner_clause" 2>&1)"; then
  # Another process may have created it in the meantime.
  if [[ "$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = $(sql_literal "$DB_NAME")")" == "1" ]]; then
    log "database \"$DB_NAME\" exists"
    exit 0
  fi
  die "could not create database \"$DB_NAME\": $out"
fi
log "created database \"$DB_NAME\""
