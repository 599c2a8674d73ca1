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
