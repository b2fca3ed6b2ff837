#pragma once
// How loudly the Modbus devices log a failing link: the first refusals or failures of a streak are
// logged, the rest only counted, so that a board or meter unplugged for a day does not fill the log.

namespace ocpp::hal::modbus::detail {

constexpr int kLoggedPerStreak = 3;

}  // namespace ocpp::hal::modbus::detail
