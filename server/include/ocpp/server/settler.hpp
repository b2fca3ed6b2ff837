#pragma once
// Settlement (docs/offline-code.md §9): when a transaction whose id tag is an offline code ends, the
// server bills the driver the code was issued to, exactly once per code, however many times the pile
// replays the session; a code it never issued, or issued for another pile, is settled as a flagged
// anomaly and reported as a security event, never silently.
#include <cstdint>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/server/code_book.hpp"
#include "ocpp/server/code_recognizer.hpp"
#include "ocpp/server/security_event_log.hpp"
#include "ocpp/server/settlement_book.hpp"
#include "ocpp/server/tariff.hpp"

namespace ocpp::server {

// A finished transaction as the CSMS recorded it.
struct EndedTransaction {
  std::string charge_point_id;
  std::string transaction_id;
  int connector_id = 0;
  std::string id_tag;  // the tag (1.6) or idToken (2.0.1) it was started with
  std::optional<std::int64_t> meter_start_wh;
  std::optional<std::int64_t> meter_stop_wh;
  std::string started_at;  // RFC 3339, from the pile ("" when unknown)
  std::string stopped_at;
};

struct SettleOutcome {
  Settlement settlement;
  bool created = false;  // false: the code was settled before (a replay, or a second use)
};

class Settler {
 public:
  Settler(CodeBook& codes, SettlementBook& settlements, SecurityEventLog& events, CodeRecognizer& recognizer,
          Tariff tariff, const Clock& clock)
      : codes_(codes), settlements_(settlements), events_(events), recognizer_(recognizer), tariff_(std::move(tariff)),
        clock_(clock) {}

  // nullopt: the id tag is not an offline code, an ordinary transaction.
  std::optional<SettleOutcome> on_transaction_ended(const EndedTransaction& tx);
  const Tariff& tariff() const { return tariff_; }

 private:
  void security_event(const EndedTransaction& tx, const char* type, const std::string& what);

  CodeBook& codes_;
  SettlementBook& settlements_;
  SecurityEventLog& events_;
  CodeRecognizer& recognizer_;
  Tariff tariff_;
  const Clock& clock_;
};

}  // namespace ocpp::server
