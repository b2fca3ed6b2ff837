#pragma once
// The pile's offline-code keys (docs/offline-code.md §6 "Key versions"): the newest key and, for
// 8 days after a newer one arrived, the one before it. Versions only go up: a version that is not
// higher than the newest the pile ever held is refused, so a retired key and its serials never
// come back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"

namespace ocpp::cp::offline_code {

class KeyRing {
 public:
  // §6: how long the previous version stays after a newer one is installed (longer than any code lives).
  static constexpr std::int64_t kPreviousKeptFor = 8 * 24 * 3600;

  KeyRing(CodeStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Installs `key` durably; returns why it is refused, if it is.
  std::optional<std::string> install(const ocpp::offline_code::PileKey& key);
  // Installs a provisioned key spec (docs/offline-code.md §3.3, "V:HEX[:CHECK]") for this pile,
  // `charge_point_id`: a spec whose check value was made for another id is refused, and the refusal
  // is logged, so that it never becomes a key whose every code fails as a wrong code.
  std::optional<std::string> install_spec(std::string_view spec, std::string_view charge_point_id);
  // The keys verification may use now (at most two, of consecutive versions), newest first. The
  // previous key is deleted once its 8 days are over.
  std::vector<ocpp::offline_code::PileKey> usable();
  // The newest version installed; 0 when none.
  std::uint32_t newest_version();
  // Whether this version, or a newer one, was ever installed here (§6: it cannot come back).
  bool held(std::uint32_t version) { return version <= newest_ever(); }

 private:
  std::uint32_t newest_ever();

  CodeStore& store_;
  const Clock& clock_;
};

}  // namespace ocpp::cp::offline_code
