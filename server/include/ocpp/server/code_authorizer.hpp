#pragma once
// Online authorization of an offline code (docs/offline-code.md §9 "Online"): the pile sends the
// code in 1.6 Authorize / StartTransaction or 2.0.1 Authorize / TransactionEvent (idToken type
// KeyCode), and the server answers from its own record of issued codes.
#include <cstdint>
#include <optional>
#include <string>

#include "ocpp/server/code_book.hpp"
#include "ocpp/server/code_recognizer.hpp"

namespace ocpp::server {

struct CodeAuthorization {
  // "Accepted", "Blocked", "Expired" or "Invalid": words that 1.6 IdTagInfo.status and 2.0.1
  // IdTokenInfo.status both have.
  std::string status;
  std::optional<std::string> expiry;  // RFC 3339: the code's own expiry
  // "accepted", "already_used", "expired", "wrong_connector" (a code issued for this pile);
  // "other_pile", "never_issued", "not_issued" (shaped like a code, but not one issued for this
  // pile: all three get the same answer, §8.4); "locked" (online code entry is braked, §8.4).
  std::string reason;
  bool issued_here = false;  // the tag is a code this server issued for the pile
};

struct AuthorizationContext {
  std::optional<int> connector;                // known when a transaction starts
  std::optional<std::string> transaction_id;   // set: the code starts this transaction and is bound to it
  std::int64_t at_unix = 0;                    // the time to judge the expiry at
  std::string at;                              // the same, RFC 3339 (recorded as the time of use)
};

class CodeAuthorizer {
 public:
  static constexpr std::int64_t kExpiryToleranceS = 600;  // §7: the drift a synced pile is allowed

  CodeAuthorizer(CodeBook& codes, CodeRecognizer& recognizer) : codes_(codes), recognizer_(recognizer) {}

  // nullopt: `tag` is not shaped like an offline code, so the CSMS's ordinary id-tag rules apply.
  // A tag shaped like one that this server did not issue for the pile is Invalid, whatever its MAC.
  std::optional<CodeAuthorization> decide(const std::string& charge_point_id, const std::string& tag,
                                          const AuthorizationContext& context);

 private:
  CodeBook& codes_;
  CodeRecognizer& recognizer_;
};

}  // namespace ocpp::server
