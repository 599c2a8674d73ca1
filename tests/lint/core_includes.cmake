# The core has no I/O (DESIGN.md §2): model, metrics, sla, engine and view
# (the pure merge of published snapshots) may
# include the standard library, Boost's unordered containers, date/tz and
# the core modules beneath them, nothing else: no librdkafka, Asio/Beast,
# protobuf (nor the generated ccpulse/v1 headers), prometheus-cpp, yaml-cpp,
# and none of the adapters (codec, kafka, http, config, app, sim).
# Each module may see only the modules it is layered on.
#
# Usage: cmake -DSOURCE_DIR=<repo> -P core_includes.cmake
#        (-DEXTRA_FILE=<file> -DEXTRA_MODULE=<module> checks one more file as
#        if it were in that module: the test's own self-check)

set(allowed_model model)
set(allowed_sla model sla)
set(allowed_metrics model metrics)
set(allowed_engine model metrics sla engine)
# view reads queue-alert rules (sla/queue_rule.h) to pick their metric.
set(allowed_view model metrics sla view)
# Angle-bracket includes with a directory: only these roots.
set(allowed_system_roots boost/unordered date)

set(violations "")
function(check_file module file)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(inc "${CMAKE_MATCH_1}")
      if(NOT inc MATCHES "^([a-z_]+)/")
        string(APPEND violations "\n  ${file}: ${line} (a project include names its module)")
        continue()
      endif()
      list(FIND allowed_${module} "${CMAKE_MATCH_1}" at)
      if(at EQUAL -1)
        string(APPEND violations "\n  ${file}: ${line} (${module} may include only: ${allowed_${module}})")
      endif()
    elseif(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
      set(inc "${CMAKE_MATCH_1}")
      if(NOT inc MATCHES "/")
        continue()  # the standard library (and C headers) have no directory
      endif()
      set(ok FALSE)
      foreach(root IN LISTS allowed_system_roots)
        string(LENGTH "${root}/" n)
        string(SUBSTRING "${inc}" 0 ${n} head)
        if(head STREQUAL "${root}/")
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        string(APPEND violations "\n  ${file}: ${line} (the core may not see this library)")
      endif()
    endif()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

set(checked 0)
foreach(module model sla metrics engine view)
  file(GLOB_RECURSE files "${SOURCE_DIR}/src/${module}/*.h" "${SOURCE_DIR}/src/${module}/*.cpp")
  foreach(f IN LISTS files)
    check_file(${module} "${f}")
    math(EXPR checked "${checked} + 1")
  endforeach()
endforeach()
if(DEFINED EXTRA_FILE)
  check_file(${EXTRA_MODULE} "${EXTRA_FILE}")
  math(EXPR checked "${checked} + 1")
endif()
if(checked LESS 20)
  message(FATAL_ERROR "only ${checked} core files found under ${SOURCE_DIR}/src: wrong SOURCE_DIR?")
endif()
if(violations)
  message(FATAL_ERROR "core layering broken:${violations}")
endif()
message(STATUS "${checked} core files include only what their layer allows")
