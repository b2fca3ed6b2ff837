#include "sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace ocpp::server::web {

std::string random_token() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no session token can be made");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

SessionStore::SessionStore(const Clock& clock, SessionLimits limits) : clock_(clock), limits_(limits) {
  if (limits_.max_sessions == 0) throw std::invalid_argument("SessionLimits.max_sessions must be at least 1");
}

const Session* SessionStore::find(const std::string& token) {
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return nullptr;
  if (clock_.steady_now() >= it->second.expires) {
    sessions_.erase(it);
    return nullptr;
  }
  return &it->second;
}

const Session& SessionStore::create_anonymous() { return create({}, limits_.anonymous_lifetime); }

const Session& SessionStore::log_in(const std::string& old_token, const std::string& user) {
  if (user.empty()) throw std::invalid_argument("log_in needs a user name");
  sessions_.erase(old_token);
  return create(user, limits_.logged_in_lifetime);
}

void SessionStore::remove(const std::string& token) { sessions_.erase(token); }

bool SessionStore::csrf_matches(const Session& session, const std::string& submitted) {
  return submitted.size() == session.csrf_token.size() &&
         CRYPTO_memcmp(submitted.data(), session.csrf_token.data(), submitted.size()) == 0;
}

const Session& SessionStore::create(const std::string& user, std::chrono::seconds lifetime) {
  make_room();
  Session s;
  s.token = random_token();
  s.csrf_token = random_token();
  s.user = user;
  s.created = clock_.steady_now();
  s.expires = s.created + lifetime;
  const std::string key = s.token;
  return sessions_.insert_or_assign(key, std::move(s)).first->second;
}

void SessionStore::make_room() {
  if (sessions_.size() < limits_.max_sessions) return;
  const SteadyTime now = clock_.steady_now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now >= it->second.expires ? sessions_.erase(it) : std::next(it);
  }
  // Still full: drop the oldest anonymous session, else the oldest logged-in one.
  while (sessions_.size() >= limits_.max_sessions) {
    auto victim = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (victim == sessions_.end()) {
        victim = it;
        continue;
      }
      const bool it_anon = it->second.user.empty();
      const bool victim_anon = victim->second.user.empty();
      if ((it_anon && !victim_anon) || (it_anon == victim_anon && it->second.created < victim->second.created)) {
        victim = it;
      }
    }
    sessions_.erase(victim);
  }
}

}  // namespace ocpp::server::web
