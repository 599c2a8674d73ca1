#!/usr/bin/env bash
# Rebalance chaos test against a real Apache Kafka broker from
# scripts/kafka-up (README "Delivery guarantees and state": partitions move
# between instances with their state; alerts exactly once across rebalances).
#
# Usage: rebalance.sh CCPULSE KAFKA_DIR
#
# 1. A seeded backlog (`ccpulse simulate --start --span`) on a 6-partition
#    topic; ref: an uninterrupted run over it at full speed.
# 2. Two `ccpulse run` instances a and b: different instance_id, the same
#    group.id and alerts/state/dead-letter topics, 1 worker each, their own
#    http ports, reading paced (like kill9_restart.sh) so that everything
#    below lands mid-stream, with session.timeout.ms 6000 (static members:
#    a stopped instance's partitions move once its session expires).
#    - b is stopped with SIGTERM: its partitions move to a, restored there
#      from the state topic;
#    - b is started again: cooperative-sticky moves them back (a revokes only
#      what b gets, keeps its own);
#    - a is restarted with processing.workers: 2: the new worker takes
#      partitions from both.
#    What moved is printed from the logs ("assigned N partitions, restoring
#    M", "revoked N partitions", "restored partitions=N records=M").
# 3. When the instances together have read the whole input, both alerts
#    topics are read to their end offsets (read_committed) and compared with
#    ref's: the same alert ids, each exactly once, equal kind/deadline/late
#    and other fields; the ccpulse_queue_* state figures summed over a and b
#    equal ref's.
#
# Knobs (environment): CHAOS_SPAN_MINUTES (default 10), CHAOS_SIM_SEED
# (default 11), CHAOS_PACED_SECONDS (how long reading the input takes without
# the pauses; default 40), CHAOS_DONE_TIMEOUT, CCPULSE_TEST_PYTHON, KEEP_WORK=1.
# Exit: 0 all checks pass, 1 a difference or a harness problem (named).
set -euo pipefail

# shellcheck source=tests/chaos/lib.sh
. "$(dirname "$0")/lib.sh"
chaos_init rebalance "$1" "$2"

span_minutes=${CHAOS_SPAN_MINUTES:-10}
sim_seed=${CHAOS_SIM_SEED:-11}
paced_seconds=${CHAOS_PACED_SECONDS:-40}
backlog_end_ago=12  # beyond processing.linger: nothing changes on the wall clock afterwards

suffix=$$$RANDOM
input=chaos.events.$suffix
group=chaos-$suffix-rb
alerts=chaos.rb.alerts.$suffix
state=chaos.rb.state.$suffix
dlq=chaos.rb.dlq.$suffix
# shellcheck disable=SC2046
tool create-topics "$input:6" "$alerts:3" "$state:6:compact" "$state.snapshots:3:compact" "$dlq:1" $(run_topics ref) >/dev/null ||
  fail "could not create the topics"

make_backlog "$input" "$span_minutes"
[ "$(tool end-offsets "$input")" = "$produced" ] || fail "$input does not hold the $produced records simulate reported"
log "backlog: $produced events of simulated time [$backlog_start, +${span_minutes}m) in $input (seed $sim_seed)"

reference_run ref "$input"

# --- the two instances ------------------------------------------------------------
pacing_props "$input" "$paced_seconds"
log "a, b: group $group, paced: fetch.wait.max.ms=$fetch_wait_ms (reading the input takes ~${paced_seconds} s plus the pauses)"
instance_config() {  # NAME WORKERS
  ccpulse_config "$work/$1.yaml" "chaos-$suffix-$1" "$group" "$input" "$alerts" "$dlq" "$state" "$2" "$(free_port)" \
    "${pace[@]}" "session.timeout.ms: 6000" "heartbeat.interval.ms: 1000"
}
instance_config a 1
instance_config b 1

declare -A mark=()
mark_logs() { local n; for n in a b; do mark[$n]=$(log_lines "$n"); done; }
show_moves() {  # TITLE
  echo "   moves, $1:"
  local n
  for n in a b; do moves_since "$n" "${mark[$n]}"; done
}
# Waits until NAME's log has, since the mark, at least COUNT lines matching
# TEXT (an awk ERE).
wait_log() {  # NAME TEXT COUNT WHAT
  local deadline=$((SECONDS + 90))
  while [ "$(awk -v from="${mark[$1]}" -v s="$2" 'NR >= from && $0 ~ s { n++ } END { print n + 0 }' "$work/$1.log")" -lt "$3" ]; do
    check_alive a b
    [ $SECONDS -lt $deadline ] || fail "$4: not seen within 90 s (waiting for '$2' in $1's log)"
    sleep 0.2
  done
}
# Sum of partitions=N in the "assigned partitions" / "revoked partitions" lines
# of NAME since the mark (of worker W only, if given).
moved_since() {  # NAME assigned|revoked [W]
  awk -v from="${mark[$1]}" -v w="$2" -v only="${3:-}" 'NR >= from && index($0, "msg=\"" w " partitions\"") &&
    (only == "" || index($0, " worker=" only " ")) && match($0, / partitions=[0-9]+/) {
    n += substr($0, RSTART + 12, RLENGTH - 12) } END { print n + 0 }' "$work/$1.log"
}
mid_stream() {  # WHAT
  local progress
  progress=$(tool group-progress "$group" "$input")
  log "  $1: the group had committed ${progress% *} of ${progress#* } input offsets"
  [ "${progress% *}" -lt "${progress#* }" ] ||
    fail "$1 landed after the whole input was committed: not mid-stream; raise CHAOS_PACED_SECONDS"
}
summary=()

began=$SECONDS
mark_logs
start_instance a
start_instance b
wait_ready a
wait_ready b
wait_log a 'msg=restored ' 1 "a's first restore"
wait_log b 'msg=restored ' 1 "b's first restore"
sleep 1
held() { echo $(( $(moved_since "$1" assigned) - $(moved_since "$1" revoked) )); }
log "a and b ready, 1 worker each: a holds $(held a) partitions, b $(held b)"
show_moves "a and b start"

sleep 3
mid_stream "b stopped (SIGTERM)"
mark_logs
stop_instance b
wait_log a 'msg="assigned partitions" .* restoring=3( |$)' 1 "b's 3 partitions assigned to a"
wait_log a 'msg=restored .* partitions=3 ' 1 "b's 3 partitions restored on a"
got=$(moved_since a assigned)
[ "$got" = 3 ] || fail "after b stopped, a was assigned $got partitions, expected b's 3"
summary+=("b stopped: a was assigned b's $got partitions and restored them: $(first_since a "${mark[a]}" 'msg=restored .* partitions=3 ' | sed 's/.*\(partitions=[0-9]* records=[0-9]*\).*/\1/')")
log "${summary[-1]}"
show_moves "b stopped"

mid_stream "b started again"
mark_logs
start_instance b
wait_ready b
wait_log b 'msg=restored ' 1 "b's restore after its restart"
wait_log a 'msg="revoked partitions"' 1 "a giving partitions back"
wait_ready a
got=$(moved_since b assigned)
gave=$(moved_since a revoked)
[ "$got" -ge 1 ] || fail "b started again but got no partitions"
[ "$gave" = "$got" ] || fail "b got $got partitions, a revoked $gave (cooperative-sticky revokes only what moves)"
[ "$(moved_since a assigned)" = 0 ] || fail "a was assigned partitions again while b took some back"
summary+=("b started again: b was assigned $got, a revoked only those $gave and kept the rest; b restored: $(first_since b "${mark[b]}" 'msg=restored ' | sed 's/.*\(partitions=[0-9]* records=[0-9]*\).*/\1/')")
log "${summary[-1]}"
show_moves "b started again"

sleep 3
mid_stream "a restarted with 2 workers"
mark_logs
stop_instance a
instance_config a 2
start_instance a
wait_ready a
wait_log a 'msg="assigned partitions" .* worker=1 ' 1 "a's new worker 1 getting partitions"
wait_log a 'msg=restored .*component=restore worker=1 ' 1 "a's new worker 1 restoring"
wait_ready a
wait_ready b
# Cooperative rebalancing takes two rounds: what b gives up in the first is
# assigned in the second, once every member's restore (run inside the
# rebalance callback) has returned. Wait until all 6 partitions are owned.
owned() { metrics "${inst_port[$1]}" | awk -v t="$input" 'index($1, "ccpulse_partition_live{topic=\"" t "\",") == 1 { n++ } END { print n + 0 }'; }
deadline=$((SECONDS + 90))
until [ $(( $(owned a) + $(owned b) )) = 6 ]; do
  check_alive a b
  [ $SECONDS -lt $deadline ] || fail "after a's restart with 2 workers, a owns $(owned a) and b $(owned b) partitions, not all 6, for 90 s"
  sleep 0.5
done
w1=$(moved_since a assigned 1)
[ "$w1" -ge 1 ] || fail "a's worker 1 got no partitions"
summary+=("a restarted with processing.workers: 2: worker 1 was assigned $w1 partitions in all, b revoked $(moved_since b revoked); now a owns $(owned a), b $(owned b)")
log "${summary[-1]}"
show_moves "a restarted with 2 workers"

finish_instances "$group" "$input" 6 "$alerts" a b
log "a and b: the whole input read and the output settled, $((SECONDS - began)) s after they started"
tool sum-metrics "$work/rb.metrics" "$work/a.metrics" "$work/b.metrics" >/dev/null
for n in a b; do
  echo "   $n at the end: $(caught_up_partitions "$work/$n.metrics" "$input") partitions, $(value_in "$work/$n.metrics" ccpulse_workers) workers, consumed $(value_in "$work/$n.metrics" ccpulse_events_consumed_total) events in its last life, $(sum_of "$work/$n.metrics" ccpulse_state_restore_records_total) records restored"
done
stop_instance a
stop_instance b
dump_alerts rb "$alerts"

echo
echo "rebalances:"
for l in "${summary[@]}"; do echo "  $l"; done
echo
rc=0
tool compare --ref "ref=$work/ref.alerts.json" --chaos "rebalance=$work/rb.alerts.json" \
  --metrics "ref=$work/ref.metrics" --metrics "rebalance(a+b)=$work/rb.metrics" || rc=1
log "rebalance: finished in $((SECONDS - t0)) s"
[ $rc -eq 0 ] || { echo "FAIL: see the summary above" >&2; exit 1; }
echo "rebalance: all checks passed"
