#pragma once
// The server side wired as the reference CSMS wires it (tools/csms_sim/csms.cpp), over a real
// database, with a fake directory of piles and a fake OCPP link that the test answers for the pile.
#include <memory>

#include "ocpp/offline_code/code.hpp"
#include "ocpp/server/offline_code_service.hpp"
#include "server_test_support.hpp"

namespace ocpp::server::test {

class ServiceTest : public ServerTest {
 protected:
  ServiceTest() {
    piles.piles["CP-1"] = PileFacts{ProtocolVersion::v16, true, 2};
    piles.piles["CP-2"] = PileFacts{ProtocolVersion::v16, true, 2};
    make(enabled_options());
  }

  static OfflineCodeOptions enabled_options() {
    OfflineCodeOptions o;
    o.master = test_master();
    return o;
  }
  void make(OfflineCodeOptions options) {
    service.reset();
    service = std::make_unique<OfflineCodeService>(*db, clock, piles, link, std::move(options));
  }
  // A restart of the server: the database is closed and opened again, the service made anew.
  void restart(OfflineCodeOptions options = enabled_options()) {
    service.reset();
    reopen();
    make(std::move(options));
  }

  // The pile boots holding no key, and accepts version 1 (1.6).
  void provision(const std::string& cp) {
    service->on_boot(cp, ProtocolVersion::v16);
    link.answer(R"({"configurationKey":[{"key":"OfflineCodeKeyVersion","readonly":true,"value":"0"}]})");
    link.answer(R"({"status":"Accepted"})");
    ASSERT_TRUE(service->key_state(cp).codes_available());
  }

  IssueRequest request(const std::string& user, const std::string& cp, int connector) {
    IssueRequest r;
    r.user = user;
    r.charge_point_id = cp;
    r.connector_id = connector;
    return r;
  }
  IssuedCode issue(const IssueRequest& r) {
    auto out = service->issue(r);
    if (const auto* e = std::get_if<IssueError>(&out)) throw std::runtime_error("refused: " + e->message);
    return std::get<IssuedCode>(out);
  }
  IssuedCode issue(const std::string& user, const std::string& cp, int connector) {
    return issue(request(user, cp, connector));
  }
  IssueError refusal(const IssueRequest& r) {
    auto out = service->issue(r);
    if (!std::holds_alternative<IssueError>(out)) throw std::runtime_error("issued, expected a refusal");
    return std::get<IssueError>(out);
  }

  // A genuine code of `cp` that the server never issued: what someone holding the pile's key makes.
  std::string forged_code(const std::string& cp, std::uint16_t serial, std::uint8_t connector = 0) {
    offline_code::Fields f;
    f.key_version = 1;
    f.serial = serial;
    f.connector = connector;
    f.expiry_hours = offline_code::expiry_hours_for(now_unix(), 24);
    return offline_code::encode(f, offline_code::derive_pile_key(test_master(), cp, 1), cp);
  }

  FakePiles piles;
  FakeLink link;
  std::unique_ptr<OfflineCodeService> service;
};

}  // namespace ocpp::server::test
