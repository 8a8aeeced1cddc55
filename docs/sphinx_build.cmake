# cmake -DDOCTREES=<dir> -P sphinx_build.cmake -- <sphinx-build> [args...]
#
# Runs sphinx-build. Sphinx re-renders only the pages that changed, so after a
# failed build the next one would not repeat the warnings of pages it already
# read, and would pass. On failure this script deletes the saved environment
# (<dir>), so the next build reads every page again and reports every warning.
include(${CMAKE_CURRENT_LIST_DIR}/command_after_dashes.cmake)
command_after_dashes(command)
if(NOT DOCTREES OR NOT command)
  message(FATAL_ERROR "usage: cmake -DDOCTREES=<dir> -P sphinx_build.cmake -- <sphinx-build> [args...]")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE_RECURSE ${DOCTREES})
  message(FATAL_ERROR "sphinx-build failed (${status}): the book has errors, listed above")
endif()
