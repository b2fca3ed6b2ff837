# Cross build for 32-bit ARM, hard float (Debian armhf: ARMv7-A, VFPv3-D16, Thumb-2) with
# g++-arm-linux-gnueabihf; see toolchain-common.cmake.
#   cmake -S . -B build/cross-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake
# tools/cross-build.sh armhf makes the sysroot and does the whole build.
set(OCPP_CROSS_ARCH armhf)
set(OCPP_CROSS_PROCESSOR arm)
set(OCPP_CROSS_TRIPLET arm-linux-gnueabihf)
set(OCPP_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
