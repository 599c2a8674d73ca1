#!/usr/bin/env bash
# A broker certificate the configured CA did not sign: `ccpulse run` and
# `ccpulse simulate` exit 1 within seconds, their last line naming the TLS
# handshake, the broker and ssl.ca.location, instead of retrying forever.
# The same config with the right CA gets past the handshake (and stops at
# the missing topics), so the CA is what made the difference.
#
# Usage: wrong_ca.sh CCPULSE KAFKA_DIR    (a scripts/kafka-up --tls broker;
# exit 77 = skipped for a broker without TLS)
set -euo pipefail

ccpulse=$1
kafka_dir=$2
# shellcheck source=/dev/null
. "$kafka_dir/env"
[ -n "${KAFKA_SSL_CA_FILE:-}" ] || { echo "broker in $kafka_dir has no TLS (scripts/kafka-up --tls); skipped"; exit 77; }

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 20 "$f" >&2; done; exit 1; }
pass() { echo "ok: $*"; }

# A second throwaway CA, which signed nothing the broker holds.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/other-ca.key" \
  -out "$work/other-ca.pem" -days 1 -subj "/CN=ccpulse wrong_ca.sh other CA" 2>"$work/openssl.log" ||
  fail "openssl could not make the second CA"

write_config() {  # $1: file, $2: CA file
  {
    echo "instance_id: wrong-ca-$$"
    echo "kafka:"
    echo "  bootstrap.servers: $KAFKA_BOOTSTRAP"
    echo "  security.protocol: $KAFKA_SECURITY_PROTOCOL"
    echo "  ssl.ca.location: $2"
    if [ -n "${KAFKA_SASL_MECHANISM:-}" ]; then
      echo "  sasl.mechanisms: $KAFKA_SASL_MECHANISM"
      echo "  sasl.username: $KAFKA_SASL_USER"
      echo "  sasl.password: { file: $KAFKA_SASL_PASSWORD_FILE }"
    fi
    local t=wrong-ca.$$.none
    echo "topics: { input: [$t.in], alerts: $t.alerts, dead_letter: $t.dlq, state: $t.state, snapshots: $t.snap }"
    echo "http: { bind: 127.0.0.1, port: 0 }"
    echo "queues: [ { name: billing, channel: voice, sl_threshold: 20s, sl_target: 0.8 } ]"
    echo "simulator: { rate: 1, queues: [ { queue: billing, agents: 1, mean_handle: 10s, mean_patience: 20s } ] }"
  } >"$1"
}
write_config "$work/wrong.yaml" "$work/other-ca.pem"
write_config "$work/right.yaml" "$KAFKA_SSL_CA_FILE"
"$ccpulse" check-config "$work/wrong.yaml" >/dev/null || fail "check-config rejected the generated config"

expected="TLS handshake with $KAFKA_BOOTSTRAP failed: certificate verify failed (check ssl.ca.location"
for cmd in run simulate; do
  start=$EPOCHREALTIME
  set +e
  timeout 60 "$ccpulse" "$cmd" --config "$work/wrong.yaml" >"$work/$cmd-wrong.log" 2>&1
  rc=$?
  set -e
  took=$(python3 -c "print(round($EPOCHREALTIME - $start, 1))")
  [ $rc -eq 1 ] || fail "$cmd with a wrong CA exited $rc, expected 1"
  last=$(tail -n 1 "$work/$cmd-wrong.log")
  case $last in
    *"$expected"*) ;;
    *) fail "$cmd with a wrong CA: last line is not the TLS diagnosis: $last" ;;
  esac
  python3 -c "import sys; sys.exit(0 if $took <= 15 else 1)" || fail "$cmd with a wrong CA took ${took}s to fail (limit 15 s)"
  pass "$cmd with a wrong CA exits 1 in ${took}s: $last"
done

set +e
timeout 60 "$ccpulse" run --config "$work/right.yaml" >"$work/run-right.log" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] && grep -qE "missing topics.*wrong-ca" "$work/run-right.log" ||
  fail "with the right CA, run should get past TLS and stop at the missing topics (exit $rc)"
! grep -q "TLS handshake" "$work/run-right.log" || fail "with the right CA, run still reports a TLS failure"
pass "the right CA gets past the handshake"
echo "wrong_ca: all checks passed"
