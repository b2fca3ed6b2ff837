# Cross build for 64-bit ARM (Debian arm64) with g++-aarch64-linux-gnu; see toolchain-common.cmake.
#   cmake -S . -B build/cross-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
# tools/cross-build.sh aarch64 makes the sysroot and does the whole build.
set(OCPP_CROSS_ARCH aarch64)
set(OCPP_CROSS_PROCESSOR aarch64)
set(OCPP_CROSS_TRIPLET aarch64-linux-gnu)
set(OCPP_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
