#!/usr/bin/env bash
# npm test: every test. Installs what is missing, brings up Postgres and Kafka itself, then
# lint (module boundaries included), type-check, and Jest over every project (unit,
# integration and end-to-end on the real Postgres and the real broker).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
started_at=$(date +%s)
bash tools/scripts/ensure-deps.sh
bash tools/scripts/infra-up.sh
echo "[test] lint"
npm run --silent lint
echo "[test] type-check"
npm run --silent typecheck
echo "[test] jest"
CRM_INFRA_READY=1 npx jest --maxWorkers=2 "$@"
echo "[test] all green in $(( $(date +%s) - started_at )) s"
