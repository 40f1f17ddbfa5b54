# Run at every build (cmake -P): writes OUTPUT, a header defining ACTBENCH_GIT_COMMIT as HEAD's hash,
# with "-dirty" when a tracked file the binary is built from differs from it (results, scripts and
# documents do not count), or "unknown" outside a git checkout. The file is rewritten only when that
# changes, so an unchanged tree recompiles nothing.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no -- CMakeLists.txt CMakePresets.json bench harness kernels
                  WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND commit "-dirty")
  endif()
endif()
set(content "#pragma once\n#define ACTBENCH_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
