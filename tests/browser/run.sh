#!/usr/bin/env bash
# ctest entry for the wallboard browser tests (label `browser`):
#   run.sh CCPULSE_BINARY ARTIFACTS_DIR
# Skips (exit 77, ctest's SKIP_RETURN_CODE) with a message when what the
# tests need is missing: node, the browser, or node_modules from `npm install`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export CCPULSE_BINARY=$1 CCPULSE_BROWSER_ARTIFACTS=$2
chromium=${CCPULSE_CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIPPED: $* (the browser tests need node, $chromium and 'npm install' in $root)"; exit 77; }
command -v node >/dev/null || skip "node is not installed"
[ -x "$chromium" ] || skip "no browser at $chromium (apt-get install chromium, or set CCPULSE_CHROMIUM)"
for m in playwright-core axe-core; do
  [ -d "$root/node_modules/$m" ] || skip "node_modules/$m is missing (run npm install in $root)"
done
mkdir -p "$CCPULSE_BROWSER_ARTIFACTS"
echo "screenshots and the demo's log: $CCPULSE_BROWSER_ARTIFACTS"
exec node --test --test-reporter spec "$root/tests/browser/wallboard.test.mjs"
