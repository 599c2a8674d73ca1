#!/usr/bin/env bash
# One fuzz target under ctest: replay the committed corpus and regressions
# (each must pass), then fuzz for a bounded time from them.
# Usage: run_fuzz.sh EXE FUZZ_DIR NAME WORK_DIR SECONDS
set -euo pipefail
exe=$1 dir=$2 name=$3 work=$4 seconds=$5
seeds=$dir/corpus/$name
regressions=$dir/regressions/$name
mkdir -p "$work/corpus" "$regressions"
dict=()
[ -f "$dir/$name.dict" ] && dict=(-dict="$dir/$name.dict")
# -runs=0: run every input once, no mutation.
"$exe" -runs=0 -rss_limit_mb=2048 "$seeds" "$regressions"
# New inputs go to the work folder, crashes beside it, never into the repo.
"$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$work/" "${dict[@]}" "$work/corpus" "$seeds" "$regressions"
