// ocpp-csms-sim: the reference CSMS (DESIGN.md, "Interfaces that outside tests rely on").
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <variant>

#include "csms.hpp"
#include "http_api.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/server/master_key_file.hpp"
#include "ocpp/server/tariff.hpp"
#include "ocpp/server/user_accounts.hpp"

namespace {

const char* kUsage = R"(usage: ocpp-csms-sim [options]
The reference CSMS: accepts OCPP 1.6J and 2.0.1 charge points over WebSocket, records what they
send in SQLite, and serves an HTTP API for operators and tests.

  --ocpp-listen HOST:PORT      OCPP WebSocket listener (default 127.0.0.1:9000; port 0 = any free)
  --ocpp-path PREFIX           charge points connect under PREFIX (default /: any path); their id
                               is the URL's last path segment
  --http-listen HOST:PORT      HTTP API listener (default 127.0.0.1:8080; port 0 = any free)
  --database FILE              SQLite database (default csms.db; created if missing)
  --user NAME:PASSWORD[:ROLE]  an account for the HTTP API (HTTP Basic) and the driver's pages;
                               ROLE is operator (the default: every API request) or driver (codes
                               and own settlements only); repeatable
  --charge-point ID:PASSWORD   require HTTP Basic from charge points (security profiles 1 and 2);
                               repeatable, one per charge point
  --tls-cert FILE --tls-key FILE   serve wss:// (security profiles 2 and 3)
  --tls-ca FILE                roots that charge point certificates must chain to
  --require-client-cert        security profile 3: a client certificate whose CN is the charge point id
  --id-tag TAG[:STATUS]        a known id tag (status Accepted, Blocked, Expired or Invalid); repeatable
  --unknown-id-tags STATUS     the status of id tags that are not listed (default Accepted)
  --heartbeat-interval SECONDS interval sent in BootNotification responses (default 300)
  --call-timeout SECONDS       how long a CALL to a charge point may wait for its answer (default 30)
  --max-message-bytes N        largest accepted WebSocket message (default 262144)
  --log-level LEVEL            debug, info, warn or error (default info; frames are logged at info)
  --help, --version

Offline charging codes (docs/offline-code.md, docs/reference-csms.md):
  --master-key-file FILE       the master secret (64 hex characters); created with mode 0600 if
                               missing, refused if group or others may read it. Without it, no codes
                               are issued nor keys provisioned (the API answers 503)
  --tariff-per-kwh AMOUNT      price of a kWh in settlements, e.g. 0.30 (default 0.30)
  --currency CODE              ISO 4217 currency of settlements (default EUR)
  --offline-code-valid-hours H how long an issued code stays valid, 1..168 (default 24)
  --offline-code-rate-limit N  codes a user may get per hour (default 10)

Firmware, logs and certificates (docs/reference-csms.md):
  --files-dir DIR              firmware served at /firmware/NAME from DIR; log uploads kept in
                               DIR/uploads (default: csms-files beside the database)
  --http-public-url URL        the HTTP listener as piles reach it, in the URLs sent to them
                               (default http://HOST:PORT of --http-listen)
  --max-upload-bytes N         larger log uploads are refused with 413 (default 67108864)
  --firmware-signing-key FILE --firmware-signing-cert FILE
                               sign firmware (SHA-256, base64) for SignedUpdateFirmware and 2.0.1
  --ca-cert FILE --ca-key FILE sign the charge points' CSRs (SignCertificate); without them CSRs
                               are answered Rejected

Prints "listening ocpp=PORT http=PORT" on standard output once both listeners are up.
)";


[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "ocpp-csms-sim: " << message << "\n(see ocpp-csms-sim --help)\n";
  std::exit(2);
}

void split_host_port(const std::string& option, const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) usage_error(option + ": expected HOST:PORT, got \"" + text + "\"");
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    std::size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    usage_error(option + ": \"" + text.substr(colon + 1) + "\" is not a port number");
  }
}

std::pair<std::string, std::string> split_pair(const std::string& option, const std::string& text, bool second_optional) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    if (second_optional) return {text, ""};
    usage_error(option + ": expected NAME:VALUE, got \"" + text + "\"");
  }
  if (colon == 0) usage_error(option + ": the part before ':' must not be empty");
  return {text.substr(0, colon), text.substr(colon + 1)};
}

int positive_int(const std::string& option, const std::string& text) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used == text.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  usage_error(option + ": \"" + text + "\" is not a positive whole number");
}

std::uint64_t positive_size(const std::string& option, const std::string& text) {
  try {
    std::size_t used = 0;
    const auto v = std::stoull(text, &used);
    if (used == text.size() && v > 0 && text.front() != '-') return v;
  } catch (const std::exception&) {
  }
  usage_error(option + ": \"" + text + "\" is not a positive whole number");
}

// Where firmware and uploads live when --files-dir is not given: beside a database file, in the
// working directory for a database server.
std::string default_files_dir(const std::string& database) {
  if (database.find("://") != std::string::npos) return "csms-files";
  const auto slash = database.rfind('/');
  return slash == std::string::npos ? "csms-files" : database.substr(0, slash + 1) + "csms-files";
}

bool valid_status(const std::string& s) {
  return s == "Accepted" || s == "Blocked" || s == "Expired" || s == "Invalid";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp;
  csms::CsmsOptions options;
  std::string ocpp_host = "127.0.0.1", http_host = "127.0.0.1";
  int ocpp_port = 9000, http_port = 8080;
  std::map<std::string, server::Account> users;
  std::string master_key_file, tariff_per_kwh = "0.30", currency = "EUR";
  std::string files_dir, public_url;

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "ocpp-csms-sim " << OCPP_VERSION << "\n";
      return 0;
    } else if (arg == "--ocpp-listen") {
      split_host_port(arg, value(), ocpp_host, ocpp_port);
    } else if (arg == "--ocpp-path") {
      options.server.path_prefix = value();
      if (options.server.path_prefix.empty() || options.server.path_prefix.back() != '/' ||
          options.server.path_prefix.front() != '/') {
        usage_error("--ocpp-path: must start and end with '/'");
      }
    } else if (arg == "--http-listen") {
      split_host_port(arg, value(), http_host, http_port);
    } else if (arg == "--database") {
      options.database = value();
    } else if (arg == "--user") {
      auto parsed = server::UserAccounts::parse_option(value());
      if (const auto* problem = std::get_if<std::string>(&parsed)) usage_error("--user: " + *problem);
      auto& account = std::get<server::Account>(parsed);
      if (!users.emplace(account.name, account).second) usage_error("--user: " + account.name + " is given twice");
    } else if (arg == "--charge-point") {
      options.charge_point_passwords.insert(split_pair(arg, value(), false));
    } else if (arg == "--tls-cert") {
      options.server.cert_file = value();
    } else if (arg == "--tls-key") {
      options.server.key_file = value();
    } else if (arg == "--tls-ca") {
      options.server.ca_file = value();
    } else if (arg == "--require-client-cert") {
      options.server.require_client_cert = true;
    } else if (arg == "--id-tag") {
      auto [tag, status] = split_pair(arg, value(), true);
      if (status.empty()) status = "Accepted";
      if (!valid_status(status)) usage_error("--id-tag: status must be Accepted, Blocked, Expired or Invalid");
      options.id_tags[tag] = status;
    } else if (arg == "--unknown-id-tags") {
      options.unknown_id_tag_status = value();
      if (!valid_status(options.unknown_id_tag_status)) {
        usage_error("--unknown-id-tags: must be Accepted, Blocked, Expired or Invalid");
      }
    } else if (arg == "--heartbeat-interval") {
      options.heartbeat_interval_s = positive_int(arg, value());
    } else if (arg == "--call-timeout") {
      options.call_timeout = std::chrono::seconds(positive_int(arg, value()));
    } else if (arg == "--max-message-bytes") {
      options.server.max_message_bytes = static_cast<std::size_t>(positive_int(arg, value()));
    } else if (arg == "--master-key-file") {
      master_key_file = value();
    } else if (arg == "--tariff-per-kwh") {
      tariff_per_kwh = value();
    } else if (arg == "--currency") {
      currency = value();
    } else if (arg == "--offline-code-valid-hours") {
      options.offline_codes.default_valid_hours = positive_int(arg, value());
      if (options.offline_codes.default_valid_hours > static_cast<int>(offline_code::kMaxValidHours)) {
        usage_error("--offline-code-valid-hours: at most " + std::to_string(offline_code::kMaxValidHours) +
                    " (docs/offline-code.md §2)");
      }
    } else if (arg == "--offline-code-rate-limit") {
      options.offline_codes.rate_limit_per_hour = static_cast<unsigned>(positive_int(arg, value()));
    } else if (arg == "--files-dir") {
      files_dir = value();
    } else if (arg == "--http-public-url") {
      public_url = value();
      if (public_url.rfind("http://", 0) != 0 && public_url.rfind("https://", 0) != 0) {
        usage_error("--http-public-url: must start with http:// or https://");
      }
      while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    } else if (arg == "--max-upload-bytes") {
      options.transfers.max_upload_bytes = positive_size(arg, value());
    } else if (arg == "--firmware-signing-key") {
      options.firmware_signing_key = value();
    } else if (arg == "--firmware-signing-cert") {
      options.firmware_signing_cert = value();
    } else if (arg == "--ca-cert") {
      options.ca_cert = value();
    } else if (arg == "--ca-key") {
      options.ca_key = value();
    } else if (arg == "--log-level") {
      log::Level level;
      if (!log::parse_level(value(), level)) usage_error("--log-level: must be debug, info, warn or error");
      log::set_level(level);
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (options.server.cert_file.empty() != options.server.key_file.empty()) {
    usage_error("--tls-cert and --tls-key go together");
  }
  if (options.server.require_client_cert && (options.server.cert_file.empty() || options.server.ca_file.empty())) {
    usage_error("--require-client-cert needs --tls-cert, --tls-key and --tls-ca");
  }
  if (options.firmware_signing_key.empty() != options.firmware_signing_cert.empty()) {
    usage_error("--firmware-signing-key and --firmware-signing-cert go together");
  }
  if (options.ca_cert.empty() != options.ca_key.empty()) usage_error("--ca-cert and --ca-key go together");
  options.transfers.files_dir = files_dir.empty() ? default_files_dir(options.database) : files_dir;
  options.server.host = ocpp_host;
  options.server.port = ocpp_port;
  std::string tariff_error;
  const auto tariff = server::Tariff::parse(tariff_per_kwh, currency, &tariff_error);
  if (!tariff) usage_error((tariff_error.rfind("currency", 0) == 0 ? "--currency: " : "--tariff-per-kwh: ") + tariff_error);
  options.offline_codes.tariff = *tariff;
  if (!master_key_file.empty()) {
    try {
      const server::MasterKey key = server::load_or_create_master_key(master_key_file);
      options.offline_codes.master = key.secret;
      if (key.created) log::info("csms", "created the master key file " + master_key_file + " (mode 0600)");
    } catch (const server::MasterKeyFileError& e) {
      std::cerr << "ocpp-csms-sim: --master-key-file: " << e.what() << "\n";
      return 2;
    }
  } else {
    log::warn("csms", "no --master-key-file given: offline codes are disabled");
  }

  try {
    transport::LwsLoop loop;
    csms::Csms csms(loop, options);
    csms::HttpApi api(loop, csms, http_host, http_port, server::UserAccounts(users));
    const std::string url_host = http_host.find(':') != std::string::npos ? "[" + http_host + "]" : http_host;
    csms.transfers().set_base_url(public_url.empty() ? "http://" + url_host + ":" + std::to_string(api.port())
                                                     : public_url);
    if (options.ca_cert.empty()) log::info("csms", "no --ca-cert given: SignCertificate is answered Rejected");
    std::cout << "listening ocpp=" << csms.ocpp_port() << " http=" << api.port() << std::endl;
    if (users.empty()) log::warn("http", "no --user given: every API request will be refused");

    loop.stop_on_signals([] { log::info("csms", "stopping"); });
    loop.run();
  } catch (const std::exception& e) {
    std::cerr << "ocpp-csms-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
