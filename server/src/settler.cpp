// Settlement of offline-code sessions (docs/offline-code.md §9).
#include "ocpp/server/settler.hpp"

#include <chrono>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::server {
namespace {

std::int64_t unix_of(SystemTime t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

void flag(std::optional<std::string>& anomaly, const char* reason) {
  anomaly = anomaly ? *anomaly + "," + reason : std::string(reason);
}

}  // namespace

void Settler::security_event(const EndedTransaction& tx, const char* type, const std::string& what) {
  log::error("security", "charge point " + tx.charge_point_id + ", transaction " + tx.transaction_id + ": " + what);
  // The stop time identifies the report: a replayed stop is counted on the same event.
  const std::string when = tx.stopped_at.empty() ? format_rfc3339(clock_.system_now()) : tx.stopped_at;
  events_.record(tx.charge_point_id, kSourceCsms, type, when,
                 "transaction " + tx.transaction_id + " connector " + std::to_string(tx.connector_id) + ": " + what);
}

std::optional<SettleOutcome> Settler::on_transaction_ended(const EndedTransaction& tx) {
  if (tx.id_tag.empty()) return std::nullopt;
  const auto started = parse_rfc3339(tx.started_at);
  const auto stopped = parse_rfc3339(tx.stopped_at);

  // Exactly once: a settled code stays settled. The same transaction again is a replay; another
  // transaction with the same code means the pile accepted it twice.
  if (auto existing = settlements_.find(tx.charge_point_id, tx.id_tag)) {
    if (existing->transaction_id != tx.transaction_id) {
      security_event(tx, kEventCodeUsedTwice,
                     "offline code already settled with transaction " + existing->transaction_id + ": not billed again");
    }
    return SettleOutcome{std::move(*existing), false};
  }

  Settlement s;
  s.code = tx.id_tag;
  s.charge_point_id = tx.charge_point_id;
  s.connector_id = tx.connector_id;
  s.transaction_id = tx.transaction_id;
  s.started_at = tx.started_at;
  s.stopped_at = tx.stopped_at;
  s.currency = tariff_.currency();

  if (const auto record = codes_.find(tx.charge_point_id, tx.id_tag)) {
    s.user = record->user;
    // The pile checks the connector itself (§5 step 8): a mismatch means it did not.
    if (record->connector_id != 0 && record->connector_id != tx.connector_id) flag(s.anomaly, "connector_mismatch");
    if (!codes_.bind_transaction(record->id, tx.transaction_id, tx.started_at)) {
      flag(s.anomaly, "used_twice");
      security_event(tx, kEventCodeUsedTwice,
                     "offline code was used by transaction " + record->transaction_id.value_or("?") + " before");
    }
  } else if (const auto others = codes_.find_for_other_piles(tx.id_tag, tx.charge_point_id); !others.empty()) {
    flag(s.anomaly, "issued_for_other_pile");
    s.issued_charge_point_id = others.front().charge_point_id;
    security_event(tx, kEventCodeOfOtherPile,
                   "offline code issued for charge point " + others.front().charge_point_id + " was used here");
  } else {
    const std::int64_t at = started ? unix_of(*started) : stopped ? unix_of(*stopped) : unix_of(clock_.system_now());
    if (!recognizer_.genuine(tx.charge_point_id, tx.id_tag, tx.connector_id, at)) return std::nullopt;
    // §8.3: only the pile key makes such a code; the server issued none with this text.
    flag(s.anomaly, "never_issued");
    security_event(tx, kEventCodeNotIssued,
                   "genuine offline code that this server never issued (pile key leaked, or records lost): rotate the "
                   "pile's key");
  }

  // §9: energy = meterStop - meterStart.
  if (tx.meter_start_wh && tx.meter_stop_wh) {
    s.energy_wh = *tx.meter_stop_wh - *tx.meter_start_wh;
    if (s.energy_wh < 0) {
      flag(s.anomaly, "negative_energy");
      s.energy_wh = 0;
    } else if (s.energy_wh > Tariff::kMaxEnergyWh) {
      flag(s.anomaly, "implausible_energy");
      s.energy_wh = 0;
    }
  } else {
    flag(s.anomaly, "meter_readings_missing");
  }
  if (started && stopped) s.duration_s = unix_of(*stopped) - unix_of(*started);
  s.amount = tariff_.amount_for(s.energy_wh);
  s.settled_at = format_rfc3339(clock_.system_now());

  auto [stored, created] = settlements_.insert_once(s);
  if (created) {
    const std::string who = stored.user ? "user " + *stored.user : std::string("nobody (anomaly)");
    const std::string line = "settled transaction " + stored.transaction_id + " of " + stored.charge_point_id + ": " +
                             std::to_string(stored.energy_wh) + " Wh, " + stored.amount + " " + stored.currency +
                             ", billed to " + who + (stored.anomaly ? ", flagged: " + *stored.anomaly : std::string());
    if (stored.anomaly) log::warn("offline-code", line); else log::info("offline-code", line);
  }
  return SettleOutcome{std::move(stored), created};
}

}  // namespace ocpp::server
