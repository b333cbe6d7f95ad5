# Fails when a C++ source under src/, tests/, bench/ or fuzz/ is not formatted as .clang-format
# says (clang-format --dry-run --Werror), and names the files. `make format` fixes them.
#
#   cmake -DSOURCE_DIR=<repo> [-DCLANG_FORMAT=clang-format] -P cmake/check_format.cmake
cmake_minimum_required(VERSION 3.22)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repo> -P ${CMAKE_SCRIPT_MODE_FILE}")
endif()
if(NOT CLANG_FORMAT)
  find_program(CLANG_FORMAT clang-format REQUIRED)
endif()

set(files "")
foreach(dir src tests bench fuzz)
  file(GLOB_RECURSE found ${SOURCE_DIR}/${dir}/*.cc ${SOURCE_DIR}/${dir}/*.h)
  list(APPEND files ${found})
endforeach()
list(FILTER files EXCLUDE REGEX "/build[^/]*/")
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no C++ sources found under ${SOURCE_DIR}")
endif()

set(unformatted "")
foreach(f ${files})
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${f}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
    string(APPEND unformatted "  ${rel}\n")
  endif()
endforeach()
if(unformatted)
  message(FATAL_ERROR "not formatted as .clang-format says (run `make format`):\n${unformatted}")
endif()
message(STATUS "${count} C++ files formatted as .clang-format says")
