# Shared part of the cross toolchain files (cmake/toolchain-aarch64.cmake, toolchain-armhf.cmake):
# Debian's cross compiler for OCPP_CROSS_TRIPLET with --sysroot pointing at a Debian bookworm tree made
# by tools/cross-build.sh (mmdebstrap), pkg-config and find_*() confined to that tree, and qemu-user
# as CMAKE_CROSSCOMPILING_EMULATOR so that ctest runs the target's test binaries on the build host.
#
# The sysroot is OCPP_SYSROOT (cache variable or environment), by default build/sysroot-<arch>.
if(NOT DEFINED OCPP_SYSROOT)
  if(DEFINED ENV{OCPP_SYSROOT})
    set(OCPP_SYSROOT "$ENV{OCPP_SYSROOT}")
  else()
    get_filename_component(OCPP_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build/sysroot-${OCPP_CROSS_ARCH}" ABSOLUTE)
  endif()
endif()
set(OCPP_SYSROOT "${OCPP_SYSROOT}" CACHE PATH "Target root file system the cross build compiles against")
# try_compile() projects read this file again: hand them the same sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES OCPP_SYSROOT)
if(NOT EXISTS "${OCPP_SYSROOT}/usr/include")
  message(FATAL_ERROR "cross sysroot ${OCPP_SYSROOT} is missing or empty: make it with tools/cross-build.sh ${OCPP_CROSS_ARCH}")
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${OCPP_CROSS_PROCESSOR})
set(CMAKE_LIBRARY_ARCHITECTURE ${OCPP_CROSS_TRIPLET})

set(CMAKE_C_COMPILER ${OCPP_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${OCPP_CROSS_TRIPLET}-g++)
set(CMAKE_SYSROOT "${OCPP_SYSROOT}")

# Headers, libraries and CMake packages from the sysroot only; programs (python3, the code
# generators, pkg-config) from the build host.
set(CMAKE_FIND_ROOT_PATH "${OCPP_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The host's pkg-config reading the target's .pc files, with their paths moved into the sysroot.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${OCPP_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${OCPP_SYSROOT}/usr/lib/${OCPP_CROSS_TRIPLET}/pkgconfig:${OCPP_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest (and add_custom_command with a target's file) run target programs through qemu-user, which
# loads the dynamic linker and the shared libraries from the sysroot (-L). No binfmt_misc needed.
find_program(OCPP_QEMU ${OCPP_CROSS_QEMU} NO_CMAKE_FIND_ROOT_PATH)
if(OCPP_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${OCPP_QEMU};-L;${OCPP_SYSROOT}")
else()
  message(WARNING "${OCPP_CROSS_QEMU} not found (Debian package qemu-user): the tests cannot run on this host")
endif()
