// Brute-force lockout (docs/offline-code.md section 8.1).
#include "ocpp/offline_code/lockout.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace ocpp::offline_code {
namespace {

constexpr std::string_view kPrefix = "lockout/1 ";
constexpr unsigned kMaxCountedFailures = 1u << 20;  // keeps the count from wrapping; locks are capped anyway

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty() || text[0] == '+') return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

bool take_key(std::string_view& part, std::string_view key) {
  if (part.substr(0, key.size()) != key) return false;
  part.remove_prefix(key.size());
  return true;
}

}  // namespace

std::uint64_t max_counted_attempts(const LockoutPolicy& policy, UnixSeconds period) {
  // §8.2: the full budget at the start, plus one refill per interval (refills are at least one
  // interval apart, and a refill into a full budget is lost).
  if (period <= 0) return policy.pile_budget;
  const auto interval = static_cast<std::uint64_t>(policy.pile_refill_interval);
  const auto p = static_cast<std::uint64_t>(period);
  return policy.pile_budget + (p + interval - 1) / interval;
}

void Lockout::advance(UnixSeconds now) {
  if (seen_ && now < *seen_) {
    // §8.1: the clock went back. Shift every stored instant by the same amount, so that lock time and
    // refill time already served are neither lost nor gained.
    const UnixSeconds d = now - *seen_;
    refill_anchor_ += d;
    for (auto& [id, c] : connectors_) {
      c.last_failure += d;
      c.locked_until += d;
    }
  }
  seen_ = now;
  if (budget_ < policy_.pile_budget && now >= refill_anchor_ + policy_.pile_refill_interval) {
    const UnixSeconds k = (now - refill_anchor_) / policy_.pile_refill_interval;
    const UnixSeconds room = policy_.pile_budget - budget_;
    budget_ += static_cast<unsigned>(std::min(k, room));
    refill_anchor_ += k * policy_.pile_refill_interval;
  }
  for (auto it = connectors_.begin(); it != connectors_.end();) {
    const auto& c = it->second;
    if (c.locked_until <= now && now - c.last_failure >= policy_.connector_forget_after) {
      it = connectors_.erase(it);
    } else {
      ++it;
    }
  }
}

Lockout::Gate Lockout::gate(unsigned connector, UnixSeconds now) {
  advance(now);
  Gate g;
  if (budget_ == 0) g = Gate{Scope::Pile, refill_anchor_ + policy_.pile_refill_interval};
  const auto it = connectors_.find(connector);
  if (it != connectors_.end() && it->second.locked_until > now && it->second.locked_until > g.until) {
    g = Gate{Scope::Connector, it->second.locked_until};
  }
  return g;
}

Lockout::Outcome Lockout::record_failure(unsigned connector, UnixSeconds now) {
  advance(now);
  // Pile budget: the refill clock starts with the first failure taken from a full budget.
  if (budget_ == policy_.pile_budget) refill_anchor_ = now;
  if (budget_ > 0) --budget_;
  // Connector backoff: 1 min at the third consecutive failure, doubling, at most 60 min.
  if (connectors_.size() >= kMaxConnectors && connectors_.count(connector) == 0) {
    // More connectors than a pile has: keep the state bounded by reusing the oldest entry.
    const auto oldest = std::min_element(connectors_.begin(), connectors_.end(), [](const auto& a, const auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    connectors_.erase(oldest);
  }
  auto& c = connectors_[connector];
  c.failures = std::min(c.failures + 1, kMaxCountedFailures);
  c.last_failure = now;
  Outcome out;
  if (c.failures >= policy_.connector_lock_from) {
    const unsigned doublings = std::min(c.failures - policy_.connector_lock_from, 30u);
    const UnixSeconds lock =
        std::min(policy_.connector_max_lock, policy_.connector_first_lock * (UnixSeconds{1} << doublings));
    c.locked_until = std::max(c.locked_until, now + lock);
    out.connector_locked = true;
    out.connector_until = c.locked_until;
  }
  out.connector_failures = c.failures;
  out.budget_left = budget_;
  if (budget_ == 0) {
    out.pile_locked = true;
    out.pile_until = refill_anchor_ + policy_.pile_refill_interval;
  }
  return out;
}

void Lockout::record_success(unsigned connector, UnixSeconds now) {
  advance(now);
  connectors_.erase(connector);
}

unsigned Lockout::budget(UnixSeconds now) {
  advance(now);
  return budget_;
}

std::string Lockout::serialise() const {
  std::string out(kPrefix);
  out += "seen=" + (seen_ ? std::to_string(*seen_) : std::string("-"));
  out += " budget=" + std::to_string(budget_) + "@" + std::to_string(refill_anchor_);
  out += " conn=";
  bool first = true;
  for (const auto& [id, c] : connectors_) {
    if (!first) out.push_back(',');
    first = false;
    out += std::to_string(id) + ":" + std::to_string(c.failures) + ":" + std::to_string(c.last_failure) + ":" +
           std::to_string(c.locked_until);
  }
  return out;
}

std::optional<Lockout> Lockout::parse(std::string_view text, LockoutPolicy policy) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto parts = split(text.substr(kPrefix.size()), ' ');
  if (parts.size() != 3) return std::nullopt;
  Lockout l(policy);
  std::string_view seen = parts[0], budget = parts[1], conn = parts[2];
  if (!take_key(seen, "seen=") || !take_key(budget, "budget=") || !take_key(conn, "conn=")) return std::nullopt;
  if (seen != "-") {
    UnixSeconds t = 0;
    if (!parse_number(seen, t)) return std::nullopt;
    l.seen_ = t;
  }
  const auto at = budget.find('@');
  if (at == std::string_view::npos || !parse_number(budget.substr(0, at), l.budget_) ||
      !parse_number(budget.substr(at + 1), l.refill_anchor_) || l.budget_ > policy.pile_budget) {
    return std::nullopt;
  }
  if (!conn.empty()) {
    const auto entries = split(conn, ',');
    if (entries.size() > kMaxConnectors) return std::nullopt;
    for (const auto entry : entries) {
      const auto f = split(entry, ':');
      unsigned id = 0;
      ConnectorState c;
      if (f.size() != 4 || !parse_number(f[0], id) || !parse_number(f[1], c.failures) ||
          !parse_number(f[2], c.last_failure) || !parse_number(f[3], c.locked_until) || c.failures == 0 ||
          c.failures > kMaxCountedFailures || !l.connectors_.emplace(id, c).second) {
        return std::nullopt;
      }
    }
  }
  return l;
}

std::string_view to_string(Lockout::Scope scope) {
  switch (scope) {
    case Lockout::Scope::None: return "none";
    case Lockout::Scope::Connector: return "connector";
    case Lockout::Scope::Pile: return "pile";
  }
  return "unknown";
}

}  // namespace ocpp::offline_code
