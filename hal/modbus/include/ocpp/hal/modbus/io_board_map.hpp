#pragma once
// The register map of the pile's I/O board, version 1, as docs/io-board-modbus.md defines it for
// integrators' firmware. Addresses are zero-based PDU addresses.
#include <cstdint>

namespace ocpp::hal::modbus::io_board {

constexpr std::uint16_t kMapVersion = 1;
constexpr int kMaxConnectors = 8;

// docs/io-board-modbus.md §3: input registers (function 04), read by the controller.
namespace input {
constexpr std::uint16_t map_version = 0;
constexpr std::uint16_t firmware_version = 1;  // major << 8 | minor
constexpr std::uint16_t heartbeat = 2;         // +1 at least once a second
constexpr std::uint16_t connectors = 3;        // connectors the board serves
constexpr std::uint16_t emergency_stop = 4;    // 0 released, 1 pressed
constexpr std::uint16_t board_faults = 5;      // bit 0: board over-temperature
constexpr std::uint16_t header_size = 8;
constexpr std::uint16_t block_size = 24;  // per connector, from header_size on
constexpr std::uint16_t block(int connector) {
  return static_cast<std::uint16_t>(header_size + block_size * (connector - 1));
}
// Offsets within a connector's block.
constexpr std::uint16_t pilot = 0;          // 0..5 = A..F
constexpr std::uint16_t contactor = 1;      // feedback (auxiliary contact): 0 open, 1 closed
constexpr std::uint16_t lock = 2;           // feedback: 0 unlocked, 1 locked, 2 moving
constexpr std::uint16_t faults = 3;         // bit flags, see fault_bit
constexpr std::uint16_t duty = 4;           // PWM duty applied, 0.1 %
constexpr std::uint16_t stop_count = 5;     // presses of the stop button, wraps
constexpr std::uint16_t rfid_count = 6;     // cards read, wraps
constexpr std::uint16_t rfid_length = 7;    // UID bytes, 0..10
constexpr std::uint16_t rfid_uid = 8;       // 5 registers, first byte in the high byte
constexpr std::uint16_t keypad_count = 13;  // codes confirmed, wraps
constexpr std::uint16_t keypad_length = 14; // digits, 0..16
constexpr std::uint16_t keypad_digits = 15; // 8 registers of ASCII digits, first in the high byte
constexpr int rfid_max_bytes = 10;
constexpr int keypad_max_digits = 16;
}  // namespace input

namespace fault_bit {
constexpr std::uint16_t residual_current = 0x01;  // RCD / RCM tripped
constexpr std::uint16_t over_current = 0x02;
constexpr std::uint16_t over_temperature = 0x04;  // socket, cable or contactor
constexpr std::uint16_t reader = 0x08;            // RFID reader not working
}  // namespace fault_bit

// docs/io-board-modbus.md §4: holding registers (function 16 writes), commanded by the controller.
namespace holding {
constexpr std::uint16_t watchdog = 0;  // the controller writes a new value at every poll
constexpr std::uint16_t block(int connector) { return static_cast<std::uint16_t>(1 + 3 * (connector - 1)); }
constexpr std::uint16_t contactor = 0;  // 0 open, 1 close (only in pilot C or D; the board decides)
constexpr std::uint16_t duty = 1;       // PWM duty, 0.1 %; 1000 = no PWM (+12 V steady)
constexpr std::uint16_t lock = 2;       // 0 unlock, 1 lock
constexpr std::uint16_t size(int connectors) { return static_cast<std::uint16_t>(1 + 3 * connectors); }
}  // namespace holding

// IEC 61851-1 annex A: the duty cycle (0.1 %) that offers `amps` to the EV. 0 A (or less than the
// 6 A a PWM can signal) is 1000: no PWM, no energy offered. 5 % (50) asks for digital
// communication (ISO 15118 / DIN 70121), used for DC. More than 80 A is 80 A.
std::uint16_t duty_for_current(double amps);
// The current a duty cycle (0.1 %) offers, 0 for "no energy offered" or digital communication.
double current_for_duty(std::uint16_t duty);
constexpr std::uint16_t kDutyNoPwm = 1000;
constexpr std::uint16_t kDutyDigital = 50;

}  // namespace ocpp::hal::modbus::io_board
