# Compile options shared by every target of the project (not exported to integrators).
add_library(ocpp_build_options INTERFACE)
target_compile_options(ocpp_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(OCPP_WARNINGS_AS_ERRORS)
  target_compile_options(ocpp_build_options INTERFACE -Werror)
endif()
if(OCPP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "OCPP_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  # fuzzer-no-link: libFuzzer's coverage instrumentation in every library; the fuzz targets link
  # libFuzzer itself (-fsanitize=fuzzer, tests/fuzz). pointer-overflow is excluded for the same
  # reason as below: RapidJSON 1.1.0 trips it on the first empty parse (internal/stack.h:117,
  # Tencent/rapidjson#1724, fixed after the 1.1.0 release), which would stop every target at once.
  set(_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=pointer-overflow -fno-sanitize-recover=all
            -fno-omit-frame-pointer)
  target_compile_options(ocpp_build_options INTERFACE ${_fuzz})
  target_link_options(ocpp_build_options INTERFACE -fsanitize=address,undefined)
elseif(OCPP_SANITIZE)
  # pointer-overflow is excluded because RapidJSON 1.1.0 trips it on the first empty parse
  # (internal/stack.h:117, Tencent/rapidjson#1724, fixed after the 1.1.0 release).
  set(_san -fsanitize=address,undefined -fno-sanitize=pointer-overflow -fno-sanitize-recover=all
           -fno-omit-frame-pointer)
  target_compile_options(ocpp_build_options INTERFACE ${_san})
  target_link_options(ocpp_build_options INTERFACE ${_san})
endif()
