# Install rules and an exported CMake package so integrators can find_package(ocpp) the protocol
# library from their own build.
include(CMakePackageConfigHelpers)
get_property(_ocpp_targets GLOBAL PROPERTY OCPP_EXPORTED_TARGETS)
install(TARGETS ${_ocpp_targets} EXPORT ocppTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ocppTargets NAMESPACE ocpp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ocpp)
configure_package_config_file(cmake/ocppConfig.cmake.in ${CMAKE_BINARY_DIR}/ocppConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ocpp)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ocppConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ocppConfig.cmake ${CMAKE_BINARY_DIR}/ocppConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ocpp)
