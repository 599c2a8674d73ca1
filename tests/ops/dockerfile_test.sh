#!/usr/bin/env bash
# deploy/docker/Dockerfile without a container runtime: hadolint clean; the
# final stage's apt packages provide every shared library `ldd` finds in the
# built binary (dpkg -S); no build dependency in the final stage; non-root
# USER, EXPOSE, ENTRYPOINT; and its HEALTHCHECK command, run here against
# `ccpulse demo`, passes on a healthy server and fails where none listens.
#
# Usage: dockerfile_test.sh CCPULSE_BINARY [DOCKERFILE]
# Needs hadolint in $CCPULSE_OPS_VENV (default /opt/ccpulse/ops-venv;
# scripts/install-deps) and dpkg. Exit 77 only when one is missing.
set -euo pipefail
ccpulse=${1:?usage: $0 CCPULSE_BINARY [DOCKERFILE]}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dockerfile=${2:-$repo/deploy/docker/Dockerfile}
venv=${CCPULSE_OPS_VENV:-/opt/ccpulse/ops-venv}
hadolint=$venv/bin/hadolint
[ -x "$hadolint" ] || { echo "SKIP: $hadolint missing (scripts/install-deps)"; exit 77; }
command -v dpkg >/dev/null || { echo "SKIP: dpkg missing"; exit 77; }
[ -x "$ccpulse" ] || { echo "FAIL: $ccpulse is not executable"; exit 1; }

fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d)
demo_pid=
cleanup() { [ -z "$demo_pid" ] || kill "$demo_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

"$hadolint" --no-color "$dockerfile" || bad "hadolint reports problems"

# The final stage: from the last FROM to the end, continuation lines joined.
awk '/^FROM /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' > "$tmp/final"
grep -q '^FROM debian:bookworm' "$tmp/final" || bad "the final stage is not Debian bookworm"
[ "$(grep -c '^FROM ' "$dockerfile")" -ge 2 ] || bad "not a multi-stage build"
grep -q 'cmake --preset release' "$dockerfile" || bad "the builder does not use cmake --preset release"
runtime=$(sed -n 's/.*apt-get install -y --no-install-recommends \([^&]*\).*/\1/p' "$tmp/final" | tr -s ' ' '\n' | grep -v '^$' | sort -u)
[ -n "$runtime" ] || bad "no apt-get install in the final stage"
for p in $runtime; do
  case $p in *-dev|build-essential|cmake|ninja-build|protobuf-compiler|pkg-config) bad "build dependency $p in the final stage";; esac
done

# Every library the dynamic loader resolves: its package must be listed, or
# be in every Debian base image (essential: libc6, libgcc-s1, libstdc++6 via
# apt). Sanitizer runtimes of an asan/tsan build are not shipped.
base="libc6 libgcc-s1 libstdc++6"
if ldd "$ccpulse" | grep -q 'not found'; then ldd "$ccpulse" | grep 'not found'; bad "unresolved libraries"; fi
while read -r lib; do
  case $(basename "$lib") in lib[atl]san.so*|libubsan.so*|libhwasan.so*) continue;; esac
  owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true)
  pkg=${owner%%:*}
  if [ -z "$pkg" ]; then bad "$lib belongs to no Debian package (built against a local library?)"; continue; fi
  if ! printf '%s\n' $runtime $base | grep -qxF "$pkg"; then bad "$lib is in package $pkg, not installed by the final stage"; fi
done < <(ldd "$ccpulse" | awk '/=> \//{print $3}')
for p in tzdata ca-certificates; do printf '%s\n' $runtime | grep -qx "$p" || bad "final stage lacks $p"; done

# Runs as a numeric non-root user (Kubernetes runAsNonRoot can check it).
user=$(sed -n 's/^USER \([^: ]*\).*/\1/p' "$tmp/final" | tail -1)
[[ "$user" =~ ^[1-9][0-9]*$ ]] || bad "USER is '$user', not a numeric non-root uid"
grep -q '^EXPOSE 8080' "$tmp/final" || bad "no EXPOSE 8080"
grep -q '^ENTRYPOINT \["/usr/local/bin/ccpulse"\]' "$tmp/final" || bad "ENTRYPOINT is not the ccpulse binary"
grep -q '^HEALTHCHECK .*/healthz' "$tmp/final" || bad "no HEALTHCHECK on /healthz"
[ -f "$repo/.dockerignore" ] || bad "no .dockerignore"

# The HEALTHCHECK's exec form, run against the demo on a free port.
python3 - "$tmp/final" > "$tmp/hc" <<'PY' || bad "HEALTHCHECK is not CMD [\"...\"] (exec form)"
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^HEALTHCHECK .*?CMD (\[.*\])\s*$', text, re.M)
for arg in json.loads(m.group(1)): sys.stdout.write(arg + "\0")
PY
mapfile -d '' hc < "$tmp/hc"
if [ "${#hc[@]}" -gt 0 ]; then
  "$ccpulse" demo --port 0 --duration 50s > "$tmp/demo.log" 2>&1 &
  demo_pid=$!
  port=
  for _ in $(seq 150); do  # up to 30 s on a loaded machine
    port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/healthz.*#\1#p; s#.*http://127.0.0.1:\([0-9]*\)/metrics.*#\1#p' "$tmp/demo.log" | head -1)
    [ -n "$port" ] && curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    sleep 0.2
  done
  if [ -z "$port" ]; then cat "$tmp/demo.log"; bad "the demo did not start";
  else
    CCPULSE_HTTP_PORT=$port timeout 10 "${hc[@]}" || bad "HEALTHCHECK fails against a healthy ccpulse on port $port"
    # A port nothing listens on (the demo's, once it is stopped).
    kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true; demo_pid=
    if CCPULSE_HTTP_PORT=$port timeout 10 "${hc[@]}" 2>/dev/null; then bad "HEALTHCHECK passes with no server"; fi
    # A server whose /healthz says 503 (what ccpulse answers for a stopped
    # or wedged worker).
    python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(503); self.end_headers(); self.wfile.write(b"worker 0 stopped\n")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
s.handle_error = lambda *a: None  # the check hangs up before reading it all
print(s.server_address[1], flush=True)
s.serve_forever()' > "$tmp/stub.port" &
    demo_pid=$!
    for _ in $(seq 50); do [ -s "$tmp/stub.port" ] && break; sleep 0.1; done
    stub=$(cat "$tmp/stub.port")
    if CCPULSE_HTTP_PORT=$stub timeout 10 "${hc[@]}"; then bad "HEALTHCHECK passes on a 503 from /healthz"; fi
  fi
fi

[ "$fail" -eq 0 ] && echo "ok: $dockerfile"
exit "$fail"
