# cmake -DOUTPUT=<file> -P capture_stdout.cmake -- <program> [args...]
#
# Runs the program and writes its standard output to <file>. If the program
# fails, the build fails and <file> is left as it was, so the book never shows
# the output of a run that did not finish.
include(${CMAKE_CURRENT_LIST_DIR}/command_after_dashes.cmake)
command_after_dashes(command)
if(NOT OUTPUT OR NOT command)
  message(FATAL_ERROR "usage: cmake -DOUTPUT=<file> -P capture_stdout.cmake -- <program> [args...]")
endif()

execute_process(COMMAND ${command} OUTPUT_FILE ${OUTPUT}.partial RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE ${OUTPUT}.partial)
  list(JOIN command " " shown)
  message(FATAL_ERROR "${shown}\nfailed (${status}); its output is not in the book")
endif()
file(RENAME ${OUTPUT}.partial ${OUTPUT})
