#!/usr/bin/env bash
# npm stop: stops the services started by npm start (SIGTERM → graceful drain).
# `npm stop -- --all` also stops the Kafka broker.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
RUN_DIR="$ROOT/.cache/run"
for pid_file in "$RUN_DIR"/*.pid; do
  [ -e "$pid_file" ] || continue
  name=$(basename "$pid_file" .pid)
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "[stop] $name stopped"
  fi
  rm -f "$pid_file"
done
if [ "${1:-}" = "--all" ]; then bash "$ROOT/tools/kafka/kafka.sh" stop; fi
