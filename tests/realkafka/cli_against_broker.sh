#!/usr/bin/env bash
# `ccpulse simulate` + `ccpulse run --config` against a real Apache Kafka
# broker started by scripts/kafka-up, exactly as the README documents, with
# the outputs read back by Kafka's own console consumer and by kcat+protoc.
#
# Usage: cli_against_broker.sh CCPULSE KAFKA_DIR
# With a --sasl broker the config reads the password from a file, and a
# wrong password must fail fast with an authentication error. With a --tls
# broker every client (ccpulse's, kcat, the console consumer) verifies the
# broker's certificate against the throwaway CA; openssl checks first that
# the port really speaks TLS with a certificate for 127.0.0.1.
set -euo pipefail

ccpulse=$1
kafka_dir=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
. "$kafka_dir/env"

work=$(mktemp -d)
run_pid=
cleanup() {
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 30 "$f" >&2; done; exit 1; }
pass() { echo "ok: $*"; }

suffix=$RANDOM$RANDOM
input=cli.events.$suffix alerts=cli.alerts.$suffix dlq=cli.dlq.$suffix state=cli.state.$suffix
alert_partitions=3
for t in "$input:6" "$alerts:$alert_partitions" "$dlq:1"; do
  "$root/scripts/kafka-topics" "$kafka_dir" create "${t%%:*}" "${t##*:}" >/dev/null
done
"$root/scripts/kafka-topics" "$kafka_dir" create "$state" 6 --compact >/dev/null
"$root/scripts/kafka-topics" "$kafka_dir" create "$state.snapshots" 3 --compact >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

kafka_block() {  # $1: password file
  echo "kafka:"
  echo "  bootstrap.servers: $KAFKA_BOOTSTRAP"
  [ -z "${KAFKA_SECURITY_PROTOCOL:-}" ] || echo "  security.protocol: $KAFKA_SECURITY_PROTOCOL"
  [ -z "${KAFKA_SSL_CA_FILE:-}" ] || echo "  ssl.ca.location: $KAFKA_SSL_CA_FILE"
  if [ -n "${KAFKA_SASL_MECHANISM:-}" ]; then
    echo "  sasl.mechanisms: $KAFKA_SASL_MECHANISM"
    echo "  sasl.username: $KAFKA_SASL_USER"
    echo "  sasl.password: { file: $1 }"
  fi
}

write_config() {  # $1: file, $2: password file, $3: input topic
  {
    echo "instance_id: cli-$suffix"
    kafka_block "$2"
    echo "topics: { input: [$3], alerts: $alerts, dead_letter: $dlq, state: $state, snapshots: $state.snapshots }"
    cat <<YAML
processing: { workers: 2, commit_interval: 100ms, short_abandon: 1s }
http: { bind: 127.0.0.1, port: $port }
queues:
  - { name: billing, channel: voice, sl_threshold: 2s, sl_target: 0.8 }
policies:
  - name: fast-answer
    match: { channels: [voice] }
    targets:
      answer: { duration: 2s, at_risk: 0.5 }
simulator:
  rate: 40
  seed: 7
  queues:
    - { queue: billing, agents: 3, mean_handle: 10s, mean_patience: 20s }
YAML
  } >"$1"
}

if [ -n "${KAFKA_SSL_CA_FILE:-}" ]; then
  # Independent of librdkafka: the chain and the IP SAN, as a client sees them.
  echo | openssl s_client -connect "$KAFKA_BOOTSTRAP" -CAfile "$KAFKA_SSL_CA_FILE" -verify_return_error \
    -verify_ip 127.0.0.1 >"$work/s_client.log" 2>&1 || fail "openssl s_client: no verified TLS on $KAFKA_BOOTSTRAP"
  grep -q 'Verify return code: 0 (ok)' "$work/s_client.log" || fail "openssl s_client did not verify the broker"
  pass "the client port speaks TLS with a certificate for 127.0.0.1 from the throwaway CA"
fi

password_file=${KAFKA_SASL_PASSWORD_FILE:-/dev/null}
write_config "$work/ccpulse.yaml" "$password_file" "$input"
"$ccpulse" check-config "$work/ccpulse.yaml" >/dev/null || fail "check-config rejected the generated config"

# A missing input topic is named, with how to create it.
write_config "$work/missing.yaml" "$password_file" "no.such.topic.$suffix"
set +e
"$ccpulse" run --config "$work/missing.yaml" >"$work/missing.log" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "run with a missing topic exited $rc, expected 1"
grep -E -q "msg=\"missing topics\" .*topics=\"?no[.]such[.]topic[.]$suffix" "$work/missing.log" || fail "missing topic not named"
pass "run names a missing input topic"

if [ -n "${KAFKA_SASL_MECHANISM:-}" ]; then
  echo wrong-password >"$work/wrong-password"
  write_config "$work/wrong.yaml" "$work/wrong-password" "$input"
  start=$(date +%s)
  set +e
  timeout 60 "$ccpulse" run --config "$work/wrong.yaml" >"$work/wrong.log" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  [ $rc -eq 1 ] || fail "run with a wrong password exited $rc, expected 1"
  grep -qi "authentication" "$work/wrong.log" || fail "wrong password: no authentication error in the output"
  [ "$took" -le 10 ] || fail "wrong password took ${took}s to fail"
  pass "a wrong password fails in ${took}s with an authentication error"
fi

"$ccpulse" run --config "$work/ccpulse.yaml" >"$work/run.log" 2>&1 &
run_pid=$!
metrics() { curl -sf "http://127.0.0.1:$port/metrics" || true; }
value() { metrics | awk -v s="$1" '$1 == s { print $2 }'; }
sum_of() { metrics | awk -v p="$1" 'index($1, p) == 1 { s += $2 } END { print s + 0 }'; }
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
  kill -0 "$run_pid" 2>/dev/null || fail "run exited before it was ready"
  [ $SECONDS -lt $deadline ] || fail "run not ready within 60 s"
  sleep 0.2
done
pass "run is ready"

"$ccpulse" simulate --config "$work/ccpulse.yaml" --duration 8s >"$work/simulate.log" 2>&1 || fail "simulate failed"
produced=$(sed -n 's/^simulate: done, \([0-9]*\) events.*/\1/p' "$work/simulate.log")
[ "${produced:-0}" -gt 100 ] || fail "simulate produced only '${produced:-0}' events"
pass "simulate produced $produced events"

deadline=$((SECONDS + 60))
until [ "$(value ccpulse_events_consumed_total)" = "$produced" ]; do
  [ $SECONDS -lt $deadline ] || fail "consumed $(value ccpulse_events_consumed_total) of $produced"
  sleep 0.2
done
# Deadlines are 2 s: once nothing changes for 3 s, every alert is out.
previous=-1
while :; do
  now=$(sum_of ccpulse_sla_alerts_total)
  [ "$now" = "$previous" ] && break
  previous=$now
  sleep 3
done
alerts_total=$previous
[ "$alerts_total" -gt 0 ] || fail "no SLA alerts raised (the simulated queue is understaffed on purpose)"
pass "consumed all $produced events, raised $alerts_total alerts"
curl -sf "http://127.0.0.1:$port/metrics" | promtool check metrics || fail "promtool rejected /metrics"

kill -TERM "$run_pid"
wait "$run_pid" || fail "run did not exit 0 on SIGTERM"
run_pid=
pass "run stopped cleanly on SIGTERM"

# kafka-up's librdkafka properties for the broker (TLS CA, SASL login).
kcat_auth=()
[ -z "${KAFKA_KCAT_CONFIG:-}" ] || kcat_auth=(-F "$KAFKA_KCAT_CONFIG")
kcat_c() { kcat -b "$KAFKA_BOOTSTRAP" "${kcat_auth[@]}" -C -X isolation.level=read_committed "$@"; }

# The whole alerts topic, to its end offsets, not to ccpulse's own count: a
# duplicate or a stray alert must show. ccpulse has stopped, so no
# transaction is open and the last stable offset is the high watermark.
query=()
for ((p = 0; p < alert_partitions; p++)); do query+=(-t "$alerts:$p:-1"); done
kcat -b "$KAFKA_BOOTSTRAP" "${kcat_auth[@]}" -Q "${query[@]}" >"$work/end-offsets.txt" 2>"$work/end-offsets.log" || fail "kcat could not query the end offsets of $alerts"
end_total=$(awk '/offset/ { s += $NF } END { print s + 0 }' "$work/end-offsets.txt")
[ "$end_total" -gt 0 ] || fail "no end offsets for $alerts: $(cat "$work/end-offsets.txt")"
# -e stops at the end of every partition. Each record is a header line
# "PARTITION OFFSET KEY SIZE", then SIZE payload bytes and a newline.
kcat_c -t "$alerts" -o beginning -e -q -f '%p %o %k %S\n%s\n' >"$work/alerts.raw" 2>"$work/alerts-kcat.log" ||
  fail "kcat could not read $alerts to its end"
# Frame the payloads as a repeated field of one wrapper message, so protoc
# decodes every record with the schema in one call.
python3 - "$work/alerts.raw" "$work/alerts.framed" "$work/alerts.index" <<'PY' || fail "malformed kcat output for $alerts"
import sys
raw, framed, index = sys.argv[1:]
data = open(raw, "rb").read()
pos, out, lines = 0, bytearray(), []
while pos < len(data):
    nl = data.index(b"\n", pos)
    part, offset, key, size = data[pos:nl].decode().split(" ")
    size = max(int(size), 0)
    payload = data[nl + 1 : nl + 1 + size]
    assert len(payload) == size and data[nl + 1 + size : nl + 2 + size] == b"\n", f"record at {part}/{offset} cut short"
    pos = nl + 2 + size
    out += b"\x0a"  # field 1, length-delimited
    n = size
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    out += payload
    lines.append(f"{part} {offset} {key}\n")
open(framed, "wb").write(out)
open(index, "w").write("".join(lines))
PY
cat >"$work/alert_stream.proto" <<'PROTO'
syntax = "proto3";
package clitest;
import "ccpulse/v1/alerts.proto";
message AlertStream { repeated ccpulse.v1.Alert alert = 1; }
PROTO
protoc -I"$root/schemas" -I"$work" --decode=clitest.AlertStream alert_stream.proto \
  <"$work/alerts.framed" >"$work/alerts.txt" 2>"$work/protoc.log" || fail "protoc could not decode the alerts topic"
records=$(wc -l <"$work/alerts.index")
decoded=$(grep -c '^alert {$' "$work/alerts.txt" || true)
grep -o '^    alert_id: "[^"]*"' "$work/alerts.txt" | sort >"$work/alert-ids.txt" || true
ids=$(wc -l <"$work/alert-ids.txt")
distinct=$(sort -u "$work/alert-ids.txt" | wc -l)
[ "$decoded" = "$records" ] || fail "protoc decoded $decoded alerts out of $records records"
[ "$ids" = "$records" ] || fail "$((records - ids)) of $records records on $alerts carry no alert id"
dups=$(uniq -d "$work/alert-ids.txt" | sed 's/.*alert_id: //' | tr '\n' ' ')
[ -z "$dups" ] || fail "duplicate alert ids on $alerts: $dups"
[ "$records" = "$alerts_total" ] ||
  fail "$alerts holds $records records, ccpulse_sla_alerts_total says $alerts_total"
[ "$distinct" = "$alerts_total" ] ||
  fail "$alerts holds $distinct distinct alert ids, ccpulse_sla_alerts_total says $alerts_total"
grep -q '^    policy: "fast-answer"$' "$work/alerts.txt" || fail "decoded alerts lack their policy"
grep -q '^    kind: SLA_ALERT_KIND_' "$work/alerts.txt" || fail "decoded alerts lack their kind"
# The key of every record is its alert's interaction id.
grep -o '^    interaction_id: "[^"]*"' "$work/alerts.txt" | sed 's/.*: "\(.*\)"/\1/' >"$work/alert-interactions.txt"
awk '{ print $3 }' "$work/alerts.index" | cmp -s - "$work/alert-interactions.txt" ||
  fail "record keys differ from the alerts' interaction ids"
pass "kcat + protoc read $alerts over ${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT} to its end offsets ($end_total): $records alerts, $distinct distinct ids, as ccpulse counted"

# Kafka's console consumer: the same records (one key, the interaction id,
# per alert), read_committed; it stops once it has read them all.
"$root/scripts/kafka-console-consumer" "$kafka_dir" --topic "$alerts" --from-beginning \
  --isolation-level read_committed --timeout-ms 15000 --max-messages "$records" \
  --property print.key=true --property print.value=false >"$work/console.out" 2>"$work/console.log" || true
# Keys are the simulator's interaction ids; other lines are tool notices.
grep "^int-" "$work/console.out" | sort >"$work/console-keys.txt" || true
awk '{ print $3 }' "$work/alerts.index" | sort | cmp -s - "$work/console-keys.txt" ||
  fail "console consumer read $(wc -l <"$work/console-keys.txt") keys, not the $records kcat read"
pass "Kafka's console consumer read the same $records alerts over ${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}"
echo "cli_against_broker: all checks passed"
