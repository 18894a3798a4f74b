#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than package-lock.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
command -v node >/dev/null || { echo "node is missing: install Node.js 20 (>= 20.19)" >&2; exit 1; }
command -v java >/dev/null || { echo "java is missing: install OpenJDK 17 (the Kafka broker needs it)" >&2; exit 1; }
command -v mvn >/dev/null || [ -f .cache/kafka/libs/.fetch-complete ] || { echo "mvn is missing: install Maven (it fetches the Kafka broker's jars once)" >&2; exit 1; }
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
