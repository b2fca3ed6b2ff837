#pragma once
// Whether a text the pile reported is a genuine offline code of that pile, issued or not: its MAC
// matches under one of the keys the server derived for the pile (docs/offline-code.md §5 steps 1-7).
// A genuine code that the server has no record of means a stolen pile key or lost records (§8.3, §9).
#include <cstdint>
#include <optional>
#include <string>

#include "ocpp/offline_code/code.hpp"
#include "ocpp/server/key_book.hpp"

namespace ocpp::server {

class CodeRecognizer {
 public:
  // `master`: nullptr when offline codes are disabled (then nothing is recognised).
  CodeRecognizer(const offline_code::MasterSecret* master, KeyBook& keys) : master_(master), keys_(keys) {}

  // The code's fields when its MAC matches under a key version the pile may hold (the current one
  // and the two before it, §6: a pile keeps the newest and the previous key). `connector`: where it
  // was used; `at`: when (Unix seconds), to rebuild the expiry hour (§4.3).
  std::optional<offline_code::Fields> genuine(const std::string& charge_point_id, const std::string& text, int connector,
                                              std::int64_t at);
  // Whether `text` passes the steps of §5 that need no key (16 digits, the Damm check digit, a
  // payload in range): what a code looks like, genuine or not. Known without the master secret.
  static bool shaped_like_code(const std::string& charge_point_id, const std::string& text);

 private:
  const offline_code::MasterSecret* master_;
  KeyBook& keys_;
};

}  // namespace ocpp::server
