# shellcheck shell=bash
# Shared machinery of the chaos tests (tests/chaos/*.sh), sourced by them
# after `set -euo pipefail`:
#
#   . "$(dirname "$0")/lib.sh"
#   chaos_init NAME CCPULSE KAFKA_DIR
#
# chaos_init sets ccpulse, root, here, py, work (a fresh temp dir, removed at
# exit unless KEEP_WORK=1), t0, and exports what tests/chaos/chaos_tool.py
# needs. At exit every ccpulse started with start_instance is stopped (only
# those pids), fetch quotas set through add_quota are removed, then the
# commands in chaos_exit_hooks run first (kill9_restart.sh stops its own run
# there).
#
# Environment: CCPULSE_TEST_PYTHON (python with confluent_kafka and
# google.protobuf; default /usr/bin/python3), KEEP_WORK=1,
# CHAOS_DONE_TIMEOUT (seconds a run may take to finish, default 180).

chaos_init() {  # NAME CCPULSE KAFKA_DIR
  chaos_name=$1
  ccpulse=$2
  local kafka_dir=$3
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  here=$root/tests/chaos
  # shellcheck source=/dev/null
  . "$kafka_dir/env"
  export KAFKA_BOOTSTRAP KAFKA_DIR KAFKA_LIB KAFKA_SASL_MECHANISM="${KAFKA_SASL_MECHANISM:-}" \
    KAFKA_SASL_USER="${KAFKA_SASL_USER:-}" KAFKA_SASL_PASSWORD_FILE="${KAFKA_SASL_PASSWORD_FILE:-}" \
    KAFKA_SECURITY_PROTOCOL="${KAFKA_SECURITY_PROTOCOL:-}" KAFKA_SSL_CA_FILE="${KAFKA_SSL_CA_FILE:-}"
  py=${CCPULSE_TEST_PYTHON:-/usr/bin/python3}
  t0=$SECONDS
  t0_us=${EPOCHREALTIME/./}
  work=$(mktemp -d)
  export CHAOS_PB_DIR=$work/pb CHAOS_READER_CLIENT_ID=ccpulse-chaos-reader-$$
  quota_clients=()
  chaos_exit_hooks=()
  declare -gA inst_pid=() inst_port=() inst_starts=()
  trap chaos_cleanup EXIT
  chaos_prerequisites
}

log() { printf '[%4ds] %s\n' $((SECONDS - t0)) "$*"; }
tool() { "$py" "$here/chaos_tool.py" "$@"; }

fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.log; do [ -e "$f" ] && { echo "--- tail of $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}

chaos_prerequisites() {
  "$py" -c 'import confluent_kafka, google.protobuf' 2>/dev/null ||
    fail "$py lacks confluent_kafka or google.protobuf (Debian: python3-confluent-kafka python3-protobuf; run scripts/install-deps)"
  local t
  for t in java curl protoc; do command -v "$t" >/dev/null || fail "$t not found"; done
  mkdir -p "$CHAOS_PB_DIR"
  protoc -I"$root/schemas" --python_out="$CHAOS_PB_DIR" ccpulse/v1/events.proto ccpulse/v1/alerts.proto ||
    fail "protoc --python_out failed"
}

config_command() {  # kafka.admin.ConfigCommand ARGS...
  local auth=()
  [ ! -e "$KAFKA_DIR/client.properties" ] || auth=(--command-config "$KAFKA_DIR/client.properties")
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$KAFKA_DIR/logs" -Dccpulse.log.name=tools.log -Dccpulse.log.level=WARN \
    -cp "$KAFKA_LIB/*" kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "${auth[@]}" "$@"
}

delete_records() {  # TOPIC PARTITION OFFSET: the partition's log start moves to OFFSET (DeleteRecords)
  local auth=()
  [ ! -e "$KAFKA_DIR/client.properties" ] || auth=(--command-config "$KAFKA_DIR/client.properties")
  echo "{\"partitions\": [{\"topic\": \"$1\", \"partition\": $2, \"offset\": $3}], \"version\": 1}" >"$work/delete-records.json"
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$KAFKA_DIR/logs" -Dccpulse.log.name=tools.log -Dccpulse.log.level=WARN \
    -cp "$KAFKA_LIB/*" org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "${auth[@]}" \
    --offset-json-file "$work/delete-records.json"
}

chaos_cleanup() {
  local h c pids=()
  for h in "${chaos_exit_hooks[@]}"; do $h || true; done
  for c in "${!inst_pid[@]}"; do stop_instance "$c" quiet || true; done
  for c in "${quota_clients[@]}"; do
    config_command --alter --delete-config consumer_byte_rate --entity-type clients --entity-name "$c" \
      >/dev/null 2>&1 &
    pids+=($!)
  done
  for c in "${pids[@]}"; do wait "$c" || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
metrics() { curl -sf --max-time 5 "http://127.0.0.1:$1/metrics" || true; }
value_in() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# Sum of every series of metric $2 (any labels) in /metrics file $1.
sum_of() { awk -v s="$2" '$1 == s || index($1, s "{") == 1 { t += $2 } END { printf "%.15g\n", t + 0 }' "$1"; }
# Partitions of input topic $2 whose lag series is present and 0 in file $1.
caught_up_partitions() {
  awk -v t="$2" 'index($1, "ccpulse_consumer_lag_messages{topic=\"" t "\",") == 1 && $2 == 0 { n++ } END { print n + 0 }' "$1"
}

# --- configuration -------------------------------------------------------------
# ccpulse_config OUT INSTANCE_ID GROUP INPUT ALERTS DLQ STATE WORKERS PORT [KAFKA_PROP ...]
# One ccpulse config of the chaos workload; KAFKA_PROPs are "name: value".
# Needs sim_seed (simulator seed) set; commit_interval (default 100ms) may be set.
ccpulse_config() {
  local out=$1 instance=$2 group=$3 input=$4 alerts=$5 dlq=$6 state=$7 workers=$8 port=$9
  shift 9
  {
    echo "instance_id: $instance"
    echo "kafka:"
    echo "  bootstrap.servers: $KAFKA_BOOTSTRAP"
    echo "  group.id: $group"
    [ -z "$KAFKA_SECURITY_PROTOCOL" ] || echo "  security.protocol: $KAFKA_SECURITY_PROTOCOL"
    [ -z "$KAFKA_SSL_CA_FILE" ] || echo "  ssl.ca.location: $KAFKA_SSL_CA_FILE"
    if [ -n "$KAFKA_SASL_MECHANISM" ]; then
      echo "  sasl.mechanisms: $KAFKA_SASL_MECHANISM"
      echo "  sasl.username: $KAFKA_SASL_USER"
      echo "  sasl.password: { file: $KAFKA_SASL_PASSWORD_FILE }"
    fi
    local p
    for p in "$@"; do echo "  $p"; done
    echo "topics: { input: [$input], alerts: $alerts, dead_letter: $dlq, state: $state, snapshots: $state.snapshots }"
    # max_out_of_orderness 1s: the watermark trails the newest event by 1 s,
    # so in a backlog the 10 s at-risk points are reached in event time before
    # most answers; 52 agents for 60 Erlangs keep waits long enough that
    # every alert kind shows up by the thousand (ideal counts over 20 min:
    # ~3000 AT_RISK, ~1500 BREACHED, ~1400 RECOVERED, ~180 CANCELLED).
    cat <<YAML
processing: { workers: $workers, commit_interval: ${commit_interval:-100ms}, max_out_of_orderness: 1s }
http: { bind: 127.0.0.1, port: $port }
queues:
  - { name: billing, channel: voice, sl_threshold: 10s, sl_target: 0.8 }
policies:
  - name: fast-answer
    match: { channels: [voice] }
    targets:
      answer: { duration: 20s, at_risk: 0.5 }
simulator:
  rate: 3
  seed: $sim_seed
  queues:
    - { queue: billing, agents: 52, mean_handle: 20s, mean_patience: 120s }
YAML
  } >"$out"
  "$ccpulse" check-config "$out" >/dev/null || fail "check-config rejected $out"
}
port_in() { sed -n 's/^http: { bind: 127.0.0.1, port: \([0-9]*\) }$/\1/p' "$1"; }

# --- the backlog -----------------------------------------------------------------
# make_backlog TOPIC SPAN_MINUTES [SIMULATE_ARGS ...]
# Simulated time [start, start + span) ending backlog_end_ago minutes ago
# (default 5; more than processing.linger, 10 min, and nothing in the state
# changes on the wall clock once the input is read: no trickle of
# transactions dropping lingering interactions at the end) (start: whole
# minutes, so two topics written within the same minute get the same events;
# pass backlog_start to reuse one), small producer batches (a fetch returns at
# least one whole record batch whatever max.partition.fetch.bytes says).
# Sets produced (events) and backlog_start; output in $work/simulate-TOPIC.*.
make_backlog() {
  local topic=$1 span=$2
  shift 2
  if [ -z "${backlog_start:-}" ]; then
    local now_minute=$(( $(date -u +%s) / 60 * 60 ))
    backlog_start=$(date -u -d "@$(( now_minute - (span + ${backlog_end_ago:-5}) * 60 ))" +%Y-%m-%dT%H:%M:%SZ)
  fi
  local cfg=$work/simulate-$topic.yaml
  ccpulse_config "$cfg" sim sim "$topic" sim.alerts sim.dlq sim.state 1 0 "batch.size: 8192"
  "$ccpulse" simulate --config "$cfg" --start "$backlog_start" --span "${span}m" "$@" \
    >"$work/simulate-$topic.out" 2>"$work/simulate-$topic.err" || fail "simulate $* to $topic failed: $(tail -n 3 "$work/simulate-$topic.err")"
  produced=$(sed -n 's/^simulate: done, \([0-9]*\) events.*/\1/p' "$work/simulate-$topic.out")
  [ "${produced:-0}" -gt 1000 ] || fail "simulate produced only '${produced:-0}' events to $topic"
}

# Paced fetches (see kill9_restart.sh, "pacing"): fetch.min.bytes above what
# one fetch may return makes the broker hold every fetch for fetch.wait.max.ms,
# and each returns at most about max.partition.fetch.bytes per partition.
# pacing_props TOPIC SECONDS: sets pace (the properties, an array) so that
# consuming TOPIC (6 partitions, any number of members) takes about SECONDS,
# and fetch_wait_ms. The restore reads the state topic with the same
# properties, so it is paced too.
pacing_fetch_bytes=8192
pacing_props() {
  local bytes
  bytes=$(tool input-bytes "$1")
  fetch_wait_ms=$(awk -v b="$bytes" -v t="$2" -v f="$pacing_fetch_bytes" \
    'BEGIN { w = t * 1000 * 6 * f / (b * 1.15); if (w < 50) w = 50; if (w > 5000) w = 5000; printf "%d", w }')
  pace=("max.partition.fetch.bytes: $pacing_fetch_bytes" "fetch.min.bytes: $((12 * pacing_fetch_bytes * 4))"
    "fetch.wait.max.ms: $fetch_wait_ms")
}

# --- ccpulse run instances --------------------------------------------------------
# An instance NAME runs `ccpulse run --config $work/NAME.yaml`, logging to
# $work/NAME.log (appended; "=== start" lines separate the lives). Exiting by
# itself is a failure of the test.

stamp_lines() {
  local line now
  while IFS= read -r line; do
    now=${EPOCHREALTIME/./}
    printf '%8.3f %s\n' "$(( (now - t0_us) / 1000 ))e-3" "$line"
  done
}

alive() { [ -n "${inst_pid[$1]:-}" ] && kill -0 "${inst_pid[$1]}" 2>/dev/null; }

start_instance() {  # NAME [ENV=VALUE ...]
  local n=$1
  shift
  [ -z "${inst_pid[$n]:-}" ] || fail "$n: already running"
  inst_port[$n]=$(port_in "$work/$n.yaml")
  inst_starts[$n]=$(( ${inst_starts[$n]:-0} + 1 ))
  echo "=== start ${inst_starts[$n]} $(date -u +%H:%M:%S.%N)" >>"$work/$n.log"
  # Each line stamped with the test's clock (seconds since it started); $!
  # is ccpulse's own pid.
  env "$@" "$ccpulse" run --config "$work/$n.yaml" > >(stamp_lines >>"$work/$n.log") 2>&1 &
  inst_pid[$n]=$!
}

# Why the last life of NAME ended, from its log.
exit_reason() {
  awk '/^=== start/ { l = "" } /stopped on error|level=error/ { l = $0 } END { print l }' "$work/$1.log" | cut -c1-300
}

check_alive() {  # NAME...: fails naming any instance that exited by itself (stopped ones are skipped)
  local n rc
  for n in "$@"; do
    [ -n "${inst_pid[$n]:-}" ] || continue
    alive "$n" && continue
    rc=0
    wait "${inst_pid[$n]}" 2>/dev/null || rc=$?
    unset "inst_pid[$n]"
    fail "$n: ccpulse exited by itself (exit code $rc): $(exit_reason "$n")"
  done
}

wait_ready() {  # NAME [SECONDS]
  local n=$1 deadline=$((SECONDS + ${2:-60}))
  while ! curl -sf --max-time 2 "http://127.0.0.1:${inst_port[$n]}/readyz" >/dev/null; do
    check_alive "$n"
    [ $SECONDS -lt $deadline ] || fail "$n: not ready within ${2:-60} s"
    sleep 0.1
  done
}

stop_instance() {  # NAME [quiet]: SIGTERM, SIGKILL after 30 s; fails unless it exits 0
  local n=$1 pid=${inst_pid[$1]:-} rc=0
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$?
  unset "inst_pid[$n]"
  [ "${2:-}" = quiet ] || [ $rc -eq 0 ] || fail "$n: ccpulse run exited $rc on SIGTERM"
}

# finish_instances GROUP INPUT PARTITIONS ALERTS NAME...
# Waits until the instances together have processed the whole input and the
# output settled: every input partition's lag 0 in one of their /metrics, the
# group's committed offsets at the end, then the alerts topic unchanged for
# two consecutive 1 s polls. Saves each /metrics to $work/NAME.metrics; the
# instances keep running. Any of them exiting is a failure.
finish_instances() {
  local group=$1 input=$2 parts=$3 alerts=$4
  shift 4
  local deadline=$((SECONDS + ${CHAOS_DONE_TIMEOUT:-180})) n caught progress='' previous=-1 stable=0 c
  while :; do
    check_alive "$@"
    caught=0
    for n in "$@"; do
      metrics "${inst_port[$n]}" >"$work/$n.metrics.tmp"
      c=$(caught_up_partitions "$work/$n.metrics.tmp" "$input")
      caught=$((caught + c))
    done
    if [ "$caught" -ge "$parts" ]; then
      progress=$(tool group-progress "$group" "$input")
      [ "${progress% *}" = "${progress#* }" ] && break
    fi
    [ $SECONDS -lt $deadline ] ||
      fail "$*: not done after ${CHAOS_DONE_TIMEOUT:-180} s ($caught/$parts partitions caught up, group offsets ${progress:-?})"
    sleep 0.5
  done
  while [ $stable -lt 2 ]; do
    check_alive "$@"
    c=$(tool end-offsets "$alerts")
    if [ "$c" = "$previous" ]; then stable=$((stable + 1)); else stable=0; fi
    previous=$c
    [ $SECONDS -lt $deadline ] || fail "$*: alerts topic still growing after ${CHAOS_DONE_TIMEOUT:-180} s"
    sleep 1
  done
  for n in "$@"; do
    metrics "${inst_port[$n]}" >"$work/$n.metrics"
    [ -s "$work/$n.metrics" ] || fail "$n: empty /metrics"
  done
  check_alive "$@"
}

# reference_run NAME INPUT: an uninterrupted run at full speed with its own
# topics (chaos.NAME.{alerts,state,dlq}.$suffix), group and instance id, 2
# workers, until done; its /metrics in $work/NAME.metrics, its alerts dumped
# to $work/NAME.alerts.json. Needs suffix and produced set.
run_topics() {  # NAME: its alerts (3), state (6, compacted), snapshots (3, compacted) and dead-letter (1) topics
  echo "chaos.$1.alerts.$suffix:3" "chaos.$1.state.$suffix:6:compact" "chaos.$1.state.$suffix.snapshots:3:compact" \
    "chaos.$1.dlq.$suffix:1"
}
run_config() {  # NAME INPUT WORKERS [KAFKA_PROP ...]: $work/NAME.yaml, group = instance id = chaos-$suffix-NAME
  local n=$1 input=$2 workers=$3 port
  shift 3
  port=$(free_port)
  ccpulse_config "$work/$n.yaml" "chaos-$suffix-$n" "chaos-$suffix-$n" "$input" "chaos.$n.alerts.$suffix" \
    "chaos.$n.dlq.$suffix" "chaos.$n.state.$suffix" "$workers" "$port" "$@"
}
reference_run() {
  local n=$1 input=$2 began=$SECONDS consumed
  run_config "$n" "$input" 2
  start_instance "$n"
  wait_ready "$n"
  finish_instances "chaos-$suffix-$n" "$input" 6 "chaos.$n.alerts.$suffix" "$n"
  consumed=$(value_in "$work/$n.metrics" ccpulse_events_consumed_total)
  [ "$consumed" = "$produced" ] || fail "$n: an uninterrupted run consumed $consumed events, the input holds $produced"
  stop_instance "$n"
  dump_alerts "$n" "chaos.$n.alerts.$suffix"
  # Harness check: the topic holds what its /metrics counted.
  local counted read_n
  counted=$(sum_of "$work/$n.metrics" ccpulse_sla_alerts_total)
  read_n=$("$py" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["alerts"]))' "$work/$n.alerts.json")
  [ "$counted" = "$read_n" ] || fail "$n: /metrics counts $counted SLA alerts, its topic holds $read_n"
  log "$n: uninterrupted reference run over $input: $produced events, $read_n alerts, done and settled in $((SECONDS - began)) s"
}

dump_alerts() {  # NAME TOPIC: $work/NAME.alerts.json
  tool dump "$2" "$work/$1.alerts.json" >"$work/$1.dump.out" || fail "$1: could not read its alerts topic $2"
  sed "s/^/   $1: /" "$work/$1.dump.out"
}

# Prints the rebalance lines of NAME's log from line $2 on (what moved).
moves_since() {  # NAME FROM_LINE
  tail -n +"$2" "$work/$1.log" |
    grep -E '^=== start|msg="(assigned|revoked) partitions"|msg=restored|msg=recovering|msg="recovered' |
    sed -E 's/ts=[^ ]* level=[a-z]+ //; s/ (instance|component|seconds|records_per_s|undecodable)=[^ ]*//g' |
    sed "s/^/     $1: /" || true
}
# Whether / the first line of NAME's log from line $2 on that matches $3
# (an awk ERE; no backslashes: awk -v would eat them). No grep -q in
# pipelines: under pipefail its early exit fails them.
log_has_since() { awk -v from="$2" -v s="$3" 'NR >= from && $0 ~ s { f = 1 } END { exit !f }' "$work/$1.log"; }
first_since() { awk -v from="$2" -v s="$3" 'NR >= from && $0 ~ s { print; exit }' "$work/$1.log"; }
# ERE for worker W's log line with message MSG (logfmt quotes a message with
# spaces; the worker's id follows it, README "Logs").
worker_line() { printf 'msg="?%s"? .* worker=%s( |$)' "$1" "$2"; }
# "(class): reason" of worker W's first recovering line in NAME's log from line FROM on.
recovering_why() {  # NAME FROM W
  first_since "$1" "$2" "$(worker_line recovering "$3")" | sed -E 's/.* class=([a-z]+) reason="?/(\1): /; s/"$//' | cut -c1-200
}
# The number of the next line NAME's log will get.
log_lines() { echo $(( $(cat "$work/$1.log" 2>/dev/null | wc -l) + 1 )); }
