#!/usr/bin/env bash
# Consumer-group membership faults against a real Apache Kafka broker from
# scripts/kafka-up (DESIGN.md §8): a worker whose static membership is taken
# over, or whose assignment is lost, must recover in-process without losing,
# duplicating or changing any alert, and must not linger as a zombie that
# /healthz reports healthy.
#
# Usage: member_faults.sh CCPULSE KAFKA_DIR
#
# 1. A seeded backlog (`ccpulse simulate --start --span`) on a 6-partition
#    topic; ref: an uninterrupted run over it at full speed.
# 2. fenced: a paced run, 2 workers (static members, group.instance.id
#    `<instance_id>-w<index>`). Each time the group has committed another
#    1/(CHAOS_FENCES+2) of the input, an intruder (python3-confluent-kafka,
#    chaos_tool.py intrude) joins the group with a worker's group.instance.id,
#    waits for its assignment and closes, alternating workers. The broker
#    fences the worker, which learns it from whichever comes first: its
#    heartbeat (librdkafka 2.0.2 raises a fatal consumer error, __FATAL over
#    FENCED_INSTANCE_ID) or its next transactional offset commit (refused
#    with FENCED_INSTANCE_ID; at 100 ms commits often first). Either way it
#    must log "recovering (consumer): ... fenced by other consumer", abort,
#    rebuild its consumer, rejoin and restore.
# 3. lost: a paced run with session.timeout.ms 6000. Mid-stream the ccpulse
#    process is stopped (SIGSTOP) until the broker has evicted both workers
#    from the group (no member of ours left in it), then continued
#    (SIGCONT): librdkafka's own session check ("SESSTMOUT ... revoking
#    assignment") reports the assignment lost; each worker must log
#    "revoked N partitions (lost)" and recover as class consumer, aborting
#    the open transaction: "partition assignment lost" when the lost
#    callback comes first, or its offset commit refused with UNKNOWN_MEMBER_ID
#    when that does; then rejoin and restore.
# 4. For both runs, at the end: the same ccpulse pid is running,
#    ccpulse_worker_recoveries_total{class="consumer"} >= the faults injected,
#    /healthz and /readyz answer 200; both alerts topics, read to their end
#    offsets (read_committed), equal ref's: same alert ids, each exactly once,
#    equal kind/deadline/late and other fields, equal ccpulse_queue_* figures.
#
# Knobs (environment): CHAOS_SPAN_MINUTES (default 10), CHAOS_SIM_SEED
# (default 11), CHAOS_FENCES (default 2), CHAOS_PACED_SECONDS (how long
# reading the input takes in each paced run, default 20), CHAOS_SESSION_MS
# (the lost run's session.timeout.ms, default 6000), CHAOS_DONE_TIMEOUT,
# CCPULSE_TEST_PYTHON, KEEP_WORK=1.
# Exit: 0 all checks pass, 1 a difference or a harness problem (named).
set -euo pipefail

# shellcheck source=tests/chaos/lib.sh
. "$(dirname "$0")/lib.sh"
chaos_init member_faults "$1" "$2"

span_minutes=${CHAOS_SPAN_MINUTES:-10}
sim_seed=${CHAOS_SIM_SEED:-11}
fences=${CHAOS_FENCES:-2}
paced_seconds=${CHAOS_PACED_SECONDS:-20}
session_ms=${CHAOS_SESSION_MS:-6000}
backlog_end_ago=12  # beyond processing.linger: nothing changes on the wall clock afterwards

suffix=$$$RANDOM
input=chaos.events.$suffix
# shellcheck disable=SC2046
tool create-topics "$input:6" $(run_topics ref) $(run_topics fenced) $(run_topics lost) >/dev/null ||
  fail "could not create the topics"
make_backlog "$input" "$span_minutes"
[ "$(tool end-offsets "$input")" = "$produced" ] || fail "$input does not hold the $produced records simulate reported"
log "backlog: $produced events of simulated time [$backlog_start, +${span_minutes}m) in $input (seed $sim_seed)"

reference_run ref "$input"

checks=()
check() {  # OK(0/1) TEXT
  if [ "$1" = 0 ]; then checks+=("ok   $2"); else checks+=("FAIL $2"); fi
}
check_metric() {  # RUN LABEL VALUE OP BOUND
  local r=1
  awk -v v="$3" -v b="$5" -v op="$4" 'BEGIN { exit !((op == ">=" && v >= b) || (op == "==" && v == b)) }' && r=0
  check $r "$1: $2 = $3 (expected $4 $5)"
}
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${inst_port[$1]}$2" || true; }
# Waits until the group has committed at least NUM/DEN of the input.
wait_progress() {  # RUN NUM DEN
  local deadline=$((SECONDS + 90)) p
  while :; do
    check_alive "$1"
    p=$(tool group-progress "chaos-$suffix-$1" "$input")
    [ "${p% *}" -lt $(( ${p#* } * $2 / $3 )) ] || break
    [ $SECONDS -lt $deadline ] || fail "$1: the group committed only ${p% *} of ${p#* } input offsets in 90 s"
    sleep 0.2
  done
  progress=$p
}
wait_log_since() {  # RUN FROM_LINE TEXT WHAT
  local deadline=$((SECONDS + 90))
  until log_has_since "$1" "$2" "$3"; do
    check_alive "$1"
    [ $SECONDS -lt $deadline ] || fail "$4: not seen within 90 s (waiting for '$3' in $1's log)"
    sleep 0.2
  done
}
count_since() { awk -v from="$2" -v s="$3" 'NR >= from && $0 ~ s { n++ } END { print n + 0 }' "$work/$1.log"; }
end_checks() {  # RUN PID FAULTS
  local m=$work/$1.metrics h r
  if alive "$1" && [ "${inst_pid[$1]}" = "$2" ]; then r=0; else r=1; fi
  check $r "$1: the same ccpulse process (pid $2) ran from start to end"
  check_metric "$1" 'ccpulse_worker_recoveries_total{class="consumer"}' \
    "$(value_in "$m" 'ccpulse_worker_recoveries_total{class="consumer"}')" '>=' "$3"
  h=$(http_code "$1" /healthz)
  [ "$h" = 200 ] && r=0 || r=1
  check $r "$1: /healthz $h at the end (expected 200)"
  h=$(http_code "$1" /readyz)
  [ "$h" = 200 ] && r=0 || r=1
  check $r "$1: /readyz $h at the end (expected 200)"
}

# --- fenced static members ---------------------------------------------------------
began=$SECONDS
pacing_props "$input" "$paced_seconds"
run_config fenced "$input" 2 "${pace[@]}"
log "fenced: paced, fetch.wait.max.ms=$fetch_wait_ms (reading the input takes ~${paced_seconds} s); $fences fences"
start_instance fenced
wait_ready fenced
fenced_pid=${inst_pid[fenced]}
summary=()
for k in $(seq "$fences"); do
  w=$(( (k - 1) % 2 ))
  member=chaos-$suffix-fenced-w$w
  wait_progress fenced "$k" $((fences + 2))
  lines=$(log_lines fenced)
  out=$(tool intrude "chaos-$suffix-fenced" "$member" "$input") || fail "fence $k: the intruder as $member failed"
  wait_log_since fenced "$lines" "$(worker_line 'recovered: rejoining the group' "$w")" "fence $k: worker $w recovering"
  fatal=$(first_since fenced "$lines" "$(worker_line 'consumer error' "$w")" | sed -E 's/.* error="?//; s/"$//' | cut -c1-200)
  why=$(recovering_why fenced "$lines" "$w")
  # Whichever learns first: the consumer's heartbeat (fatal consumer error) or
  # the transaction's offset commit (refused with FENCED_INSTANCE_ID).
  case $why in "(consumer): "*"fenced by other consumer"*) r=0 ;; *) r=1 ;; esac
  check $r "fenced: fence $k (group.instance.id $member, the group had committed ${progress% *} of ${progress#* } input offsets): worker $w recovering $why"
  [ "${progress% *}" -lt "${progress#* }" ] ||
    fail "fence $k landed after the whole input was committed: not mid-stream; raise CHAOS_PACED_SECONDS"
  summary+=("fence $k: intruder $out; worker $w got: ${fatal:-no consumer error logged}")
  log "fenced: ${summary[-1]}"
  moves_since fenced "$lines"
done
finish_instances "chaos-$suffix-fenced" "$input" 6 "chaos.fenced.alerts.$suffix" fenced
end_checks fenced "$fenced_pid" "$fences"
stop_instance fenced
log "fenced: done in $((SECONDS - began)) s"
dump_alerts fenced "chaos.fenced.alerts.$suffix"

# --- lost assignment -------------------------------------------------------------------
began=$SECONDS
run_config lost "$input" 2 "${pace[@]}" "session.timeout.ms: $session_ms" "heartbeat.interval.ms: 1000"
start_instance lost
wait_ready lost
lost_pid=${inst_pid[lost]}
resume_lost() { kill -CONT "$lost_pid" 2>/dev/null || true; }
chaos_exit_hooks+=(resume_lost)
wait_progress lost 1 3
lines=$(log_lines lost)
stopped=$SECONDS
kill -STOP "$lost_pid"
# Until the broker has removed both workers (static members leave only when
# their session expires).
deadline=$((SECONDS + 60))
while :; do
  g=$(tool group-members "chaos-$suffix-lost" "chaos-$suffix-lost-w") || g="? ?"
  [ "${g#* }" != 0 ] || break
  [ $SECONDS -lt $deadline ] || { resume_lost; fail "lost: the broker still lists $g members of ours 60 s after SIGSTOP"; }
  sleep 0.5
done
kill -CONT "$lost_pid"
log "lost: SIGSTOP when the group had committed ${progress% *} of ${progress#* } input offsets; the broker evicted both workers (group $g) after $((SECONDS - stopped)) s; SIGCONT"
for w in 0 1; do
  wait_log_since lost "$lines" "$(worker_line 'recovered: rejoining the group' "$w")" "lost: worker $w recovering"
  why=$(recovering_why lost "$lines" "$w")
  revoked=$(first_since lost "$lines" "$(worker_line 'revoked partitions' "$w")" |
    sed -E 's/.* partitions=([0-9]+) lost=([a-z]+).*/revoked \1 partitions, lost=\2/')
  # The lost callback, or the transaction's offset commit refused for the
  # evicted member (UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION).
  case $why in "(consumer): partition assignment lost"* | "(consumer): "*"Unknown member"* | \
    "(consumer): "*"generation"*) r=0 ;; *) r=1 ;; esac
  check $r "lost: worker $w: $revoked; recovering $why"
done
n=$(count_since lost "$lines" 'msg="revoked partitions" .* lost=true')
[ "$n" -ge 2 ] && r=0 || r=1
check $r "lost: $n \"revoked partitions ... lost=true\" lines after SIGCONT (expected one per worker at least)"
sesstmout=$(first_since lost "$lines" "SESSTMOUT" | sed -E 's/.*[[]thrd:main[]]: //; s/" (instance|component)=.*//' | cut -c1-200)
moves_since lost "$lines"
finish_instances "chaos-$suffix-lost" "$input" 6 "chaos.lost.alerts.$suffix" lost
end_checks lost "$lost_pid" 2
stop_instance lost
log "lost: librdkafka: ${sesstmout:-no SESSTMOUT line}; done in $((SECONDS - began)) s"
dump_alerts lost "chaos.lost.alerts.$suffix"

# --- compare --------------------------------------------------------------------------
echo
for l in "${summary[@]}"; do echo "  $l"; done
echo "checks:"
rc=0
for c in "${checks[@]}"; do
  echo "  $c"
  case $c in FAIL*) rc=1 ;; esac
done
echo
tool compare --ref "ref=$work/ref.alerts.json" --chaos "fenced=$work/fenced.alerts.json" \
  --chaos "lost=$work/lost.alerts.json" \
  --metrics "ref=$work/ref.metrics" --metrics "fenced=$work/fenced.metrics" --metrics "lost=$work/lost.metrics" ||
  rc=1
log "member_faults: finished in $((SECONDS - t0)) s"
[ $rc -eq 0 ] || { echo "FAIL: see the summary above" >&2; exit 1; }
echo "member_faults: all checks passed"
