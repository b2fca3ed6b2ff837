#pragma once
// What the driver's pages (server/web) need from the server side of the offline charging code
// (server/). The pages render HTML and keep login sessions; everything they show or do goes
// through this interface, so that they can be tested with a fake and the server can change its
// storage without touching them.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ocpp::server::web {

struct PileInfo {
  std::string id;
  bool connected = false;  // an OCPP connection to the pile is open now
  int connectors = 0;      // highest connector id the pile has reported (0: none yet)
  bool codes_available = false;  // the pile has confirmed an offline-code key: codes can be issued
};

struct IssuedCode {
  std::string code;        // 16 digits, as the driver types it
  std::string expires_at;  // RFC 3339, UTC
  std::optional<std::int64_t> energy_cap_wh;
};

// Why a code was not issued. `reason` is one of: "unknown_charge_point", "unknown_connector",
// "no_key" (the pile has no offline-code key yet), "rate_limited", "exhausted" (no serial left);
// `message` is a sentence for the driver.
struct IssueError {
  std::string reason;
  std::string message;
  int retry_after_s = 0;  // rate_limited: when to try again
};

struct SettlementView {
  std::string code;
  std::string charge_point_id;
  int connector_id = 0;
  std::string transaction_id;
  std::int64_t energy_wh = 0;
  std::string started_at;  // RFC 3339
  std::string stopped_at;  // RFC 3339
  std::string amount;      // decimal string, e.g. "4.63"
  std::string currency;    // ISO 4217, e.g. "EUR"
};

// A code issued to the user that has not been settled yet (shown under "my sessions").
struct PendingCodeView {
  std::string code;
  std::string charge_point_id;
  int connector_id = 0;
  std::string expires_at;
};

class DriverBackend {
 public:
  virtual ~DriverBackend() = default;
  virtual bool check_password(const std::string& user, const std::string& password) const = 0;
  virtual std::optional<PileInfo> pile(const std::string& charge_point_id) = 0;
  virtual std::variant<IssuedCode, IssueError> issue_code(const std::string& user, const std::string& charge_point_id,
                                                          int connector_id,
                                                          std::optional<std::int64_t> energy_cap_wh) = 0;
  virtual std::vector<SettlementView> settlements(const std::string& user) = 0;
  virtual std::vector<PendingCodeView> pending_codes(const std::string& user) = 0;
};

}  // namespace ocpp::server::web
