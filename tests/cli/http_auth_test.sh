#!/usr/bin/env bash
# HTTP tokens as an outside client sees them (README "Security"): curl
# against `ccpulse demo` with http.api_token from a file and
# http.metrics_token from the environment. No token or a wrong one gets 401
# with WWW-Authenticate and no hint of the token; the right bearer token
# gets 200; the probes stay open; the wallboard's login link answers 302
# with an HttpOnly cookie and the URL without the token, and that cookie
# alone then opens the page, the API and the stream.
set -euo pipefail
ccpulse=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- demo output" >&2; tail -n 20 "$dir/out" >&2; exit 1; }

api_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
metrics_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$api_token" >"$dir/api.token"
sed 's/^  port: 8080$/  port: 8080\n  api_token: { file: api.token }\n  metrics_token: { env: CCPULSE_TEST_METRICS_TOKEN }/' \
  "$root/config/demo.yaml" >"$dir/demo.yaml"
grep -q 'api_token: { file: api.token }' "$dir/demo.yaml" || fail "could not add the tokens to a copy of config/demo.yaml"
"$ccpulse" check-config "$dir/demo.yaml" >/dev/null 2>&1 && fail "check-config accepted metrics_token from an unset variable"
CCPULSE_TEST_METRICS_TOKEN=$metrics_token "$ccpulse" check-config "$dir/demo.yaml" >/dev/null ||
  fail "check-config rejected the tokens"

CCPULSE_TEST_METRICS_TOKEN=$metrics_token "$ccpulse" demo --config "$dir/demo.yaml" --duration 40s --port 0 \
  >"$dir/out" 2>&1 &
pid=$!
deadline=$((SECONDS + 15))
until grep -qs '^  metrics ' "$dir/out"; do
  [ $SECONDS -lt $deadline ] || fail "no URLs printed"
  sleep 0.1
done
metrics_url=$(awk '/^  metrics /{print $2}' "$dir/out")
base=${metrics_url%/metrics}

code() { curl -s -o "$dir/body" -D "$dir/headers" -w '%{http_code}' "$@"; }
expect() {  # $1: status, then curl arguments
  local want=$1; shift
  local got; got=$(code "$@")
  [ "$got" = "$want" ] || fail "curl $* answered $got, not $want: $(head -c 300 "$dir/body")"
  ! grep -q -e "$api_token" -e "$metrics_token" "$dir/body" || fail "curl $* shows a token in its body"
}

deadline=$((SECONDS + 30))
until [ "$(code "$base/readyz")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || fail "/readyz never became 200 (it needs no token)"
  sleep 0.2
done
expect 200 "$base/healthz"

for path in /api/v1/board /api/v1/snapshot /api/v1/queues /wallboard /wallboard/wallboard.js /metrics; do
  expect 401 "$base$path"
  grep -qi '^www-authenticate: Bearer realm="ccpulse"' "$dir/headers" || fail "401 on $path lacks WWW-Authenticate"
  expect 401 -H "Authorization: Bearer wrong-$api_token" "$base$path"
done
expect 401 -H "Authorization: Bearer $metrics_token" "$base/api/v1/queues"  # the other scope's token
expect 401 -H "Authorization: Bearer $api_token" "$base/metrics"
expect 200 -H "Authorization: Bearer $api_token" "$base/api/v1/queues"
expect 200 -H "Authorization: Bearer $api_token" "$base/wallboard"
expect 200 -H "Authorization: Bearer $metrics_token" "$base/metrics"
grep -q '^ccpulse_events_consumed_total' "$dir/body" || fail "/metrics with its token shows no metrics"
stream=$(curl -sN -m 3 "$base/api/v1/stream" || true)
! grep -q '^event: board' <<<"$stream" || fail "/api/v1/stream streamed without a token"

# The TV's login link.
expect 401 "$base/wallboard?access_token=wrong-token-0123456789"
! grep -qi '^set-cookie:' "$dir/headers" || fail "a wrong login link set a cookie"
expect 302 -c "$dir/jar" "$base/wallboard?queues=sales&access_token=$api_token&lang=zh-CN"
location=$(tr -d '\r' <"$dir/headers" | sed -n 's/^[Ll]ocation: //p')
[ "$location" = "/wallboard?queues=sales&lang=zh-CN" ] || fail "login link redirects to '$location'"
cookie=$(tr -d '\r' <"$dir/headers" | sed -n 's/^[Ss]et-[Cc]ookie: //p')
for attribute in HttpOnly SameSite=Strict Path=/; do
  grep -q "; $attribute" <<<"$cookie" || fail "the login cookie lacks $attribute: $cookie"
done
expect 200 -b "$dir/jar" "$base/wallboard"
expect 200 -b "$dir/jar" "$base/api/v1/queues"
expect 401 -b "$dir/jar" "$base/metrics"  # the cookie opens the floor's paths only
deadline=$((SECONDS + 20))
until stream=$(curl -sN -m 3 -b "$dir/jar" "$base/api/v1/stream" || true); grep -q '^event: board' <<<"$stream"; do
  [ $SECONDS -lt $deadline ] || fail "/api/v1/stream sent no board event to the logged-in screen"
done

kill -INT "$pid"
wait "$pid" || fail "demo exited non-zero"
pid=
echo "http_auth_test: all checks passed"
