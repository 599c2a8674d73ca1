# ctest splits a test's name at ';' (a CMake list separator): a doctest case
# whose name holds one is registered under pieces that match no case, and
# reports "passed" having run nothing. Refuse such names.
# -DSOURCE_DIR: the repository; -DEXTRA_FILE: one more file to check (the
# check's own self-test).
file(GLOB_RECURSE sources "${SOURCE_DIR}/tests/*.cpp")
if(EXTRA_FILE)
  list(APPEND sources "${EXTRA_FILE}")
endif()
set(bad "")
foreach(f IN LISTS sources)
  file(STRINGS "${f}" lines REGEX "(TEST_CASE|SUBCASE|TEST_SUITE)\\(\"[^\"]*\\;")
  foreach(l IN LISTS lines)
    string(STRIP "${l}" l)
    string(APPEND bad "\n  ${f}: ${l}")
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "test names with ';' (ctest splits them and runs nothing):${bad}")
endif()
