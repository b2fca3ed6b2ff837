# ocpp-make-backlog (bench/make_backlog.cpp): a charge point database holding a long offline period,
# written by the real core. Used by the long-offline test (tests/integration) and by
# bench/run_replay.sh, so it is defined by whichever of tests/ and bench/ is built first. Not
# installed: it is a test and benchmark fixture, not a tool for a pile. The 2.0.1 device model
# gives it the settings a 2.0.1 pile registers (--ocpp 2.0.1).
if(NOT TARGET ocpp-make-backlog AND TARGET ocpp_cp_core AND TARGET ocpp_hal_sim AND TARGET ocpp_cp_v201_device_model)
  add_executable(ocpp-make-backlog ${CMAKE_CURRENT_LIST_DIR}/make_backlog.cpp)
  target_link_libraries(ocpp-make-backlog PRIVATE ocpp_cp_core ocpp_cp_v201_device_model ocpp_hal_sim ocpp::ocpp
                        ocpp_build_options)
endif()
