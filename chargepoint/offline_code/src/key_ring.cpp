#include "ocpp/cp/offline_code/key_ring.hpp"

#include <algorithm>
#include <chrono>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp::offline_code {

namespace oc = ocpp::offline_code;

namespace {

constexpr std::string_view kKeyRingLog = "offline-code";
const std::string kNewestEver = "newest_version_ever";

std::int64_t unix_now(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.system_now().time_since_epoch()).count();
}

}  // namespace

std::uint32_t KeyRing::newest_ever() {
  std::uint32_t newest = 0;
  if (auto v = store_.value(kNewestEver)) newest = static_cast<std::uint32_t>(std::stoul(*v));
  for (const auto& k : store_.keys()) newest = std::max(newest, k.key.version);
  return newest;
}

std::optional<std::string> KeyRing::install(const oc::PileKey& key) {
  const auto newest = newest_ever();
  if (key.version <= newest) {
    // §6: a key version never comes back, and neither do the serials of a retired one.
    return "key version " + std::to_string(key.version) + " is not higher than version " + std::to_string(newest) +
           ", the newest this pile has held";
  }
  const auto now = unix_now(clock_);
  store_.db().transaction([&] {
    // §6: the code carries the version's parity, so only consecutive versions may sit side by side:
    // the previous one stays only if it is exactly one below, and anything older goes now.
    for (const auto& k : store_.keys()) {
      if (k.key.version + 1 != key.version) store_.delete_key(k.key.version);
    }
    store_.put_key(key, now);
    store_.put_value(kNewestEver, std::to_string(key.version));
    // A key installed after a salvage that lost the replay windows (store_salvage.cpp) is a new
    // version with fresh windows: the loss is behind us.
    store_.delete_value(kReplayWindowsLost);
  });
  log::info(kKeyRingLog, "installed offline-code key version " + std::to_string(key.version));
  return std::nullopt;
}

std::optional<std::string> KeyRing::install_spec(std::string_view spec, std::string_view charge_point_id) {
  std::string error;
  const auto key = oc::parse_key_spec_for(spec, charge_point_id, &error);
  if (!key) {
    // §3.3: said where an operator looks; the key itself is a secret and is not shown.
    log::warn(kKeyRingLog, "offline-code key refused: " + error);
    return error;
  }
  auto refused = install(*key);
  if (refused) log::warn(kKeyRingLog, "offline-code key refused: " + *refused);
  return refused;
}

std::vector<oc::PileKey> KeyRing::usable() {
  auto keys = store_.keys();
  std::vector<oc::PileKey> out;
  if (keys.empty()) return out;
  out.push_back(keys.front().key);
  const auto now = unix_now(clock_);
  for (std::size_t i = 1; i < keys.size(); ++i) {
    const bool consecutive = i == 1 && keys[i].key.version + 1 == keys.front().key.version;
    if (consecutive && now < keys.front().installed_at + kPreviousKeptFor) {
      out.push_back(keys[i].key);
      continue;
    }
    store_.delete_key(keys[i].key.version);
    log::info(kKeyRingLog, "retired offline-code key version " + std::to_string(keys[i].key.version));
  }
  return out;
}

std::uint32_t KeyRing::newest_version() {
  const auto keys = store_.keys();
  return keys.empty() ? 0 : keys.front().key.version;
}

}  // namespace ocpp::cp::offline_code
