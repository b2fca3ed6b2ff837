#pragma once
// Issuing and verifying offline charging codes (docs/offline-code.md sections 2, 4 and 5). Pure
// functions: no I/O, the time is a parameter. The single-use and lockout state that a pile keeps around
// verify() are ReplayWindow and Lockout.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::offline_code {

// §4: the 16-digit code for `fields` under `key` for the pile `charge_point_id`. Throws
// std::invalid_argument when a field is out of range or fields.key_version != key.version.
std::string encode(const Fields& fields, const PileKey& key, std::string_view charge_point_id);

// §5: the verdicts, in the order the steps produce them.
enum class Status {
  Accepted,
  Malformed,          // not 16 digits (spaces and '-' ignored), or a reserved payload value
  Typo,               // the check digit does not match: a typing error, not an attack
  UnknownKeyVersion,  // no installed key has the version parity the code names
  BadMac,             // a wrong code: the only verdict that counts towards the lockout
  WrongConnector,     // genuine, but for another connector
  NotYetValid,        // genuine, but its expiry is further ahead than any code can live
  Expired,            // genuine, but expired
};

struct Verdict {
  Status status = Status::Malformed;
  // Set whenever the MAC matched (Accepted, WrongConnector, NotYetValid, Expired): these fields are
  // authentic and may be shown to the driver.
  std::optional<Fields> fields;

  bool accepted() const { return status == Status::Accepted; }
  // §8.1: only a wrong MAC gives the person typing a chance, so only it is counted.
  bool counts_as_failure() const { return status == Status::BadMac; }
};

// §7: the drift tolerance of a synced clock.
inline constexpr UnixSeconds kSyncedTolerance = 600;

// §5. `keys`: the pile's installed keys (at most two, of consecutive versions). `connector`: the one
// the code was typed for. `now`: the pile's clock if trusted, else its time floor (a time known to have
// passed). `tolerance`: see drift_tolerance() in clock_policy.hpp. Throws std::invalid_argument only for
// an empty or too long charge point id (a configuration error, not a property of the typed text).
Verdict verify(std::string_view typed, const std::vector<PileKey>& keys, std::string_view charge_point_id,
               unsigned connector, UnixSeconds now, bool clock_trusted, UnixSeconds tolerance = kSyncedTolerance);

// §5 and §7 for a pile whose clock is untrusted: the expiry is rebuilt from the time floor
// `floor` and, if the MAC fails there and the clock can be read (`clock_reading`, however wrong it
// may be), from the clock's reading, as a trusted clock's would be. Either way the code is judged
// against the floor only (Expired when floor >= expiry + tolerance, no NotYetValid). So a genuine
// code is told as a wrong code only when neither the floor nor the clock is near the true time.
Verdict verify_untrusted(std::string_view typed, const std::vector<PileKey>& keys, std::string_view charge_point_id,
                         unsigned connector, UnixSeconds floor, std::optional<UnixSeconds> clock_reading,
                         UnixSeconds tolerance = kSyncedTolerance);

// "accepted", "malformed", "typo", "unknown_key_version", "bad_mac", "wrong_connector",
// "not_yet_valid", "expired".
std::string_view to_string(Status status);
// A sentence for a log line or a display.
std::string_view describe(Status status);

}  // namespace ocpp::offline_code
