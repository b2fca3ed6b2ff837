// ocpp-demo-client: a protocol-level OCPP client. It connects to a CSMS, plays one scripted
// charging session (boot, statuses, heartbeat, authorize, transaction with meter values), prints
// each step, and then stays connected answering the CSMS until stopped (or exits with --exit).
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "ocpp/common/log.hpp"
#include "ocpp/transport/ocpp_client.hpp"
#include "session.hpp"

namespace {

const char* kUsage = R"(usage: ocpp-demo-client [options]
  --csms-url URL           ws:// or wss:// base URL of the CSMS (default ws://127.0.0.1:9000)
  --id ID                  charge point id, appended to the URL (default DEMO-CP-1)
  --ocpp-version V         1.6 or 2.0.1 (default 1.6)
  --security-profile N     0, 1 (Basic), 2 (TLS + Basic) or 3 (mutual TLS) (default 0)
  --password P             HTTP Basic password (profiles 1 and 2)
  --ca FILE --cert FILE --key FILE   TLS trust and client certificate
  --id-tag TAG             id tag of the demo session (default DEMO-TAG-1)
  --exit                   exit after the session: status 0 if every step succeeded
  --log-level LEVEL        debug, info, warn or error (default warn)
)";


[[noreturn]] void usage_error(const std::string& m) {
  std::cerr << "ocpp-demo-client: " << m << "\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp;
  transport::ClientOptions options;
  options.csms_url = "ws://127.0.0.1:9000";
  options.charge_point_id = "DEMO-CP-1";
  options.backoff = transport::BackoffPolicy{std::chrono::seconds{1}, std::chrono::seconds{1}, 3};
  demo::SessionOptions session;
  bool exit_after = false;
  log::set_level(log::Level::warn);

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--csms-url") {
      options.csms_url = value();
    } else if (arg == "--id") {
      options.charge_point_id = value();
    } else if (arg == "--ocpp-version") {
      const auto v = version_from_string(value());
      if (!v) usage_error("--ocpp-version must be 1.6 or 2.0.1");
      options.version = *v;
    } else if (arg == "--security-profile") {
      options.security_profile = std::atoi(value().c_str());
    } else if (arg == "--password") {
      options.basic_auth_password = value();
    } else if (arg == "--ca") {
      options.ca_file = value();
    } else if (arg == "--cert") {
      options.cert_file = value();
    } else if (arg == "--key") {
      options.key_file = value();
    } else if (arg == "--id-tag") {
      session.id_tag = value();
    } else if (arg == "--exit") {
      exit_after = true;
    } else if (arg == "--log-level") {
      log::Level l;
      if (!log::parse_level(value(), l)) usage_error("--log-level: debug, info, warn or error");
      log::set_level(l);
    } else {
      usage_error("unknown option " + arg);
    }
  }

  try {
    transport::LwsLoop loop;
    int exit_code = 0;
    bool session_started = false;
    std::unique_ptr<transport::OcppClient> client;
    demo::Steps steps;
    transport::OcppClient::Callbacks callbacks;
    callbacks.on_connected = [&] {
      demo::say("link", "connected to " + client->socket().url());
      if (session_started) return;
      session_started = true;
      steps.run([&](bool ok) {
        demo::say("session", ok ? "complete" : "failed");
        exit_code = ok ? 0 : 1;
        if (exit_after) loop.stop();
      });
    };
    callbacks.on_disconnected = [&](const std::string& reason) { demo::say("link", "down: " + reason); };
    client = std::make_unique<transport::OcppClient>(loop, options, callbacks);
    if (options.version == ProtocolVersion::v16) {
      demo::register_handlers_v16(client->rpc());
      demo::add_session_v16(steps, client->rpc(), session);
    } else {
      demo::register_handlers_v201(client->rpc());
      demo::add_session_v201(steps, client->rpc(), session);
    }
    loop.stop_on_signals();
    client->start();
    loop.run();
    return exit_code;
  } catch (const std::exception& e) {
    std::cerr << "ocpp-demo-client: " << e.what() << "\n";
    return 2;
  }
}
