#!/usr/bin/env bash
# HTTPS as an outside client sees it (README "Security"): `ccpulse demo` with
# http.tls from a throwaway CA made here by openssl, and an api token.
# curl --cacert gets 200 on the probes and /metrics and the token decides
# /api; openssl s_client negotiates TLS 1.2 or later and sees the
# certificate's subject; plain HTTP to the port fails without harm; a silent
# connection is cut at request_timeout; SIGHUP with a new certificate keeps
# a wallboard stream opened before it streaming while new connections get
# the new certificate; a SIGHUP with a broken key keeps the current one and
# counts a failed reload.
set -euo pipefail
ccpulse=$(realpath "$1")  # absolute: the test works in its temp dir
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
pid= sse_pid=
trap 'set +e; [ -n "$sse_pid" ] && kill "$sse_pid" 2>/dev/null; [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- demo output" >&2; tail -n 20 "$dir/out" >&2 || true; exit 1; }

# A CA and two server certificates it signed, for 127.0.0.1 and localhost.
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 \
  -subj "/CN=ccpulse test CA" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
for name in first second; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/O=ccpulse-$name/CN=localhost" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext \
    -out "$name.crt" 2>/dev/null
done
fingerprint_of() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }
first_fp=$(fingerprint_of first.crt)
second_fp=$(fingerprint_of second.crt)
cp first.crt server.crt
cp first.key server.key

api_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$api_token" >api.token
# Relative paths: they resolve against the config file's folder.
sed 's/^  port: 8080$/  port: 8080\n  request_timeout: 2s\n  api_token: { file: api.token }\n  tls: { cert_file: server.crt, key_file: server.key }/' \
  "$root/config/demo.yaml" >demo.yaml
grep -q 'tls: { cert_file: server.crt' demo.yaml || fail "could not add http.tls to a copy of config/demo.yaml"

# check-config: the pair must be whole and must load.
"$ccpulse" check-config demo.yaml >/dev/null || fail "check-config rejected a good certificate and key"
sed 's/, key_file: server.key//' demo.yaml >half.yaml
out=$("$ccpulse" check-config half.yaml 2>&1) && fail "check-config accepted cert_file without key_file"
grep -q '^half.yaml:[0-9]*:[0-9]*: http.tls: give both cert_file and key_file' <<<"$out" || fail "half pair: $out"
sed 's/key_file: server.key/key_file: second.key/' demo.yaml >mismatch.yaml
out=$("$ccpulse" check-config mismatch.yaml 2>&1) && fail "check-config accepted a key of another certificate"
grep -q "http.tls.key_file: cannot use 'second.key': not the key of the certificate" <<<"$out" || fail "mismatch: $out"

"$ccpulse" demo --config demo.yaml --duration 90s --port 0 >out 2>&1 &
pid=$!
deadline=$((SECONDS + 15))
until grep -qs '^  metrics ' out; do
  [ $SECONDS -lt $deadline ] || fail "no URLs printed"
  sleep 0.1
done
metrics_url=$(awk '/^  metrics /{print $2}' out)
[[ $metrics_url == https://127.0.0.1:* ]] || fail "demo printed $metrics_url, not an https URL"
base=${metrics_url%/metrics}
port=${base##*:}

code() { curl -s --cacert ca.crt -o body -w '%{http_code}' "$@" || true; }
expect() {  # $1: status, then curl arguments
  local want=$1; shift
  local got; got=$(code "$@")
  [ "$got" = "$want" ] || fail "curl $* answered $got, not $want"
}
metric() { curl -s --cacert ca.crt "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
served_fp() {
  openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null || true
}

deadline=$((SECONDS + 30))
until [ "$(code "$base/readyz")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || fail "/readyz over https never became 200"
  sleep 0.2
done
expect 200 "$base/healthz"
expect 200 "$base/metrics"
grep -q '^ccpulse_events_consumed_total' body || fail "/metrics over https shows no metrics"
expect 401 "$base/api/v1/queues"
expect 401 -H "Authorization: Bearer wrong-$api_token" "$base/api/v1/queues"
expect 200 -H "Authorization: Bearer $api_token" "$base/api/v1/queues"
expiry=$(metric ccpulse_http_tls_certificate_expiry_timestamp_seconds)
want_expiry=$(date -d "$(openssl x509 -noout -enddate -in first.crt | cut -d= -f2)" +%s)
[ "${expiry%.*}" = "$want_expiry" ] || fail "certificate expiry gauge is '$expiry', not $want_expiry"

# The protocol and the certificate, as openssl sees them.
s_client() { openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile ca.crt "$@" </dev/null 2>&1 || true; }
hello=$(s_client)
grep -Eq 'Protocol *: TLSv1\.[23]$|^New, TLSv1\.[23],' <<<"$hello" || fail "s_client negotiated no TLS 1.2+: $hello"
grep -q 'subject=O = ccpulse-first, CN = localhost' <<<"$hello" || fail "s_client saw another subject: $hello"
grep -q 'Verify return code: 0 (ok)' <<<"$hello" || fail "the certificate did not verify against the CA"
grep -Eq 'Protocol *: TLSv1\.2$|^New, TLSv1\.2,' <<<"$(s_client -tls1_2)" || fail "TLS 1.2 was refused"
old=$(s_client -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')
grep -q '^New, (NONE), Cipher is (NONE)' <<<"$old" || fail "TLS 1.1 was accepted: $old"

# Plain HTTP to the HTTPS port: no answer, the connection closed, counted
# and logged; the next https request is served.
plain=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
[ "$plain" = 000 ] || fail "plain HTTP to the HTTPS port got status $plain"
expect 200 "$base/healthz"
failures=$(metric ccpulse_http_tls_handshake_failures_total)
[ "${failures%.*}" -ge 1 ] || fail "the failed handshake is not counted ($failures)"
grep -q 'TLS handshake failed' out || fail "the failed handshake is not logged"
kill -0 "$pid" || fail "the demo died after plain HTTP"

# A connection that never starts its handshake is cut at request_timeout
# (2s here), not held open.
start=$SECONDS
timeout 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat <&3 >/dev/null" || fail "a silent connection was held 20 s"
[ $((SECONDS - start)) -le 6 ] || fail "a silent connection was held $((SECONDS - start)) s (request_timeout 2s)"

# A wallboard stream opened before the reload.
curl -sN --cacert ca.crt -H "Authorization: Bearer $api_token" "$base/api/v1/stream" >sse 2>/dev/null &
sse_pid=$!
events() { grep -c '^event: board' sse || true; }
deadline=$((SECONDS + 20))
until [ "$(events)" -ge 1 ]; do
  [ $SECONDS -lt $deadline ] || fail "the stream sent no board event"
  sleep 0.2
done
[ "$(served_fp)" = "$first_fp" ] || fail "the server does not serve the first certificate"

# SIGHUP with a new pair: new connections get it.
cp second.crt server.crt.new && mv server.crt.new server.crt
cp second.key server.key.new && mv server.key.new server.key
kill -HUP "$pid"
deadline=$((SECONDS + 10))
until [ "$(served_fp)" = "$second_fp" ]; do
  [ $SECONDS -lt $deadline ] || fail "new connections never got the second certificate after SIGHUP"
  sleep 0.2
done
[ "$(metric 'ccpulse_http_tls_reloads_total{result="ok"}')" = 1 ] || fail "the reload is not counted as ok"
grep -q 'subject=O = ccpulse-second' <<<"$(s_client)" || fail "s_client does not see the second certificate"
# The stream opened on the first certificate goes on.
at_reload=$(events)
deadline=$((SECONDS + 15))
until [ "$(events)" -ge $((at_reload + 2)) ]; do
  kill -0 "$sse_pid" 2>/dev/null || fail "the stream opened before SIGHUP was closed by the reload"
  [ $SECONDS -lt $deadline ] || fail "the stream opened before SIGHUP stopped receiving events"
  sleep 0.2
done

# SIGHUP with a broken key: the current pair stays, a failed reload counted.
echo 'not a key' >server.key
kill -HUP "$pid"
deadline=$((SECONDS + 10))
until [ "$(metric 'ccpulse_http_tls_reloads_total{result="failed"}')" = 1 ]; do
  [ $SECONDS -lt $deadline ] || fail "the failed reload is not counted"
  sleep 0.2
done
grep 'TLS reload: cannot use the TLS certificate and key; keeping the current ones' out | grep -q 'server\.key' ||
  fail "the failed reload is not logged with the key file"
[ "$(served_fp)" = "$second_fp" ] || fail "a failed reload changed the certificate served"
expect 200 "$base/healthz"
kill -0 "$sse_pid" 2>/dev/null || fail "the stream ended after the failed reload"

kill -INT "$pid"
wait "$pid" || fail "demo exited non-zero"
pid=
echo "https_test: all checks passed"
