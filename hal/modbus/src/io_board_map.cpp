#include "ocpp/hal/modbus/io_board_map.hpp"

#include <algorithm>
#include <cmath>

namespace ocpp::hal::modbus::io_board {

std::uint16_t duty_for_current(double amps) {
  // IEC 61851-1 annex A: 10 % <= D <= 85 %: I = D x 0.6 A; 85 % < D <= 96 %: I = (D - 64) x 2.5 A.
  // Rounded down, so that the EV is never offered more than the limit; the tiny epsilon keeps an
  // exact result (18 A is 30.0 %) from falling to the step below through rounding.
  if (!(amps >= 6)) return kDutyNoPwm;
  amps = std::min(amps, 80.0);
  if (amps < 52.5) {
    // Between 51 A and 52.5 A nothing can be signalled exactly: 85 % (51 A) is the most.
    return static_cast<std::uint16_t>(std::min(850.0, std::floor(amps * 100.0 / 6.0 + 1e-9)));
  }
  return static_cast<std::uint16_t>(std::floor(amps * 4.0 + 640.0 + 1e-9));
}

double current_for_duty(std::uint16_t duty) {
  // IEC 61851-1 annex A, as the EV reads it (8 % <= D < 10 % is 6 A).
  if (duty < 80) return 0;  // 5 %: digital communication; below 8 %: no current
  if (duty < 100) return 6;
  if (duty <= 850) return duty * 0.06;
  if (duty <= 960) return (duty / 10.0 - 64.0) * 2.5;
  if (duty <= 970) return 80;
  return 0;  // no PWM
}

}  // namespace ocpp::hal::modbus::io_board
