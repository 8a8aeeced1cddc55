# command_after_dashes(<var>): for a script run as
#   cmake [-D<name>=<value>...] -P <script>.cmake -- <program> [args...]
# sets <var> to the list after `--`: the program and its arguments.
function(command_after_dashes var)
  set(command "")
  set(after_dashes FALSE)
  math(EXPR last "${CMAKE_ARGC} - 1")
  foreach(i RANGE ${last})
    if(after_dashes)
      list(APPEND command "${CMAKE_ARGV${i}}")
    elseif(CMAKE_ARGV${i} STREQUAL "--")
      set(after_dashes TRUE)
    endif()
  endforeach()
  set(${var} "${command}" PARENT_SCOPE)
endfunction()
