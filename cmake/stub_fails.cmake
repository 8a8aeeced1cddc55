# Proves that a shipped exercise stub fails its test, and fails for the right reason:
# with the stub's own message, "Exercise <id>: ...".
#   -DID=ex1.1 -DPROGRAM=<exercise_tests> -DSTUB=<file> -DMANIFEST=<SHIPPED.sha256> -DRELPATH=<ch/file>
file(SHA256 "${STUB}" actual)
file(STRINGS "${MANIFEST}" lines REGEX " ${RELPATH}$")
if(NOT lines)
  message(FATAL_ERROR "${RELPATH} is missing from ${MANIFEST}; run: ./nnbook ship-stubs")
endif()
string(REGEX REPLACE " .*" "" shipped "${lines}")
if(NOT actual STREQUAL shipped)
  if(DEFINED ENV{CI})
    message(FATAL_ERROR "${RELPATH} differs from the hash in ${MANIFEST}; after changing a stub run: ./nnbook ship-stubs")
  endif()
  message(STATUS "${RELPATH} has been edited (it is no longer the shipped stub): skipped. "
                 "Your own progress: ./nnbook progress")
  return()  # CTest reports this test as skipped: SKIP_REGULAR_EXPRESSION matches the line above
endif()
string(REPLACE "ex" "Exercise " label "${ID}")
execute_process(COMMAND "${PROGRAM}" "-ts=${ID}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "the shipped stub for ${ID} passes its test: the test cannot tell a stub from a solution\n${out}")
endif()
string(FIND "${out}" "${label}:" where)
if(where EQUAL -1)
  message(FATAL_ERROR "the stub for ${ID} fails, but without its message '${label}: ...'\n${out}")
endif()
message(STATUS "the shipped stub for ${ID} fails as it should, with: ${label}: ...")
