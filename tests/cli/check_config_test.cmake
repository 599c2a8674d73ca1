# `ccpulse check-config` as a user runs it: a broken file must fail with
# FILE:LINE:COLUMN: field: problem lines, good files must pass.

# check-config FILE must exit 2 and print each further argument (literal
# text); with COUNT not empty, the summary must say that many errors.
function(expect_rejected file count)
  execute_process(COMMAND ${CCPULSE} check-config ${file}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "check-config ${file} exited ${rc}, expected 2\n${err}")
  endif()
  set(texts ${ARGN})
  if(NOT count STREQUAL "")
    list(APPEND texts "${file}: ${count} error(s)")
  endif()
  foreach(expected IN LISTS texts)
    string(FIND "${err}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "check-config ${file}: missing '${expected}' in:\n${err}")
    endif()
  endforeach()
endfunction()

set(broken ${SOURCE_DIR}/tests/unit/config/data/broken.yaml)
expect_rejected(${broken} ""
  "${broken}:6:3: processing.wokers: "
  "${broken}:7:20: processing.commit_interval: "
  "${broken}:12:31: queues[0].channel: "
  "${broken}:16:42: policies[0].match.queues[0]: ")

# A forced librdkafka property is rejected with what ccpulse sets instead;
# a default on the next line is accepted.
set(forced ${SOURCE_DIR}/tests/unit/config/data/forced_kafka.yaml)
expect_rejected(${forced} 1
  "${forced}:6:3: kafka.client.id: set by ccpulse (<instance_id>-w<N>: one per worker"
  "remove it\n${forced}: ")

# The metrics engine's settings and a queue's service level: each mistake at
# its line and column; settings the engine refuses together, at the
# metrics: key in the engine's own words.
set(bad_metrics ${SOURCE_DIR}/tests/unit/config/data/bad_metrics.yaml)
expect_rejected(${bad_metrics} 5
  "${bad_metrics}:4:18: metrics.windows[1]: window 25s is not a multiple of metrics.bucket 10s"
  "${bad_metrics}:6:3: metrics.intervall: unknown key 'intervall' (did you mean 'interval'?)"
  "${bad_metrics}:10:17: queues[0].sl_formula: unknown service-level formula 'genesis'"
  "${bad_metrics}:13:19: queues[1].sl_threshold: sl_threshold 3s of queue 'support' is shorter than processing.short_abandon 5s"
  "${bad_metrics}:14:5: queues[1].genesys: genesys options apply only with sl_formula: genesys")
set(bad_windows ${SOURCE_DIR}/tests/unit/config/data/bad_windows.yaml)
expect_rejected(${bad_windows} 1
  "${bad_windows}:4:1: metrics: window settings: the calendar interval must be a multiple of the coarse width and at most half the fine span")

# Business-hours calendars: each mistake at its line and column.
set(bad_calendars ${SOURCE_DIR}/tests/unit/config/data/bad_calendars.yaml)
expect_rejected(${bad_calendars} 8
  "${bad_calendars}:5:15: calendars[0].timezone: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)"
  "${bad_calendars}:7:33: calendars[0].hours.weekdays[1]: hours 11:00-17:00 overlap 08:00-12:00 on the same day"
  "${bad_calendars}:8:7: calendars[0].hours.fri: fri is already given by 'weekdays' on line 7"
  "${bad_calendars}:9:13: calendars[0].hours.sat[0]: expected opening hours such as 08:00-12:00"
  "${bad_calendars}:10:28: calendars[0].holidays[1]: holiday 2026-12-25 is listed twice (first on line 10)"
  "${bad_calendars}:11:11: calendars[1].name: duplicate calendar name 'office' (first declared on line 4)"
  "${bad_calendars}:13:5: calendars[1].hours: the calendar has no open hour in the week"
  "${bad_calendars}:17:39: policies[0].targets.first_response.calendar: unknown calendar 'ofice'")

foreach(good ccpulse.yaml demo.yaml)
  execute_process(COMMAND ${CCPULSE} check-config ${SOURCE_DIR}/config/${good}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "check-config ${good} exited ${rc}:\n${err}")
  endif()
endforeach()

execute_process(COMMAND ${CCPULSE} check-config ${SOURCE_DIR}/no/such/file.yaml
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "no/such/file.yaml")
  message(FATAL_ERROR "missing file: rc=${rc}\n${err}")
endif()
