// B09 SetNetworkProfile and B10 migration to another CSMS: the CSMS stores network connection
// profiles in configuration slots (kept in the settings, so they survive a restart), names the
// order in OCPPCommCtrlr.NetworkConfigurationPriority, and after a restart the station connects
// with the first entry (B10.FR.04); one that does not connect within NetworkProfileConnectionAttempts
// gives way to the next (B10.FR.03), and when none does, to the last one that worked (B10.FR.07).
// The rules are in network_profile_rules.cpp; this file applies them to the connection.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/v201/network_profiles.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

constexpr const char* kProfiles = "network_connection_profiles";
constexpr const char* kActive = "active_network_profile";

m::SetNetworkProfileResponse answer(m::SetNetworkProfileStatusEnumType status, const std::string& code = {},
                                    const std::string& info = {}) {
  m::SetNetworkProfileResponse res;
  res.status = status;
  if (!code.empty()) {
    m::StatusInfoType si;
    si.reasonCode = code;
    si.additionalInfo = info.substr(0, 512);
    res.statusInfo = si;
  }
  return res;
}

}  // namespace

// The link of `slot`: the configuration file's link with the profile's URL and security profile
// (slot 1 without a profile is the file's own); nullopt when the slot holds no profile or one the
// transport cannot use now (a file gone, no password).
std::optional<transport::ClientOptions> Adapter::link_options(int slot) const {
  transport::ClientOptions o = base_options_;
  // A01: a password the CSMS set outlives the file's, also for the other profiles.
  if (settings_.is_persisted("basic_auth_password") && !settings_.get("basic_auth_password").empty()) {
    o.basic_auth_password = settings_.get("basic_auth_password");
  }
  const auto profiles = parse_profiles(settings_.get(kProfiles));
  if (const auto found = profiles.find(slot); found != profiles.end()) {
    o.csms_url = found->second.ocppCsmsUrl.str();
    o.security_profile = found->second.securityProfile;
  } else if (slot != 1) {
    return std::nullopt;
  }
  // M05, A02/A03: the CSMS roots installed and the pile's certificate, whichever the profile.
  if (certificates_ != nullptr) {
    const auto files = certificates_->tls_files();
    o.ca_file = files.ca_file;
    o.cert_file = files.cert_file;
    o.key_file = files.key_file;
  }
  if (const auto why = transport::WsClient::problem(o)) {
    log::warn("v201", "network profile in slot " + std::to_string(slot) + " cannot be used: " + *why);
    return std::nullopt;
  }
  return o;
}

// A walk over NetworkConfigurationPriority as it is now (B10.FR.03/04), with `last_good` as the
// fallback of B10.FR.07. Slots without a usable profile are left out.
void Adapter::new_plan(int last_good) {
  std::vector<int> usable;
  for (const auto& item : settings_.get_list("network_configuration_priority")) {
    const int slot = std::stoi(item);  // the setting holds the digits 1-4 only
    if (link_options(slot)) {
      usable.push_back(slot);
    } else {
      log::warn("v201", "NetworkConfigurationPriority names slot " + item + ", which holds no usable profile: skipped");
    }
  }
  if (last_good != 0 && !link_options(last_good)) last_good = 0;
  const auto attempts = static_cast<int>(settings_.get_int("network_profile_connection_attempts"));
  plan_.emplace(std::move(usable), last_good, attempts);
}

// At construction, before the client exists: the first entry of the priority (B10.FR.04).
void Adapter::plan_network_profiles(transport::ClientOptions& options) {
  base_options_ = options;
  new_plan(static_cast<int>(settings_.get_int(kActive)));
  if (auto first = link_options(plan_->slot())) {
    link_slot_ = plan_->slot();
    options = std::move(*first);
  }
  security_profile_ = options.security_profile;
  if (link_slot_ != 1) log::info("v201", "connecting with the network profile in slot " + std::to_string(link_slot_));
}

void Adapter::profile_connected() {
  link_up_ = true;
  plan_->connected();
  // B10.FR.10: connected after switching to another profile: register again with a BootNotification,
  // whatever an earlier CSMS answered.
  if (registered_slot_ != 0 && registered_slot_ != link_slot_ && registration_ == Registration::Accepted) {
    log::info("v201", "connected with another network profile (slot " + std::to_string(link_slot_) +
                          "): registering again");
    registration_ = Registration::None;
  }
  registered_slot_ = link_slot_;
  const auto profiles = parse_profiles(settings_.get(kProfiles));
  const auto found = profiles.find(link_slot_);
  const auto timeout = found != profiles.end() ? found->second.messageTimeout : settings_.get_int("message_timeout_s");
  client_->rpc().set_call_timeout(std::chrono::seconds(timeout));
  // OCPPCommCtrlr.ActiveNetworkProfile, and the fallback of B10.FR.07 after a restart.
  settings_.set(kActive, std::to_string(link_slot_));
}

void Adapter::profile_disconnected() {
  if (link_up_) {
    // B10.FR.03: the connection was lost: a new walk from the first entry of the priority as it is
    // now, with the lost link as the last good one.
    link_up_ = false;
    new_plan(plan_->last_good());
  } else if (!plan_->attempt_failed()) {
    return;
  }
  switch_link(plan_->slot());
}

void Adapter::switch_link(int slot) {
  if (slot == link_slot_) return;
  auto options = link_options(slot);
  if (!options) return;  // gone meanwhile: the plan moves on after the next failures
  try {
    client_->retarget(*options);
  } catch (const std::invalid_argument& e) {
    log::warn("v201", "cannot switch to the network profile in slot " + std::to_string(slot) + ": " + e.what());
    return;
  }
  log::info("v201", "network profile: leaving slot " + std::to_string(link_slot_) + " for slot " +
                        std::to_string(slot) + (plan_->fallback() ? " (the last one that worked, B10.FR.07)" : ""));
  link_slot_ = slot;
  security_profile_ = options->security_profile;
}

void Adapter::register_network_profile_handlers() {
  rpc::handle<m::SetNetworkProfileRequest>(client_->rpc(), [this](const m::SetNetworkProfileRequest& req) {
    using S = m::SetNetworkProfileStatusEnumType;
    const std::string slot = std::to_string(req.configurationSlot);
    ProfileContext context;
    context.active_slot = link_slot_;
    context.active_security_profile = security_profile_;
    const auto current = link_options(link_slot_);
    context.has_password = !(current ? current->basic_auth_password : base_options_.basic_auth_password).empty();
    // A05 / B09: profile 3 only with a client certificate (the file's or one from CertificateSigned).
    const auto tls = certificates_ != nullptr ? certificates_->tls_files()
                                              : TlsFiles{"", base_options_.cert_file, base_options_.key_file};
    context.has_client_certificate = !tls.cert_file.empty() && !tls.key_file.empty();
    if (const auto refused = check_profile(req, context)) {
      log::warn("v201", "SetNetworkProfile for slot " + slot + " rejected: " + refused->info);
      return answer(S::Rejected, refused->reason_code, refused->info);
    }
    auto profiles = parse_profiles(settings_.get(kProfiles));
    profiles[req.configurationSlot] = req.connectionData;
    std::string why;
    if (settings_.set(kProfiles, serialize_profiles(profiles), &why) != SetResult::Accepted) {
      // B09.FR.03: it could not be stored.
      log::error("v201", "SetNetworkProfile for slot " + slot + " failed: " + why);
      return answer(S::Failed, "InternalError", "the profile could not be stored");
    }
    // B09.FR.01: stored; used after a restart when NetworkConfigurationPriority names it (B10.FR.04).
    log::info("v201", "network profile in slot " + slot + " set: " + req.connectionData.ocppCsmsUrl.str() +
                          ", security profile " + std::to_string(req.connectionData.securityProfile));
    return answer(S::Accepted);
  });
}

}  // namespace ocpp::cp::v201
