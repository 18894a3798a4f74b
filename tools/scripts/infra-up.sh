#!/usr/bin/env bash
# Brings up what the services need: PostgreSQL (the running server, or the local cluster)
# and the project's own Kafka broker (KRaft, jars from Maven Central). Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
bash "$ROOT/tools/postgres/ensure.sh"
bash "$ROOT/tools/kafka/kafka.sh" start
