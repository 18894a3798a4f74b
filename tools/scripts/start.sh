#!/usr/bin/env bash
# npm start: installs what is missing, brings up Postgres and Kafka, builds and starts the
# five subgraphs and the gateway (each migrates its own schema at start), loads the demo
# data through the gateway, and prints how to use it. Ctrl-C (or `npm stop`) stops them.
# CRM_DETACH=1 returns once everything is ready and leaves the services running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
started_at=$(date +%s%3N)
RUN_DIR="$ROOT/.cache/run"
LOG_DIR="$ROOT/.cache/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"

bash tools/scripts/ensure-deps.sh
bash tools/scripts/infra-up.sh

SERVICES=(contacts pipeline activities sales reporting gateway)
declare -A PORTS=([gateway]=4000 [contacts]=4001 [pipeline]=4002 [activities]=4003 [sales]=4004 [reporting]=4005)

echo "[start] building the services"
node tools/scripts/build.mjs --bundle-only "${SERVICES[@]/#/apps/}"

for name in "${SERVICES[@]}"; do
  pid_file="$RUN_DIR/$name.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "[start] $name already running (pid $(cat "$pid_file"))"
    continue
  fi
  PORT="${PORTS[$name]}" nohup node --enable-source-maps "dist/apps/$name/main.js" >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$pid_file"
done

wait_ready() { # name port
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; then
      echo "[start] $1 exited; last log lines:" >&2
      tail -n 30 "$LOG_DIR/$1.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "[start] $1 was not ready after 60 s; see $LOG_DIR/$1.log" >&2
  return 1
}
for name in "${SERVICES[@]}"; do wait_ready "$name" "${PORTS[$name]}"; done

# The first administrator (the demo logs in as them); an existing one is left alone.
CRM_ADMIN_PASSWORD="${CRM_DEMO_PASSWORD:-demo-password-2026}" node --import tsx apps/contacts/src/cli/users-create-admin.ts \
  --email "${CRM_DEMO_ADMIN_EMAIL:-admin@crm.demo}" --name "Demo Administrator" --if-missing
node --import tsx tools/demo/seed.ts
echo "[start] ready in $(( ($(date +%s%3N) - started_at) / 1000 )) s: gateway http://127.0.0.1:4000/graphql; logs in .cache/logs"

if [ "${CRM_DETACH:-0}" = "1" ]; then
  exit 0
fi
trap 'bash "$ROOT/tools/scripts/stop.sh"; exit 0' INT TERM
echo "[start] Ctrl-C stops the services (Kafka keeps running: npm run infra:down stops it)"
while sleep 3600; do :; done
