#!/usr/bin/env bash
# Provision and run a real Apache Kafka 4.x broker for local development and tests:
# one KRaft node (combined broker + controller) on 127.0.0.1, built from the Maven Central
# jars listed in tools/kafka/pom.xml (no Docker and no Kafka package needed).
#
# Usage: tools/kafka/kafka.sh fetch|start|stop|restart|status|reset|logs|classpath
#
#   fetch      download the broker's jars into the cache (once; reused afterwards)
#   start      fetch if needed, format storage once, start the broker in the background,
#              wait until it is ready; exit 0 at once if it is already running
#   stop       stop the broker started by this script (SIGTERM, then SIGKILL after 30 s)
#   restart    stop, then start
#   status     print "running" and exit 0 if 127.0.0.1:$KAFKA_PORT answers, else exit 1
#   reset      stop and delete the state dir (topics, offsets, logs); keeps the jar cache
#   logs       print the last lines of the broker log (LINES=200 by default)
#   classpath  print the classpath, e.g. for Kafka's CLI tools:
#                java -cp "$(tools/kafka/kafka.sh classpath)" org.apache.kafka.tools.TopicCommand \
#                  --bootstrap-server 127.0.0.1:9092 --list
#
# Environment:
#   KAFKA_PORT             client listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_CACHE_DIR        cache root (default <repo>/.cache/kafka); jars go to $KAFKA_CACHE_DIR/libs
#   KAFKA_HOME_DIR         alias of KAFKA_CACHE_DIR
#   KAFKA_STATE_DIR        config, data and logs (default $KAFKA_CACHE_DIR/state)
#   KAFKA_HEAP_OPTS        JVM heap options (default "-Xms256m -Xmx512m")
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to be ready (default 90)
#   JAVA_HOME              JDK to use (Java 17 or later); else `java` from PATH
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
CACHE_DIR="${KAFKA_CACHE_DIR:-${KAFKA_HOME_DIR:-$REPO_ROOT/.cache/kafka}}"
LIBS_DIR="$CACHE_DIR/libs"
STATE_DIR="${KAFKA_STATE_DIR:-$CACHE_DIR/state}"
DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
LOG_FILE="$LOG_DIR/server.log"
OUT_FILE="$LOG_DIR/kafka.out"
PID_FILE="$STATE_DIR/kafka.pid"
CONFIG_FILE="$STATE_DIR/server.properties"
POM="$SCRIPT_DIR/pom.xml"
LOG4J_CONFIG="$SCRIPT_DIR/log4j2.properties"
MARKER="$LIBS_DIR/.fetch-complete"
LOCK_FILE="$CACHE_DIR/.kafka.sh.lock"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# A fixed, valid KRaft cluster id (22 characters, base64url of 16 bytes), so that every
# developer's and CI's local broker looks the same.
CLUSTER_ID="q1Sh-9_ISia_zwGINzRvyQ"
HOST="127.0.0.1"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

log() { printf '[kafka.sh] %s\n' "$*"; }
die() { printf '[kafka.sh] ERROR: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
elapsed() { # elapsed <start-ms> -> "12.3s"
  local ms=$(( $(now_ms) - $1 ))
  printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100))
}

# Serialize fetch/start/stop/reset between concurrent callers (e.g. parallel test runners).
take_lock() {
  mkdir -p "$CACHE_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    if ! flock -w 300 9; then
      die "could not get the lock $LOCK_FILE within 300 s"
    fi
  fi
}

# Does something accept TCP connections on 127.0.0.1:<port>? (bash /dev/tcp; nc only as fallback)
port_open() {
  local port="$1"
  if timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$port" 2>/dev/null; then
    return 0
  fi
  if ! [[ -e /dev/tcp ]] && command -v nc >/dev/null 2>&1; then
    nc -z -w 2 "$HOST" "$port" >/dev/null 2>&1 && return 0
  fi
  return 1
}

# Does 127.0.0.1:<port> speak the Kafka protocol? Sends an ApiVersions v0 request
# (api_key 18, correlation id 0x2a, null client id) and checks the echoed correlation id.
speaks_kafka() {
  local port="$1" reply
  reply="$(timeout 3 bash -c "
    exec 3<>/dev/tcp/$HOST/$port || exit 1
    printf '\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x2a\xff\xff' >&3
    head -c 8 <&3 | od -An -tx1
  " 2>/dev/null | tr -d ' \n')" || true
  [[ "${#reply}" -eq 16 && "${reply:8:8}" == "0000002a" ]]
}

# Prints the pid of the broker this script started, if it is still alive.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be our kafka.Kafka.
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka'; then
    return 1
  fi
  echo "$pid"
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found: install a JDK 17 or later, or set JAVA_HOME"
  local version major
  version="$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 17)); then
    die "Kafka 4 needs Java 17 or later; $JAVA is $version (set JAVA_HOME)"
  fi
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

libs_ready() {
  [[ -f "$MARKER" ]] && [[ "$(cat "$MARKER")" == "$(pom_hash)" ]]
}

do_fetch() {
  if libs_ready; then
    return 0
  fi
  local pid
  if [[ -f "$MARKER" ]] && pid="$(running_pid)"; then
    # Replacing the jars under a running JVM could break it; keep them until the next start.
    log "tools/kafka/pom.xml changed, but the broker (pid $pid) runs from the current jars;" \
      "they are refreshed at the next start after '$0 stop'" >&2
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven (apt-get install maven) to fetch Kafka's jars"
  local tmp="$CACHE_DIR/libs.tmp.$$" t0
  t0="$(now_ms)"
  log "fetching Kafka jars from Maven Central into $LIBS_DIR ..."
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # (Maven 3.8 prints stray colour escapes even with -q -B; the sed drops them.)
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed (see above)"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no kafka_2.13 jar was copied"; }
  pom_hash >"$tmp/.fetch-complete"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS_DIR" | cut -f1)) in $(elapsed "$t0")"
}

write_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  cat >"$CONFIG_FILE" <<EOF
# Written by tools/kafka/kafka.sh on each start; edit the script, not this file.
# Single-node KRaft: this node is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR

num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# Fewer internal partitions than the default 50: the first consumer group or transaction is ready sooner.
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

# Small footprint: the log cleaner's default 128 MiB dedupe buffer would not suit a 512 MiB heap.
log.cleaner.dedupe.buffer.size=16777216
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=104857600
EOF
}

format_storage() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  log "formatting storage in $DATA_DIR (cluster id $CLUSTER_ID)"
  if ! "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.log.file="$LOG_DIR/storage-tool.log" \
      -cp "$LIBS_DIR/*" kafka.tools.StorageTool format --standalone \
      -t "$CLUSTER_ID" -c "$CONFIG_FILE" >"$LOG_DIR/format.out" 2>&1; then
    cat "$LOG_DIR/format.out" >&2
    die "formatting the storage failed"
  fi
}

show_failure_logs() {
  echo "---- last 50 lines of $LOG_FILE ----" >&2
  tail -n 50 "$LOG_FILE" >&2 2>/dev/null || echo "(no log file)" >&2
  if [[ -s "$OUT_FILE" ]]; then
    echo "---- last 20 lines of $OUT_FILE ----" >&2
    tail -n 20 "$OUT_FILE" >&2
  fi
}

START_MARK="=== tools/kafka/kafka.sh start"

# Has the broker logged "Kafka Server started" since our latest start marker?
log_says_started() {
  [[ -f "$LOG_FILE" ]] || return 1
  awk -v mark="$START_MARK" 'index($0, mark) == 1 { seen = 0; next } /Kafka Server started/ { seen = 1 } END { exit !seen }' "$LOG_FILE"
}

wait_ready() { # wait_ready <pid> <start-ms>
  local pid="$1" t0="$2" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[kafka.sh] ERROR: the broker (pid $pid) exited during startup" >&2
      show_failure_logs
      rm -f "$PID_FILE"
      return 1
    fi
    if port_open "$KAFKA_PORT" && log_says_started; then
      log "Kafka is ready on $HOST:$KAFKA_PORT (pid $pid, started in $(elapsed "$t0"))"
      return 0
    fi
    sleep 0.25
  done
  echo "[kafka.sh] ERROR: the broker (pid $pid) was not ready within ${START_TIMEOUT}s" >&2
  show_failure_logs
  return 1
}

do_start() {
  local t0 pid
  t0="$(now_ms)"
  take_lock

  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT" && speaks_kafka "$KAFKA_PORT"; then
      log "Kafka already running on $HOST:$KAFKA_PORT (pid $pid)"
      return 0
    fi
    log "Kafka (pid $pid) is starting; waiting for it"
    wait_ready "$pid" "$t0"
    return
  fi
  rm -f "$PID_FILE"

  if port_open "$KAFKA_PORT"; then
    if speaks_kafka "$KAFKA_PORT"; then
      log "Kafka already running on $HOST:$KAFKA_PORT (not started from $STATE_DIR; no pid file here)"
      return 0
    fi
    die "port $HOST:$KAFKA_PORT is taken by something that is not Kafka; stop it or set KAFKA_PORT"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $HOST:$KAFKA_CONTROLLER_PORT is already taken; stop what uses it or set KAFKA_CONTROLLER_PORT"
  fi

  check_java
  do_fetch
  write_config
  format_storage

  mkdir -p "$LOG_DIR"
  printf '%s %s (port %s) ===\n' "$START_MARK" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$KAFKA_PORT" >>"$LOG_FILE"
  local -a jvm_opts
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of options on purpose
  jvm_opts=($KAFKA_HEAP_OPTS
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$LOG4J_CONFIG" "-Dkafka.log.file=$LOG_FILE" "-Dkafka.logs.dir=$LOG_DIR")

  rm -f "$PID_FILE"
  # setsid: own session, so the broker outlives the calling shell and its terminal; the inner
  # bash writes its own pid and then execs java, so the pid file holds the JVM's pid.
  (
    cd "$STATE_DIR"
    # 9>&-: the broker must not inherit (and so hold) the lock.
    # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
    nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$JAVA" "${jvm_opts[@]}" -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG_FILE" \
      >>"$OUT_FILE" 2>&1 </dev/null 9>&- &
  )
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  [[ -s "$PID_FILE" ]] || { show_failure_logs; die "the broker did not start (no pid file)"; }
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  log "starting Kafka (pid $pid) on $HOST:$KAFKA_PORT, state in $STATE_DIR"
  wait_ready "$pid" "$t0"
}

do_stop() {
  local pid
  take_lock
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$KAFKA_PORT"; then
      log "no broker started from $STATE_DIR, but $HOST:$KAFKA_PORT answers (started elsewhere?); leaving it alone"
    else
      log "Kafka is not running"
    fi
    return 0
  fi
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local t0 deadline=$((SECONDS + 30))
  t0="$(now_ms)"
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "Kafka stopped in $(elapsed "$t0")"
}

do_status() {
  if port_open "$KAFKA_PORT"; then
    echo "running"
    return 0
  fi
  echo "not running"
  return 1
}

do_reset() {
  do_stop
  if [[ -d "$STATE_DIR" ]]; then
    rm -rf "$STATE_DIR"
    log "deleted $STATE_DIR"
  fi
}

cmd="${1:-}"
case "$cmd" in
  fetch) take_lock; do_fetch; log "jars ready in $LIBS_DIR" ;;
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop; exec 9>&-; do_start ;;
  status) do_status ;;
  reset) do_reset ;;
  logs) tail -n "${LINES:-200}" "$LOG_FILE" ;;
  classpath) take_lock; do_fetch >&2; echo "$LIBS_DIR/*" ;;
  *)
    echo "usage: $0 fetch|start|stop|restart|status|reset|logs|classpath" >&2
    exit 2
    ;;
esac
