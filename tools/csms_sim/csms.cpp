#include "csms.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::csms {

Csms::Csms(transport::LwsLoop& loop, CsmsOptions options) : options_(std::move(options)), store_(options_.database) {
  transport::ServerOptions server = options_.server;
  if (!options_.charge_point_passwords.empty()) {
    server.check_password = [this](const std::string& id, const std::string& password) {
      const auto it = options_.charge_point_passwords.find(id);
      return it != options_.charge_point_passwords.end() && it->second == password;
    };
  }
  transport::OcppServer::Callbacks callbacks;
  callbacks.on_open = [this](transport::Session& s) {
    if (s.rpc.version() == ProtocolVersion::v16) {
      register_v16(s);
    } else {
      register_v201(s);
    }
  };
  rpc::EndpointOptions rpc;
  rpc.call_timeout = options_.call_timeout;
  rpc.log_frames = true;  // the reference CSMS logs every frame, in both directions
  server_ = std::make_unique<transport::OcppServer>(loop, std::move(server), std::move(callbacks), rpc);
}

std::string Csms::connected_version(const std::string& id) {
  auto* s = server_->find(id);
  return s == nullptr ? std::string() : std::string(to_string(s->rpc.version()));
}

bool Csms::call(const std::string& id, const std::string& action, rapidjson::Document payload,
                rpc::ResultHandler done) {
  auto* s = server_->find(id);
  if (s == nullptr) return false;
  s->rpc.call(action, std::move(payload), std::move(done));
  return true;
}

std::string Csms::authorization_status(const std::string& id_tag) const {
  const auto it = options_.id_tags.find(id_tag);
  return it == options_.id_tags.end() ? options_.unknown_id_tag_status : it->second;
}

}  // namespace ocpp::csms
