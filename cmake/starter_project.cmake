# Proves that nn can be used from a project of one's own: installs nn from the build
# tree into a fresh prefix, then builds chapters/00_your_first_network out of tree
# against it (CMake, find_package) and, if pkg-config is there, with pkg-config alone;
# both programs must run and reach their accuracy.
#   -DBUILD_DIR=<nn build dir> -DSOURCE_DIR=<repository> -DWORK=<scratch dir> -DCXX=<compiler> -DLIBDIR=lib
file(REMOVE_RECURSE "${WORK}")
set(prefix "${WORK}/prefix")
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  message(STATUS "${what}: ok")
endfunction()
run("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
if(NOT LIBDIR)
  set(LIBDIR lib)
endif()
set(starter "${SOURCE_DIR}/chapters/00_your_first_network")
run("configure the starter project" ${CMAKE_COMMAND} -S "${starter}" -B "${WORK}/starter"
    -G Ninja -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
run("build the starter project" ${CMAKE_COMMAND} --build "${WORK}/starter")
run("run the starter project" "${WORK}/starter/first_network")
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIBDIR}/pkgconfig")
  execute_process(COMMAND ${PKG_CONFIG} --cflags --libs nn RESULT_VARIABLE rc OUTPUT_VARIABLE flags
                  ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config --cflags --libs nn failed:\n${err}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run("compile with pkg-config" ${CXX} -O2 "${starter}/first_network.cpp" -o "${WORK}/first_network_pc" ${flags})
  run("run the pkg-config build" "${WORK}/first_network_pc")
endif()
