// ocpp-cpctl: talks to a running ocpp-chargepoint over its control socket (DESIGN.md, "Interfaces
// that outside tests rely on"). One request per run; exit codes: 0 done, 1 refused, 2 usage error,
// 3 cannot reach the charge point.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <string>
#include <vector>

#include "client.hpp"
#include "command_line.hpp"
#include "render.hpp"

namespace {

constexpr int kDone = 0;
constexpr int kRefused = 1;
constexpr int kUsageError = 2;
constexpr int kUnreachable = 3;

std::string refusal_json(const std::string& reason) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("ok");
  w.Bool(false);
  w.Key("reason");
  w.String(reason.c_str(), static_cast<rapidjson::SizeType>(reason.size()));
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A failure on our side of the socket: said on stderr, and as a refusal line on stdout with --json
// so that a script reading stdout always gets one JSON object.
int unreachable(const ocpp::cpctl::Invocation& inv, const std::string& message) {
  std::cerr << "ocpp-cpctl: " << message << "\n";
  if (inv.json) std::cout << refusal_json(message) << "\n";
  return kUnreachable;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp::cpctl;
  Invocation inv;
  try {
    inv = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "ocpp-cpctl: " << e.what() << "\n(see ocpp-cpctl --help)\n";
    return kUsageError;
  }
  if (inv.help) {
    std::cout << kUsageText;
    return kDone;
  }
  if (inv.version) {
    std::cout << "ocpp-cpctl " << OCPP_VERSION << "\n";
    return kDone;
  }

  std::string line;
  try {
    line = exchange(inv.socket_path, request_line(inv), inv.timeout_s);
  } catch (const Unreachable& e) {
    return unreachable(inv, e.what());
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  rapidjson::Document answer;
  answer.Parse(line.c_str(), line.size());
  if (answer.HasParseError() || !answer.IsObject() || !answer.HasMember("ok") || !answer["ok"].IsBool()) {
    return unreachable(inv, "malformed answer from " + inv.socket_path + ": " + line.substr(0, 200));
  }
  const bool ok = answer["ok"].GetBool();
  if (inv.json) {
    std::cout << line << "\n";
    return ok ? kDone : kRefused;
  }
  if (!ok) {
    const auto reason = answer.FindMember("reason");
    std::cerr << "ocpp-cpctl: " << inv.command << " refused: "
              << (reason != answer.MemberEnd() && reason->value.IsString() ? reason->value.GetString() : "no reason given")
              << "\n";
    return kRefused;
  }
  std::cout << (inv.command == "status" ? render_status(answer) : render_ok(answer));
  return kDone;
}
