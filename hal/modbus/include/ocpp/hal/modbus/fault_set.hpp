#pragma once
// The faults of one connector (or of the whole pile, connector 0), from several sources at once.
// OCPP gives a connector one error code at a time (1.6 StatusNotification.errorCode), so the set
// reports the most serious fault present, and reports again whenever that changes; when the last
// one clears, NoError.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/hal/types.hpp"

namespace ocpp::hal::modbus {

// The sources, most serious first: that order decides which one a connector reports when several
// are present. A hardware safety fault outranks a lost meter, which outranks a stuck lock.
enum class FaultSource : std::size_t {
  board_silent,        // the I/O board does not answer or its heartbeat stopped (pile-wide)
  emergency_stop,      // pile-wide
  power_stage_silent,  // the DC power stage module stopped talking
  contactor,           // welded, or did not close
  residual_current,    // RCD / RCM tripped
  over_current,
  power_stage,         // a fault the power stage module reports
  over_temperature,
  meter_silent,
  meter_implausible,   // the energy register went backwards, jumped, or holds no value
  lock,
  reader,              // the RFID reader
  count_
};
std::string_view to_string(FaultSource s);

struct Fault {
  ErrorCode code = ErrorCode::NoError;
  std::string info;    // the short reason, for OCPP's `info`
  std::string detail;  // the full reason, for the log and `ocpp-cpctl status`
};

class FaultSet {
 public:
  // Sets (code != NoError) or clears (NoError) the fault of one source. Returns the fault to
  // report when the reported one changes (its code or its info), else nullopt; a change of the
  // detail alone is kept without being reported. An empty detail is the info.
  std::optional<Fault> set(FaultSource source, ErrorCode code, const std::string& info, const std::string& detail = {});
  // What is reported now: the most serious fault present, or NoError.
  const Fault& reported() const { return reported_; }
  bool has(FaultSource source) const;

 private:
  std::array<Fault, static_cast<std::size_t>(FaultSource::count_)> faults_{};
  Fault reported_;
};

}  // namespace ocpp::hal::modbus
