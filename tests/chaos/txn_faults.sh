#!/usr/bin/env bash
# Transaction faults against a real Apache Kafka broker from scripts/kafka-up
# (README "Delivery guarantees and state", "Failures"): aborted transactions
# and a fenced producer must not lose, duplicate or change any alert, and
# transactional input is accounted as skipped offsets, not lost input.
#
# Usage: txn_faults.sh CCPULSE KAFKA_DIR
#
# 1. One seeded backlog written twice: `ccpulse simulate --start --span` to a
#    plain topic, and with `--transactional` (transactions of 500 records,
#    every 5th one produced, aborted and produced again) to a second topic.
#    chaos_tool same-content checks that a read_committed reader sees the two
#    topics record for record alike, while the transactional one also holds
#    aborted records and markers.
# 2. ref: an uninterrupted run over the plain topic, at full speed.
# 3. aborts: a run over the transactional topic with CCPULSE_TEST_ABORT_EVERY
#    (every Nth transaction of a worker is aborted instead of committed; the
#    worker drops its state and membership, rejoins, restores and re-reads
#    from the committed offsets). At the end ccpulse_transactions_aborted_total
#    and ccpulse_worker_recoveries_total{class="abortable"} must be > 0.
# 4. fenced: a paced run over the transactional topic; mid-stream a second
#    producer (python3-confluent-kafka) with a worker's transactional.id
#    (`<instance_id>-<worker>`) calls init_transactions and exits, fencing
#    ccpulse's producer; CHAOS_FENCES times, alternating workers. ccpulse must
#    recover in-process: the same pid runs at the end, and
#    ccpulse_worker_recoveries_total{class="fatal"} >= the number of fences.
# 5. For both runs over transactional input: ccpulse_input_gap_messages_total
#    == 0 and ccpulse_input_skipped_offsets_total > 0.
# 6. gap: a short paced run over a 1-partition plain topic; records ahead of
#    it are deleted (DeleteRecords, as retention would): the lost records are
#    counted in ccpulse_input_gap_messages_total, consumed + gap = produced
#    (CHAOS_GAP=0 skips this).
# 7. Every alerts topic read to its end offsets (read_committed) and compared
#    with ref's: same alert ids, each exactly once, equal kind/deadline/late
#    and other fields, equal ccpulse_queue_* state figures.
#
# Knobs (environment): CHAOS_SPAN_MINUTES (simulated minutes, default 10),
# CHAOS_SIM_SEED (default 11), CHAOS_ABORT_EVERY (default 7), CHAOS_FENCES
# (default 2), CHAOS_FENCE_SEED (seed of the fence moments; default random,
# printed), CHAOS_PACED_SECONDS (how long consuming the input takes in the
# fenced run, default 20), CHAOS_ABORTS_PACED_SECONDS (the same for the
# aborts run, not counting its restores; default 10), CHAOS_DONE_TIMEOUT, CCPULSE_TEST_PYTHON, KEEP_WORK=1.
# Exit: 0 all checks pass, 1 a difference or a harness problem (named).
set -euo pipefail

# shellcheck source=tests/chaos/lib.sh
. "$(dirname "$0")/lib.sh"
chaos_init txn_faults "$1" "$2"

span_minutes=${CHAOS_SPAN_MINUTES:-10}
sim_seed=${CHAOS_SIM_SEED:-11}
abort_every=${CHAOS_ABORT_EVERY:-7}
fences=${CHAOS_FENCES:-2}
fence_seed=${CHAOS_FENCE_SEED:-$(( (RANDOM << 15 | RANDOM) % 1000000 ))}
paced_seconds=${CHAOS_PACED_SECONDS:-20}
aborts_seconds=${CHAOS_ABORTS_PACED_SECONDS:-10}
# The backlog ends 12 minutes ago, beyond processing.linger (10 min): once
# the input is read, no lingering interaction is left to drop on the wall
# clock, so no transactions (and no forced aborts) go on after it.
backlog_end_ago=12

suffix=$$$RANDOM
plain=chaos.events.$suffix
txin=chaos.txevents.$suffix
# shellcheck disable=SC2046
tool create-topics "$plain:6" "$txin:6" $(run_topics ref) $(run_topics aborts) $(run_topics fenced) >/dev/null ||
  fail "could not create the topics"

# --- the two backlogs ----------------------------------------------------------------
make_backlog "$plain" "$span_minutes"
plain_events=$produced
[ "$(tool end-offsets "$plain")" = "$produced" ] || fail "$plain does not hold the $produced records simulate reported"
make_backlog "$txin" "$span_minutes" --transactional --transaction-records 500 --abort-every 5 \
  --transactional-id "chaos-sim-$suffix"
[ "$produced" = "$plain_events" ] || fail "simulate --transactional produced $produced events, the plain backlog $plain_events"
content=$(tool same-content "$plain" "$txin") ||
  fail "the transactional backlog's committed records differ from the plain backlog's"
read -r same plain_end tx_end <<<"$content"
[ "$tx_end" -gt "$plain_end" ] || fail "$txin: end offsets $tx_end, no more than the plain topic's $plain_end (no markers?)"
log "backlog: $produced events of simulated time [$backlog_start, +${span_minutes}m) (seed $sim_seed) in $plain, and"
log "  transactionally in $txin: $(sed -n 's/.*simulated time [^)]*), //p' "$work/simulate-$txin.out");"
log "  read_committed both hold the same $same records in the same order; end offsets $plain_end vs $tx_end"

reference_run ref "$plain"

# Assertions on a run's final /metrics.
checks=()
check_metric() {  # RUN LABEL VALUE OP BOUND
  if awk -v v="$3" -v b="$5" -v op="$4" 'BEGIN { exit !((op == ">" && v > b) || (op == ">=" && v >= b) || (op == "==" && v == b)) }'; then
    checks+=("ok   $1: $2 = $3 ($4 $5)")
  else
    checks+=("FAIL $1: $2 = $3, expected $4 $5")
  fi
}
input_accounting() {  # RUN
  local m=$work/$1.metrics
  check_metric "$1" ccpulse_input_gap_messages_total "$(sum_of "$m" ccpulse_input_gap_messages_total)" == 0
  check_metric "$1" ccpulse_input_skipped_offsets_total "$(sum_of "$m" ccpulse_input_skipped_offsets_total)" '>' 0
}

# --- forced aborts ----------------------------------------------------------------------
began=$SECONDS
# Paced so that the aborts land while the input is read (unpaced, a worker
# reads its half in a few polls and commits a handful of transactions). Each
# recovery restores everything written so far, and the restore is paced too,
# so commits are 700 ms apart: an abort every ~5 s of work per worker.
pacing_props "$txin" "$aborts_seconds"
commit_interval=700ms run_config aborts "$txin" 2 "${pace[@]}"
start_instance aborts "CCPULSE_TEST_ABORT_EVERY=$abort_every"
wait_ready aborts 120
aborts_pid=${inst_pid[aborts]}
finish_instances "chaos-$suffix-aborts" "$txin" 6 "chaos.aborts.alerts.$suffix" aborts
[ "${inst_pid[aborts]}" = "$aborts_pid" ] || fail "aborts: not the same process"
m=$work/aborts.metrics
check_metric aborts ccpulse_transactions_aborted_total "$(sum_of "$m" ccpulse_transactions_aborted_total)" '>' 0
check_metric aborts 'ccpulse_worker_recoveries_total{class="abortable"}' \
  "$(value_in "$m" 'ccpulse_worker_recoveries_total{class="abortable"}')" '>' 0
input_accounting aborts
# An abort after the whole input was committed re-reads nothing.
check_metric aborts "ccpulse_events_consumed_total (aborts mid-stream: input re-read)" \
  "$(sum_of "$m" ccpulse_events_consumed_total)" '>' "$produced"
stop_instance aborts
log "aborts: paced (fetch.wait.max.ms=$fetch_wait_ms), commit_interval 700ms, every ${abort_every}th transaction aborted: $(sum_of "$m" ccpulse_transactions_aborted_total) aborted, $(sum_of "$m" ccpulse_transactions_committed_total) committed, $(value_in "$m" 'ccpulse_worker_recoveries_total{class="abortable"}') abortable recoveries, $(sum_of "$m" ccpulse_events_consumed_total) events consumed for $produced; done in $((SECONDS - began)) s"
dump_alerts aborts "chaos.aborts.alerts.$suffix"

# --- fenced producers -------------------------------------------------------------------
began=$SECONDS
pacing_props "$txin" "$paced_seconds"
run_config fenced "$txin" 2 "${pace[@]}"
delays=$("$py" -c '
import random, sys
r = random.Random(int(sys.argv[1]))
print(" ".join("%.2f" % r.uniform(2, 5) for _ in range(int(sys.argv[2]))))
' "$fence_seed" "$fences")
log "fenced: pacing fetch.wait.max.ms=$fetch_wait_ms (consuming the input takes ~${paced_seconds} s); CHAOS_FENCE_SEED=$fence_seed: $fences fences, after $delays s"
start_instance fenced
wait_ready fenced
fenced_pid=${inst_pid[fenced]}
k=0
fence_summary=()
for delay in $delays; do
  w=$((k % 2))
  k=$((k + 1))
  sleep "$delay"
  check_alive fenced
  progress=$(tool group-progress "chaos-$suffix-fenced" "$txin")
  lines=$(log_lines fenced)
  tool fence "chaos-$suffix-fenced-$w" >/dev/null || fail "fence $k: init_transactions as chaos-$suffix-fenced-$w failed"
  # Until that worker has recovered (or 60 s).
  deadline=$((SECONDS + 60))
  until log_has_since fenced "$lines" "$(worker_line 'recovered: rejoining the group' "$w")"; do
    check_alive fenced
    [ $SECONDS -lt $deadline ] || fail "fence $k: worker $w did not recover within 60 s"
    sleep 0.2
  done
  why=$(recovering_why fenced "$lines" "$w")
  line="fence $k/$fences, ${delay} s later: transactional.id chaos-$suffix-fenced-$w (worker $w) fenced when the group had committed ${progress% *} of ${progress#* } input offsets; worker $w recovered: $why"
  log "fenced: $line"
  fence_summary+=("$line")
  [ "${progress% *}" -lt "${progress#* }" ] ||
    fail "fence $k landed after the whole input was committed: not mid-stream; raise CHAOS_PACED_SECONDS"
done
finish_instances "chaos-$suffix-fenced" "$txin" 6 "chaos.fenced.alerts.$suffix" fenced
m=$work/fenced.metrics
if [ "${inst_pid[fenced]}" = "$fenced_pid" ]; then
  checks+=("ok   fenced: the same ccpulse process (pid $fenced_pid) ran from start to end")
else
  checks+=("FAIL fenced: ccpulse was restarted")
fi
check_metric fenced 'ccpulse_worker_recoveries_total{class="fatal"}' \
  "$(value_in "$m" 'ccpulse_worker_recoveries_total{class="fatal"}')" '>=' "$fences"
input_accounting fenced
stop_instance fenced
log "fenced: $fences fences, done in $((SECONDS - began)) s"
dump_alerts fenced "chaos.fenced.alerts.$suffix"

# --- a real gap ---------------------------------------------------------------------------
# The positive side of the input accounting: records deleted (DeleteRecords,
# as retention would) ahead of a paced reader are lost input, counted in
# ccpulse_input_gap_messages_total; consumed + gap = produced.
if [ "${CHAOS_GAP:-1}" = 1 ]; then
  began=$SECONDS
  gapin=chaos.gapin.$suffix
  # shellcheck disable=SC2046
  tool create-topics "$gapin:1" $(run_topics gap) >/dev/null || fail "could not create the topics"
  backlog_start='' make_backlog "$gapin" 3
  gap_produced=$produced
  bytes=$(tool input-bytes "$gapin")
  # One partition, ~8 KB per fetch: reading it takes ~15 s.
  gap_wait=$(( 8192 * 1000 * 15 / (bytes * 115 / 100) ))
  run_config gap "$gapin" 1 "max.partition.fetch.bytes: 8192" "fetch.min.bytes: 393216" "fetch.wait.max.ms: $gap_wait"
  start_instance gap
  wait_ready gap
  deadline=$((SECONDS + 60))
  until c=$(value_in <(metrics "${inst_port[gap]}") ccpulse_events_consumed_total) && [ "${c:-0}" -gt 300 ]; do
    check_alive gap
    [ $SECONDS -lt $deadline ] || fail "gap: nothing consumed within 60 s"
    sleep 0.2
  done
  cut=$((c + gap_produced / 3))
  delete_records "$gapin" 0 "$cut" >"$work/delete-records.out" 2>&1 || fail "gap: DeleteRecords failed: $(tail -n 3 "$work/delete-records.out")"
  deadline=$((SECONDS + 60))
  while :; do
    check_alive gap
    metrics "${inst_port[gap]}" >"$work/gap.metrics"
    consumed=$(value_in "$work/gap.metrics" ccpulse_events_consumed_total)
    lost=$(value_in "$work/gap.metrics" ccpulse_input_gap_messages_total)
    [ "$(caught_up_partitions "$work/gap.metrics" "$gapin")" = 1 ] && [ $((consumed + lost)) -ge "$gap_produced" ] && break
    [ $SECONDS -lt $deadline ] || fail "gap: not done within 60 s (consumed $consumed, gap $lost of $gap_produced)"
    sleep 0.5
  done
  stop_instance gap
  reset_line=$(first_since gap 1 "offset reset" | sed -E 's/.*msg="[[]thrd:main[]]: //; s/" (instance|component)=.*//' | cut -c1-160)
  check_metric gap ccpulse_input_gap_messages_total "$lost" '>' 0
  check_metric gap "consumed + gap (produced $gap_produced)" $((consumed + lost)) == "$gap_produced"
  check_metric gap ccpulse_input_skipped_offsets_total "$(value_in "$work/gap.metrics" ccpulse_input_skipped_offsets_total)" == 0
  log "gap: $gap_produced events in $gapin, records before offset $cut deleted when $c were consumed: consumed $consumed, gap $lost; librdkafka: $reset_line; $((SECONDS - began)) s"
fi

# --- compare ----------------------------------------------------------------------------
echo
echo "metric checks:"
rc=0
for c in "${checks[@]}"; do
  echo "  $c"
  case $c in FAIL*) rc=1 ;; esac
done
echo
tool compare --ref "ref=$work/ref.alerts.json" --chaos "aborts=$work/aborts.alerts.json" \
  --chaos "fenced=$work/fenced.alerts.json" \
  --metrics "ref=$work/ref.metrics" --metrics "aborts=$work/aborts.metrics" --metrics "fenced=$work/fenced.metrics" \
  || rc=1
log "txn_faults: finished in $((SECONDS - t0)) s"
[ $rc -eq 0 ] || { echo "FAIL: see the summary above" >&2; exit 1; }
echo "txn_faults: all checks passed"
