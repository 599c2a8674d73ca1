# `ccpulse check-config` as a user runs it: a broken file must fail with
# FILE:LINE:COLUMN: field: problem lines, good files must pass.
set(broken ${SOURCE_DIR}/tests/unit/config/data/broken.yaml)
execute_process(COMMAND ${CCPULSE} check-config ${broken}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "check-config on a broken file exited ${rc}, expected 2\n${err}")
endif()
foreach(expected
    "${broken}:6:3: processing.wokers: "
    "${broken}:7:20: processing.commit_interval: "
    "${broken}:12:31: queues[0].channel: "
    "${broken}:16:42: policies[0].match.queues[0]: ")
  string(FIND "${err}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing '${expected}' in:\n${err}")
  endif()
endforeach()

# A forced librdkafka property is rejected with what ccpulse sets instead;
# a default on the next line is accepted.
set(forced ${SOURCE_DIR}/tests/unit/config/data/forced_kafka.yaml)
execute_process(COMMAND ${CCPULSE} check-config ${forced}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(expected "${forced}:6:3: kafka.client.id: set by ccpulse (<instance_id>-w<N>: one per worker")
string(FIND "${err}" "${expected}" at)
if(NOT rc EQUAL 2 OR at EQUAL -1 OR NOT err MATCHES "remove it\n${forced}: 1 error\\(s\\)")
  message(FATAL_ERROR "check-config on a forced kafka property: rc=${rc}, expected 2 and '${expected}', one error:\n${err}")
endif()

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
