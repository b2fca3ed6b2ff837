#pragma once
// Issuing a code to a logged-in user (docs/offline-code.md §2, §6, §9 "Issue"): the pile must be
// known and hold a confirmed key, the connector must exist, the user must be within the rate limit;
// then a fresh serial, the MAC, and a record of who got what.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ocpp/common/clock.hpp"
#include "ocpp/db/sql.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/server/code_book.hpp"
#include "ocpp/server/key_book.hpp"
#include "ocpp/server/pile_directory.hpp"
#include "ocpp/server/rate_limit.hpp"

namespace ocpp::server {

struct IssueRequest {
  std::string user;
  std::string charge_point_id;
  int connector_id = 0;                        // 0: any connector of the pile (§2)
  std::optional<std::int64_t> energy_cap_wh;   // rounded down to a cap step; below 500 refused (§2)
  std::optional<int> valid_hours;              // 1..168; default: the server's
};

enum class IssueFailure {
  Disabled,            // no master secret: offline codes are off on this server
  UnknownChargePoint,  // never booted here
  UnknownConnector,    // not 0..7, or above the connectors the pile reported
  BadRequest,          // a field out of range (`field` names it)
  NoKey,               // the pile has not confirmed a key
  RateLimited,         // the user had enough codes this hour
  Exhausted,           // no serial left until the pile takes the next key version
};

struct IssueError {
  IssueFailure failure = IssueFailure::BadRequest;
  std::string reason;   // "disabled", "unknown_charge_point", "unknown_connector", "bad_request", "no_key",
                        // "rate_limited", "exhausted"
  std::string message;  // a sentence for the person asking
  std::string field;    // BadRequest / UnknownConnector: the request field at fault
  std::int64_t retry_after_s = 0;  // RateLimited
};

struct IssuedCode {
  IssuedCodeRecord record;
  std::uint8_t cap_step = 0;
  bool rotation_due = false;  // this code reached the rotation threshold (§6): provision the next key
};

struct IssuerSettings {
  int default_valid_hours = 24;
  RateLimit rate_limit{};
};

class CodeIssuer {
 public:
  // `master`: nullptr when offline codes are disabled; `disabled_reason` then says why.
  CodeIssuer(const offline_code::MasterSecret* master, std::string disabled_reason, KeyBook& keys, CodeBook& codes,
             PileDirectory& piles, IssuerSettings settings, db::SqlConnection& db, const Clock& clock);

  std::variant<IssuedCode, IssueError> issue(const IssueRequest& request);
  const IssuerSettings& settings() const { return settings_; }

 private:
  const offline_code::MasterSecret* master_;
  std::string disabled_reason_;
  KeyBook& keys_;
  CodeBook& codes_;
  PileDirectory& piles_;
  IssuerSettings settings_;
  db::SqlConnection& db_;
  const Clock& clock_;
};

}  // namespace ocpp::server
