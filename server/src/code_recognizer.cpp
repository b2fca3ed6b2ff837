#include "ocpp/server/code_recognizer.hpp"

#include <stdexcept>

namespace ocpp::server {

std::optional<offline_code::Fields> CodeRecognizer::genuine(const std::string& cp, const std::string& text,
                                                            int connector, std::int64_t at) {
  if (master_ == nullptr || cp.empty() || cp.size() > offline_code::kMaxChargePointIdBytes) return std::nullopt;
  const std::uint32_t current = keys_.state(cp).current_version;
  for (std::uint32_t version = current; version >= 1 && version + 2 >= current; --version) {
    const std::vector<offline_code::PileKey> keys{offline_code::derive_pile_key(*master_, cp, version)};
    // Both reconstruction windows of §4.3: `at` is the pile's own clock, which may have been
    // trusted or not when the code was typed.
    for (const bool trusted : {true, false}) {
      const auto verdict = offline_code::verify(text, keys, cp, static_cast<unsigned>(connector < 0 ? 0 : connector),
                                                at, trusted);
      // Fields are set exactly when the MAC matched (Accepted, WrongConnector, NotYetValid, Expired).
      if (verdict.fields) return verdict.fields;
      if (verdict.status == offline_code::Status::Malformed || verdict.status == offline_code::Status::Typo) {
        return std::nullopt;  // not a code at all: no key will change that
      }
    }
  }
  return std::nullopt;
}

bool CodeRecognizer::shaped_like_code(const std::string& cp, const std::string& text) {
  if (cp.empty() || cp.size() > offline_code::kMaxChargePointIdBytes) return false;
  // Without keys, verification stops at step 5 for anything that passed steps 1-3.
  const auto verdict = offline_code::verify(text, {}, cp, 0, 0, true);
  return verdict.status != offline_code::Status::Malformed && verdict.status != offline_code::Status::Typo;
}

}  // namespace ocpp::server
