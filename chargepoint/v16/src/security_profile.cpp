// 1.6 Security Whitepaper edition 3, "Upgrading the security profile": the Central System sets
// the SecurityProfile key to a higher profile; the charge point reconnects with it and, when it
// cannot connect with it, goes back to the profile it had. A profile once connected with is kept
// across restarts (setting security_profile_floor); a lower value is refused.
//
// Profile 2 needs a wss:// URL: a ws:// csms_url is used with the scheme changed, on the same host,
// port and path (docs/chargepoint.md). Profile 3 needs the pile's certificate (the configuration
// file's or one from CertificateSigned); WsClient::problem() checks the rest.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/v16/adapter.hpp"

namespace ocpp::cp::v16 {

namespace {

// Failed connection attempts with the new profile before the previous one is taken back.
constexpr int kUpgradeAttempts = 3;
// Time for ChangeConfiguration.conf to reach the Central System before the link is dropped.
constexpr std::chrono::seconds kAnswerTime{1};

transport::ClientOptions with_profile(transport::ClientOptions o, int profile) {
  o.security_profile = profile;
  if (profile >= 2 && o.csms_url.rfind("ws://", 0) == 0) o.csms_url = "wss://" + o.csms_url.substr(5);
  return o;
}

}  // namespace

// At construction, before the client exists: a profile connected with earlier stays.
void Adapter::apply_security_floor(transport::ClientOptions& options) {
  const int floor = static_cast<int>(settings_.get_int("security_profile_floor"));
  if (floor <= options.security_profile) return;
  const auto raised = with_profile(options, floor);
  if (const auto why = transport::WsClient::problem(raised)) {
    log::error("v16", "security profile " + std::to_string(floor) + " was reached before but cannot be used now: " +
                          *why + "; using the configuration file's profile " + std::to_string(options.security_profile));
    return;
  }
  log::info("v16", "security profile " + std::to_string(floor) + " (set by the Central System earlier)");
  options = raised;
}

void Adapter::register_security_profile() {
  settings_.delegate("security_profile",
                     {[this] { return std::to_string(link_options_.security_profile); },
                      [this](const std::string& value) { return upgrade_security_profile(std::stoi(value)); }});
}

std::optional<std::string> Adapter::upgrade_security_profile(int to) {
  const int from = link_options_.security_profile;
  if (to == from) return std::nullopt;
  if (to < from) return "the security profile only goes up (it is " + std::to_string(from) + ")";
  if (upgrade_) return "an upgrade to security profile " + std::to_string(upgrade_->to) + " is in progress";
  const auto next = with_profile(link_options_, to);
  if (const auto why = transport::WsClient::problem(next)) return "security profile " + std::to_string(to) + ": " + *why;
  upgrade_ = ProfileUpgrade{link_options_, to, -1};  // -1: the close of the connection in use is no failure
  // After the answer has gone (the frame is written after the handler returns): reconnect with the
  // new profile.
  auto alive = alive_;
  loop_.schedule_after(kAnswerTime, [this, alive, next] {
    if (!*alive) return;
    log::info("v16", "security profile upgrade: reconnecting with profile " + std::to_string(next.security_profile));
    switch_link(next);
    client_->socket().drop_connection("security profile upgrade");
  });
  return std::nullopt;
}

void Adapter::switch_link(const transport::ClientOptions& options) {
  try {
    client_->retarget(options);
  } catch (const std::invalid_argument& e) {
    log::error("v16", std::string("cannot switch the link: ") + e.what());
    return;
  }
  link_options_ = options;
  encrypted_ = options.security_profile >= 2;
}

// Connected: with an upgrade in progress, the new profile works and is kept.
void Adapter::upgrade_connected() {
  if (!upgrade_) return;
  settings_.set("security_profile_floor", std::to_string(upgrade_->to));
  log::info("v16", "connected with security profile " + std::to_string(upgrade_->to) + ": kept");
  if (security_events_ != nullptr) {
    security_events_->push("ReconfigurationOfSecurityParameters",
                           "security profile " + std::to_string(upgrade_->previous.security_profile) + " -> " +
                               std::to_string(upgrade_->to),
                           clock_.system_now());
  }
  if (certificates_ != nullptr) certificates_->protect_last_csms_root(encrypted_);
  upgrade_.reset();
}

// A connection attempt with the new profile failed: after kUpgradeAttempts, back to the old one.
void Adapter::upgrade_failed() {
  if (!upgrade_ || ++upgrade_->failures < kUpgradeAttempts) return;
  log::warn("v16", "security profile " + std::to_string(upgrade_->to) + " does not connect after " +
                       std::to_string(kUpgradeAttempts) + " attempts: back to profile " +
                       std::to_string(upgrade_->previous.security_profile));
  auto previous = upgrade_->previous;
  upgrade_.reset();
  switch_link(previous);
}

}  // namespace ocpp::cp::v16
