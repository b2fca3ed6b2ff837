// Fuzz target control_socket: the control socket's request reader (chargepoint/daemon
// control_socket.hpp, parse_control_request) and the answer lines it leads to (render_reply),
// without a socket.
//
// Input: what a client writes, split into lines as the socket splits it (at '\n', a trailing '\r'
// dropped, blank lines skipped).
//
// Beyond "no crash", it asserts:
// - an accepted request has a non-empty command, and the same request written out by a client
//   ({"command": ..., "args": [...]} from RapidJSON's writer) reads back to the same command and
//   arguments;
// - a refused request has a reason, and its answer {"ok": false, "reason": "malformed request:
//   ..."} is one line of JSON carrying exactly that reason, which ocpp-cpctl can read;
// - an answer whose fields are the line itself (when the line is a JSON object) is one JSON object
//   line with a single "ok" member of the right value, and a refusal's single "reason": the fields
//   of a command never shadow or duplicate the members clients rely on.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "control_socket.hpp"
#include "fuzz_support.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace {

using ocpp::cp::daemon::ControlReply;

std::string client_request(const std::string& command, const std::vector<std::string>& args) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("command");
  w.String(command.data(), static_cast<rapidjson::SizeType>(command.size()));
  w.Key("args");
  w.StartArray();
  for (const auto& a : args) w.String(a.data(), static_cast<rapidjson::SizeType>(a.size()));
  w.EndArray();
  w.EndObject();
  return {b.GetString(), b.GetSize()};
}

std::size_t count_members(const rapidjson::Value& object, const char* name) {
  std::size_t n = 0;
  for (const auto& m : object.GetObject()) n += ocpp::as_string_view(m.name) == name ? 1 : 0;
  return n;
}

// The answer line as ocpp-cpctl reads it: one line, a JSON object with one boolean "ok".
void check_answer(const std::string& line, bool ok, const std::string* reason) {
  FUZZ_REQUIRE(line.find('\n') == std::string::npos);
  rapidjson::Document doc;
  FUZZ_REQUIRE(!ocpp::parse_json(doc, line));
  FUZZ_REQUIRE(doc.IsObject());
  FUZZ_REQUIRE(count_members(doc, "ok") == 1);
  FUZZ_REQUIRE(doc["ok"].IsBool() && doc["ok"].GetBool() == ok);
  if (!ok) {
    FUZZ_REQUIRE(count_members(doc, "reason") == 1);
    FUZZ_REQUIRE(doc["reason"].IsString());
    if (reason != nullptr) FUZZ_REQUIRE(ocpp::as_string_view(doc["reason"]) == *reason);
  }
}

void check_line(const std::string& line) {
  std::string command;
  std::vector<std::string> args;
  const std::string problem = ocpp::cp::daemon::parse_control_request(line, command, args);
  if (!problem.empty()) {
    const std::string reason = "malformed request: " + problem;
    check_answer(ocpp::cp::daemon::render_reply(ControlReply::refused(reason)), false, &reason);
  } else {
    FUZZ_REQUIRE(!command.empty());
    std::string command2;
    std::vector<std::string> args2;
    FUZZ_REQUIRE(ocpp::cp::daemon::parse_control_request(client_request(command, args), command2, args2).empty());
    FUZZ_REQUIRE(command2 == command);
    FUZZ_REQUIRE(args2 == args);
  }
  // A command's answer fields are a JSON object made by the runtime; the line stands for one here.
  rapidjson::Document fields;
  if (!ocpp::parse_json(fields, line) && fields.IsObject()) {
    check_answer(ocpp::cp::daemon::render_reply(ControlReply::success(line)), true, nullptr);
    ControlReply refused = ControlReply::refused("refused: " + command);
    refused.json_fields = line;
    check_answer(ocpp::cp::daemon::render_reply(refused), false, &refused.reason);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    ocpp::log::set_level(ocpp::log::Level::off);
    return true;
  }();
  (void)quiet;
  const std::string_view text = ocpp::fuzz::as_text(data, size);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    std::string line(text.substr(start, nl - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t\r") != std::string::npos) check_line(line);
    start = nl + 1;
  }
  return 0;
}
