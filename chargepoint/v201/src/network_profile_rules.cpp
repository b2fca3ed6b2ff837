// B09-B10 network connection profiles: the rules (network_profiles.hpp). No connection here; the
// adapter's side is network_profiles.cpp.
#include "ocpp/cp/v201/network_profiles.hpp"

#include <algorithm>
#include <cctype>

#include "ocpp/messages/serialize.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

ProfileRefusal invalid(std::string info) { return {"InvalidNetworkConf", std::move(info)}; }

bool contains_ci(std::string_view text, std::string_view needle) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// B09.FR.02: what this pile cannot use, whatever the link in use.
std::optional<ProfileRefusal> check_content(const m::NetworkConnectionProfileType& p, const ProfileContext& context) {
  if (p.ocppVersion != m::OCPPVersionEnumType::OCPP20) {
    return invalid("this charging station speaks OCPP 2.0.1 only (ocppVersion OCPP20)");
  }
  if (p.ocppTransport != m::OCPPTransportEnumType::JSON) return invalid("only ocppTransport JSON is supported");
  if (p.vpn || p.apn) return invalid("VPN and APN set-up are not supported by this charging station");
  if (p.messageTimeout <= 0) return invalid("messageTimeout must be at least 1 s");
  if (p.securityProfile < 0 || p.securityProfile > 3) return invalid("securityProfile must be 0, 1, 2 or 3");
  const auto& text = p.ocppCsmsUrl.str();
  const auto url = transport::parse_url(text);
  if (!url) return invalid("ocppCsmsUrl is not a ws:// or wss:// URL");
  // A password in the URL would end up in every log line that names the URL.
  if (text.find('@') != std::string::npos) return invalid("ocppCsmsUrl must not carry credentials");
  if (p.securityProfile >= 2 && !url->tls) return invalid("security profiles 2 and 3 need a wss:// URL");
  if ((p.securityProfile == 1 || p.securityProfile == 2) && !context.has_password) {
    return invalid("security profiles 1 and 2 need a BasicAuthPassword, and none is set");
  }
  if (p.securityProfile == 3 && !context.has_client_certificate) {
    return invalid("security profile 3 needs a client certificate, and none is installed");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProfileRefusal> check_profile(const m::SetNetworkProfileRequest& request, const ProfileContext& context) {
  const int slot = request.configurationSlot;
  // B09.FR.05: a slot that is not in the valuesList of NetworkConfigurationPriority.
  if (slot < 1 || slot > kNetworkProfileSlots) {
    return ProfileRefusal{"InvalidConfSlot", "configuration slots are 1 to " + std::to_string(kNetworkProfileSlots)};
  }
  // This pile's rule: the profile of the link in use is the one to fall back to (B10.FR.07), so it
  // is not overwritten while it carries the connection.
  if (slot == context.active_slot) {
    return ProfileRefusal{"InvalidConfSlot", "slot " + std::to_string(slot) + " holds the connection in use"};
  }
  // B09.FR.04: no profile with a lower security profile than the link in use.
  if (request.connectionData.securityProfile < context.active_security_profile) {
    return ProfileRefusal{"NoSecurityDowngrade", "the connection in use has security profile " +
                                                     std::to_string(context.active_security_profile)};
  }
  return check_content(request.connectionData, context);
}

std::map<int, m::NetworkConnectionProfileType> parse_profiles(std::string_view stored) {
  std::map<int, m::NetworkConnectionProfileType> out;
  if (stored.empty()) return out;
  try {
    rapidjson::Document doc;
    messages::detail::parse_document(stored, doc);
    if (!doc.IsObject()) return {};
    for (const auto& member : doc.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const int slot = std::atoi(name.c_str());
      if (slot < 1 || slot > kNetworkProfileSlots || std::to_string(slot) != name) continue;
      m::NetworkConnectionProfileType profile;
      from_json(member.value, profile);
      out.emplace(slot, std::move(profile));
    }
  } catch (const JsonError&) {
    return {};
  }
  return out;
}

std::string serialize_profiles(const std::map<int, m::NetworkConnectionProfileType>& profiles) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  for (const auto& [slot, profile] : profiles) {
    rapidjson::Value value;
    to_json(profile, value, a);
    rapidjson::Value name(std::to_string(slot).c_str(), a);
    doc.AddMember(name, value, a);
  }
  return messages::detail::write_compact(doc);
}

bool carries_link_secret(std::string_view frame) {
  if (contains_ci(frame, "BasicAuthPassword")) return true;
  return contains_ci(frame, "\"SetNetworkProfile\"") &&
         (contains_ci(frame, "\"vpn\"") || contains_ci(frame, "\"apn\""));
}

ConnectionPlan::ConnectionPlan(std::vector<int> priority, int last_good, int attempts)
    : priority_(std::move(priority)), last_good_(last_good), attempts_(std::max(attempts, 1)) {
  rebuild();
}

void ConnectionPlan::rebuild() {
  steps_ = priority_;
  fallback_step_ = false;
  const bool listed = std::find(priority_.begin(), priority_.end(), last_good_) != priority_.end();
  if (last_good_ != 0 && !listed) {
    steps_.push_back(last_good_);  // B10.FR.07
    fallback_step_ = true;
  }
  if (steps_.empty()) steps_.push_back(1);  // nothing usable at all: the configuration file's link
  step_ = 0;
  failures_ = 0;
}

bool ConnectionPlan::attempt_failed() {
  if (++failures_ < attempts_) return false;
  failures_ = 0;
  step_ = (step_ + 1) % steps_.size();  // B10.FR.09: after the last step the walk starts again
  return true;
}

void ConnectionPlan::connected() {
  last_good_ = slot();
  failures_ = 0;
}

}  // namespace ocpp::cp::v201
