#pragma once
// The hardware abstraction of one pile (DESIGN.md, "hal/"). The core drives the hardware through
// these interfaces and hears from it through HalListener. Drivers: sim/ (the simulated pile),
// modbus/ (meters and the I/O board over Modbus RTU/TCP, with can/ for a DC power stage). Every call here is made on the event loop thread and must not block:
// a driver that talks to slow hardware does so on its own thread and posts results back
// (DESIGN.md principle 2).
#include <memory>
#include <optional>
#include <string>

#include "ocpp/hal/types.hpp"

namespace ocpp::hal {

// IEC 61851-1 control pilot states: A no vehicle, B vehicle connected (not ready), C vehicle
// ready to charge, D ready with ventilation, E/F error (short, no EVSE / pilot fault).
enum class PilotState { A, B, C, D, E, F };
std::string_view to_string(PilotState s);

// What the hardware tells the core. Called on the event loop thread.
class HalListener {
 public:
  virtual ~HalListener() = default;
  virtual void on_pilot_changed(ConnectorId connector, PilotState state) = 0;
  // An RFID card (or any identifier) presented at the reader of a connector.
  virtual void on_id_presented(ConnectorId connector, const std::string& id_tag) = 0;
  // Digits typed on the keypad and confirmed (the offline charging code comes this way).
  virtual void on_code_entered(ConnectorId connector, const std::string& code) = 0;
  // The local stop button of a connector.
  virtual void on_stop_pressed(ConnectorId connector) = 0;
  // A hardware fault appears (code != NoError) or clears (code == NoError). `info` is a short
  // reason that fits 1.6's 50-character StatusNotification.info; drivers log the full one.
  virtual void on_fault(ConnectorId connector, ErrorCode code, const std::string& info) = 0;
  // The power path as the hardware measures it (the contactor's feedback), not as commanded: the
  // core reports Charging only once it is closed (issue 14). A driver whose contactor has no
  // feedback reports it right after the command.
  virtual void on_power_path(ConnectorId connector, bool closed) = 0;
};

// The power path, metering and locking of one connector.
class ConnectorHardware {
 public:
  virtual ~ConnectorHardware() = default;
  // The energy meter; nullopt when it does not answer (the core then faults PowerMeterFailure).
  virtual std::optional<MeterReading> read_meter() = 0;
  // Closes or opens the contactor (the power path to the EV). With a lock, the driver closes it
  // only once the lock holds and unlocks only once it is open (IEC 61851-1, socket-outlets):
  // whether and when it moved comes back through HalListener::on_power_path.
  virtual void set_contactor(bool closed) = 0;
  // The contactor as its feedback says (the command where there is none).
  virtual bool contactor_closed() const = 0;
  // The current the EV may draw, signalled by the pilot's PWM duty (IEC 61851 annex A); 0 means
  // "no energy offered" (the EV sees SuspendedEVSE).
  virtual void set_current_limit(double amps) = 0;
  // The power the connector may deliver (W), from smart charging. AC hardware ignores it: the
  // pilot signals a current only, which set_current_limit carries. A DC power stage delivers at
  // most this power at its output voltage, and at most set_current_limit's current.
  virtual void set_power_limit(double watts) { (void)watts; }
  // DC: the core gives the limit in watts (set_power_limit), and set_current_limit only says
  // whether energy is offered at all. AC: amperes per phase, which the pilot signals.
  virtual bool direct_current() const { return false; }
  // The least current the hardware can offer without pausing the EV: IEC 61851-1 annex A, a pilot
  // duty of 10 % is 6 A, and below it no AC charging current may be drawn. The core offers 0
  // rather than a limit below this, so that the status says SuspendedEVSE when the EV is paused.
  virtual double min_current_a() const { return 0; }
  // Locks or unlocks the connector (socket outlets); returns false when the lock did not move or
  // cannot (an unlock is refused while the contactor is closed: the socket is live).
  virtual bool set_locked(bool locked) = 0;
  virtual PilotState pilot() const = 0;
};

// Text for the driver: a line per connector (or 0 for the whole pile).
class Display {
 public:
  virtual ~Display() = default;
  virtual void show(ConnectorId connector, const std::string& text) = 0;
  // The QR code next to the connector: the driver's page of the server, where a driver gets an
  // offline charging code (DESIGN.md "Driver pages"). Shown for as long as the pile runs; a
  // display without one (or a printed sticker) ignores it.
  virtual void show_qr(ConnectorId connector, const std::string& url) { (void)connector, (void)url; }
};

class Hal {
 public:
  virtual ~Hal() = default;
  virtual int connector_count() const = 0;
  // 1..connector_count().
  virtual ConnectorHardware& connector(ConnectorId id) = 0;
  virtual Display& display() = 0;
  // The listener lives as long as the Hal; set once at start.
  virtual void set_listener(HalListener* listener) = 0;
};

}  // namespace ocpp::hal
