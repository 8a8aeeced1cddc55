# cmake -DOUTPUT=<file> -DROOT=<repository> -P compile_error.cmake -- <compiler> [args...] <source>
#
# Compiles a file that must NOT compile (an example of a compiler error for the book), from
# the repository root so the paths in the message are short, and writes the compiler's
# message to OUTPUT. A file that compiles fails the book: the example would be stale.
include(${CMAKE_CURRENT_LIST_DIR}/command_after_dashes.cmake)
command_after_dashes(command)
if(NOT OUTPUT OR NOT ROOT OR NOT command)
  message(FATAL_ERROR "usage: cmake -DOUTPUT=<file> -DROOT=<dir> -P compile_error.cmake -- <compiler> [args...]")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C ${command}
  WORKING_DIRECTORY ${ROOT}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(status EQUAL 0)
  message(FATAL_ERROR "${command} compiled, but the book shows it as an example of a compiler error")
endif()
file(WRITE ${OUTPUT} "${out}${err}")
