#pragma once
// The server side of the offline charging code in one object, as the reference CSMS uses it: key
// provisioning after boots, issuance, online authorization, settlement and security events
// (docs/offline-code.md §6, §9; docs/reference-csms.md). Every method runs on the event loop's thread.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/db/sql.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/server/code_authorizer.hpp"
#include "ocpp/server/code_book.hpp"
#include "ocpp/server/code_issuer.hpp"
#include "ocpp/server/code_recognizer.hpp"
#include "ocpp/server/key_book.hpp"
#include "ocpp/server/key_provisioner.hpp"
#include "ocpp/server/online_code_throttle.hpp"
#include "ocpp/server/pile_directory.hpp"
#include "ocpp/server/security_event_log.hpp"
#include "ocpp/server/settlement_book.hpp"
#include "ocpp/server/settler.hpp"
#include "ocpp/server/tariff.hpp"

namespace ocpp::server {

struct OfflineCodeOptions {
  // nullopt: offline codes are disabled (no --master-key-file); issued codes still settle.
  std::optional<offline_code::MasterSecret> master;
  std::string disabled_reason = "the server was started without --master-key-file";
  Tariff tariff;
  int default_valid_hours = 24;
  unsigned rate_limit_per_hour = 10;
};

class OfflineCodeService {
 public:
  // `db` must hold the tables of offline_code_schema_v1().
  OfflineCodeService(db::SqlConnection& db, const Clock& clock, PileDirectory& piles, PileLink& link,
                     OfflineCodeOptions options);

  bool enabled() const { return options_.master.has_value(); }
  const std::string& disabled_reason() const { return options_.disabled_reason; }
  const Tariff& tariff() const { return settler_.tariff(); }
  int default_valid_hours() const { return options_.default_valid_hours; }

  // Once a BootNotification has been answered Accepted: read the pile's key version, provision.
  void on_boot(const std::string& charge_point_id, ProtocolVersion version);
  // Issues a code; provisions the next key version at once when this one reached the rotation threshold.
  std::variant<IssuedCode, IssueError> issue(const IssueRequest& request);

  // Online authorization (1.6 Authorize, 2.0.1 Authorize with a KeyCode token), judged now, and
  // braked per pile (§8.4): while the pile's online code entry is locked, every code is Invalid.
  std::optional<CodeAuthorization> authorize(const std::string& charge_point_id, const std::string& tag);
  // A transaction started with `tag` (1.6 StartTransaction, 2.0.1 TransactionEvent Started): judged
  // at its own start time, and the code is bound to it when accepted. Not braked: it reports what
  // the pile did, mostly sessions it verified offline under its own lockout (§8.1).
  std::optional<CodeAuthorization> on_transaction_started(const std::string& charge_point_id,
                                                          const std::string& transaction_id, int connector_id,
                                                          const std::string& tag, const std::string& started_at);
  std::optional<SettleOutcome> on_transaction_ended(const EndedTransaction& transaction);
  // 1.6 / 2.0.1 SecurityEventNotification from a pile.
  void on_security_event(const std::string& charge_point_id, const std::string& type, const std::string& timestamp,
                         const std::string& tech_info);

  KeyState key_state(const std::string& charge_point_id) { return keys_.state(charge_point_id); }
  std::vector<Settlement> settlements_of(const std::string& user) { return settlements_.of_user(user); }
  std::vector<Settlement> all_settlements(bool anomalies_only) { return settlements_.all(anomalies_only); }
  std::optional<Settlement> settlement(const std::string& charge_point_id, const std::string& code) {
    return settlements_.find(charge_point_id, code);
  }
  std::vector<IssuedCodeRecord> codes_of(const std::string& user) { return codes_.of_user(user); }
  std::vector<SecurityEvent> security_events(const std::optional<std::string>& charge_point_id) {
    return events_.list(charge_point_id);
  }

 private:
  std::int64_t now_unix() const;

  const Clock& clock_;
  PileDirectory& piles_;
  OfflineCodeOptions options_;
  KeyBook keys_;
  CodeBook codes_;
  SettlementBook settlements_;
  SecurityEventLog events_;
  CodeRecognizer recognizer_;
  CodeAuthorizer authorizer_;
  OnlineCodeThrottle throttle_;
  CodeIssuer issuer_;
  Settler settler_;
  KeyProvisioner provisioner_;
};

}  // namespace ocpp::server
