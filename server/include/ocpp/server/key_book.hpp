#pragma once
// The key book: per pile, which key version the server provisions, which one the pile has
// confirmed, and the next serial of each version (docs/offline-code.md §6). It lives in the CSMS
// database, so serials are never reused across restarts of the server.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ocpp/common/clock.hpp"
#include "ocpp/db/sql.hpp"

namespace ocpp::server {

struct KeyState {
  std::uint32_t current_version = 1;    // §6: the version the server provisions; starts at 1, +1 per rotation
  std::uint32_t confirmed_version = 0;  // the version the pile holds and codes are issued under; 0: none
  std::optional<std::uint32_t> reported_version;  // the pile's OfflineCodeKeyVersion when last read
  std::optional<bool> supported;        // whether the pile knows offline codes at all (nullopt: not asked yet)
  std::string status;                   // the last provisioning step, for operators
  bool codes_available() const { return confirmed_version >= 1; }
};

// What to do once the pile has said which version it holds.
struct KeyDecision {
  bool provision = false;     // true: send the key of `version`; false: `version` is confirmed
  std::uint32_t version = 0;
  std::string reason;         // a sentence for the log
};

struct SerialAllocation {
  std::uint32_t key_version = 0;
  std::uint16_t serial = 0;
  bool rotation_due = false;  // this allocation reached the rotation threshold: provision current_version now
};
enum class SerialRefusal {
  NoKey,      // the pile has confirmed no key yet
  Exhausted,  // every serial of the confirmed version is issued and the pile has not taken the next one
};

class KeyBook {
 public:
  static constexpr unsigned kSerialsPerVersion = 4096;  // §2: 12-bit serial
  static constexpr unsigned kRotateAfter = 3072;        // §6: rotate after 3072 issued

  KeyBook(db::SqlConnection& db, const Clock& clock) : db_(db), clock_(clock) {}

  KeyState state(const std::string& charge_point_id);

  // The pile reported `reported` as the newest version it holds (0: none). Decides, and records:
  //  - equal to the current version: confirmed;
  //  - higher than the current version (the server's records were lost): the server moves to
  //    reported + 1, since it cannot know which serials of the pile's version were used;
  //  - lower than the version the pile had confirmed (the pile was replaced or reset and lost its
  //    keys): rotate to a version above every one it held, so no serial issued before comes back;
  //  - otherwise (older than current): the pile's version is confirmed if it is one this server made,
  //    and the current version is provisioned.
  KeyDecision on_reported_version(const std::string& charge_point_id, std::uint32_t reported);
  // The pile does not know the offline-code key (no OfflineCodeKeyVersion): it cannot take codes.
  void on_unsupported(const std::string& charge_point_id, const std::string& why);
  // The pile accepted the key of `version`: codes are issued under it from now on.
  void on_accepted(const std::string& charge_point_id, std::uint32_t version);
  void set_status(const std::string& charge_point_id, const std::string& status);

  // §6: the next serial under the confirmed version; never one handed out before.
  std::variant<SerialAllocation, SerialRefusal> allocate_serial(const std::string& charge_point_id);
  // How many serials of `version` have been handed out.
  unsigned issued_count(const std::string& charge_point_id, std::uint32_t version);

 private:
  KeyState read_state(const std::string& charge_point_id, bool for_update);
  void save(const std::string& charge_point_id, const KeyState& s);

  db::SqlConnection& db_;
  const Clock& clock_;
};

}  // namespace ocpp::server
