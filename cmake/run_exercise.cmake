# Runs the learner's answer to one exercise, for `./nnbook grade` (ctest -L learner):
# fails with the compiler's first error when the file does not compile, instead of running
# a program left over from an earlier build.
#   -DID=ex1.1 -DPROGRAM=<exercise_ex1_1> -DOBJECT=<the file's object> -DDIAGNOSTICS=<its log>
if(EXISTS "${DIAGNOSTICS}")
  file(STRINGS "${DIAGNOSTICS}" errors REGEX "error:")
  if(errors)
    list(GET errors 0 first)
    message(FATAL_ERROR "${ID}: does not compile: ${first}")
  endif()
endif()
if(NOT EXISTS "${PROGRAM}" OR NOT EXISTS "${OBJECT}" OR "${OBJECT}" IS_NEWER_THAN "${PROGRAM}")
  message(FATAL_ERROR "${ID}: does not build (compile or link error): run ./nnbook exercise ${ID}")
endif()
execute_process(COMMAND "${PROGRAM}" "-ts=${ID}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${ID}: not yet")
endif()
