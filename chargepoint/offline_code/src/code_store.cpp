#include "ocpp/cp/offline_code/code_store.hpp"

#include <stdexcept>

namespace ocpp::cp::offline_code {

namespace oc = ocpp::offline_code;

std::vector<StoredKey> CodeStore::keys() {
  std::vector<StoredKey> out;
  auto st = db_.prepare("SELECT version, key_hex, installed_at FROM offline_code_keys ORDER BY version DESC");
  while (st.step()) {
    const auto version = st.int64(0);
    auto key = oc::parse_key_spec(std::to_string(version) + ":" + st.text(1));
    // A row we wrote ourselves; one that does not parse was damaged outside the program.
    if (!key) throw std::runtime_error("offline-code key version " + std::to_string(version) + " is damaged in the database");
    out.push_back(StoredKey{*key, st.int64(2)});
  }
  return out;
}

void CodeStore::put_key(const oc::PileKey& key, std::int64_t installed_at) {
  db_.prepare("INSERT OR REPLACE INTO offline_code_keys(version, key_hex, installed_at) VALUES(?1, ?2, ?3)")
      .bind(1, static_cast<std::int64_t>(key.version))
      .bind(2, oc::to_hex(key.bytes))
      .bind(3, installed_at)
      .run();
}

void CodeStore::delete_key(std::uint32_t version) {
  db_.transaction([&] {
    db_.prepare("DELETE FROM offline_code_keys WHERE version=?1").bind(1, static_cast<std::int64_t>(version)).run();
    db_.prepare("DELETE FROM offline_code_windows WHERE version=?1").bind(1, static_cast<std::int64_t>(version)).run();
  });
}

oc::ReplayWindow CodeStore::window(std::uint32_t version) {
  auto st = db_.prepare("SELECT window FROM offline_code_windows WHERE version=?1");
  st.bind(1, static_cast<std::int64_t>(version));
  if (!st.step()) return {};
  auto window = oc::ReplayWindow::parse(st.text(0));
  // Refusing every code is safer than forgetting which ones were used (docs/offline-code.md §6).
  if (!window) throw std::runtime_error("the replay window of key version " + std::to_string(version) + " is damaged");
  return *window;
}

void CodeStore::put_window(std::uint32_t version, const oc::ReplayWindow& window) {
  db_.prepare("INSERT OR REPLACE INTO offline_code_windows(version, window) VALUES(?1, ?2)")
      .bind(1, static_cast<std::int64_t>(version))
      .bind(2, window.serialise())
      .run();
}

std::optional<std::string> CodeStore::value(const std::string& name) {
  auto st = db_.prepare("SELECT value FROM offline_code_state WHERE name=?1");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void CodeStore::put_value(const std::string& name, const std::string& value) {
  db_.prepare("INSERT OR REPLACE INTO offline_code_state(name, value) VALUES(?1, ?2)").bind(1, name).bind(2, value).run();
}

void CodeStore::delete_value(const std::string& name) {
  db_.prepare("DELETE FROM offline_code_state WHERE name=?1").bind(1, name).run();
}

}  // namespace ocpp::cp::offline_code
