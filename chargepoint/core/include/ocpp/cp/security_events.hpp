#pragma once
// Security events waiting for the CSMS (1.6 security extension and 2.0.1 SecurityEventNotification,
// A04): stored durably when they happen, sent in order by the protocol adapter when the link is
// up, deleted when the CSMS has answered. An event that happens offline is not lost
// (docs/offline-code.md §8.1: each lockout and each replayed code is reported when the link returns).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

struct SecurityEvent {
  std::int64_t seq = 0;
  std::string type;       // e.g. "OfflineCodeLockout" (CiString50)
  std::string tech_info;  // free text for the operator (CiString255), may be empty
  SystemTime at{};
};

class SecurityEvents {
 public:
  // 1.6 security extension / 2.0.1: techInfo is at most 255 characters, type at most 50.
  static constexpr std::size_t kMaxTypeLength = 50;
  static constexpr std::size_t kMaxTechInfoLength = 255;
  // The queue keeps at most this many; beyond, the oldest go (with a log line): a pile under a
  // long attack must not fill its disk with reports of it.
  static constexpr std::int64_t kMaxQueued = 1000;

  explicit SecurityEvents(db::Database& db) : db_(db) {}

  // Stores the event durably (texts are cut to the protocol's limits) and wakes the sender.
  void push(const std::string& type, const std::string& tech_info, SystemTime at);
  std::optional<SecurityEvent> front();
  void remove(std::int64_t seq);
  std::int64_t count();
  // Called after each push (the adapter sends when it can).
  void on_push(std::function<void()> fn) { listeners_.push_back(std::move(fn)); }

 private:
  db::Database& db_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace ocpp::cp
