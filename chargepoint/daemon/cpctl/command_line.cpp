#include "command_line.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ocpp::cpctl {

const char* const kUsageText = R"(usage: ocpp-cpctl [--socket PATH] [--timeout SECONDS] [--json] COMMAND [ARGS]
Talks to a running ocpp-chargepoint over its control socket.

Commands (N is a connector number):
  status                     registration, link, outbox and the state of each connector
  plug N                     plug the cable in (simulated pile)
  unplug N                   unplug the cable (simulated pile)
  present-id N TAG           present an RFID tag
  enter-code N CODE          type an offline charging code on the keypad
  stop N                     press the local stop button
  ev N charge|suspend        the car asks for energy, or suspends charging (simulated pile)
  set-power N WATTS          the power the car draws (simulated pile)
  fault N ERRORCODE          raise a fault, e.g. GroundFailure (simulated pile)
  clear-fault N              clear the fault (simulated pile)
  external-limit E LIMIT     a site energy manager's limit on EVSE E (0: the whole pile):
                             LIMIT is amperes per phase (16A), watts (11000W), or clear
  tamper                     the enclosure was opened: a TamperDetectionActivated security event

Options:
  --socket PATH       the control socket (default chargepoint.sock, the daemon's default)
  --timeout SECONDS   how long to wait for the answer (default 10)
  --json              print the charge point's answer as one JSON line
  --help, --version

Exit codes: 0 done; 1 refused by the charge point (the reason is printed); 2 usage error;
3 cannot reach the charge point (no socket, no answer in time, connection lost).
)";

namespace {

enum class Arg { connector, tag, code, ev_state, watts, error_code, limit };

struct CommandSpec {
  const char* name;
  std::vector<Arg> args;
  const char* usage;
};

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> specs = {
      {"status", {}, "status"},
      {"plug", {Arg::connector}, "plug N"},
      {"unplug", {Arg::connector}, "unplug N"},
      {"present-id", {Arg::connector, Arg::tag}, "present-id N TAG"},
      {"enter-code", {Arg::connector, Arg::code}, "enter-code N CODE"},
      {"stop", {Arg::connector}, "stop N"},
      {"ev", {Arg::connector, Arg::ev_state}, "ev N charge|suspend"},
      {"set-power", {Arg::connector, Arg::watts}, "set-power N WATTS"},
      {"fault", {Arg::connector, Arg::error_code}, "fault N ERRORCODE"},
      {"clear-fault", {Arg::connector}, "clear-fault N"},
      {"external-limit", {Arg::connector, Arg::limit}, "external-limit E 16A|11000W|clear"},
      {"tamper", {}, "tamper"},
  };
  return specs;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void check_arg(const CommandSpec& spec, Arg kind, const std::string& value) {
  const std::string where = std::string(spec.name) + ": ";
  switch (kind) {
    case Arg::connector:
      if (!all_digits(value) || value.size() > 9) throw UsageError(where + "N must be a connector number, got " + quoted(value));
      return;
    case Arg::tag:
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
        throw UsageError(where + "TAG must be printable characters without spaces, got " + quoted(value));
      }
      return;
    case Arg::code:
      // A keypad has digits only; the charge point checks the rest (length, check digit, MAC).
      if (!all_digits(value)) throw UsageError(where + "CODE must be digits, as typed on the keypad, got " + quoted(value));
      return;
    case Arg::ev_state:
      if (value != "charge" && value != "suspend") throw UsageError(where + "expected charge or suspend, got " + quoted(value));
      return;
    case Arg::watts: {
      const auto dot = value.find('.');
      const std::string whole = value.substr(0, dot);
      const std::string fraction = dot == std::string::npos ? "0" : value.substr(dot + 1);
      if (!all_digits(whole) || !all_digits(fraction) || whole.size() > 9) {
        throw UsageError(where + "WATTS must be a number >= 0, got " + quoted(value));
      }
      return;
    }
    case Arg::limit: {
      // A number with its unit, so that amperes are never taken for watts.
      const char unit = value.empty() ? '\0' : value.back();
      const std::string number = value.substr(0, value.empty() ? 0 : value.size() - 1);
      const auto dot = number.find('.');
      const bool numeric = all_digits(number.substr(0, dot)) &&
                           (dot == std::string::npos || all_digits(number.substr(dot + 1))) && number.size() <= 12;
      if (value != "clear" && !((unit == 'A' || unit == 'W') && numeric)) {
        throw UsageError(where + "LIMIT must be amperes (16A), watts (11000W) or clear, got " + quoted(value));
      }
      return;
    }
    case Arg::error_code:
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
        throw UsageError(where + "ERRORCODE must be a name such as GroundFailure, got " + quoted(value));
      }
      return;
  }
}

double parse_timeout(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v > 0) || v > 86400) {
    throw UsageError("--timeout: expected a number of seconds > 0, got " + quoted(text));
  }
  return v;
}

}  // namespace

Invocation parse_command_line(const std::vector<std::string>& argv) {
  Invocation inv;
  std::vector<std::string> positional;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_done || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      if (!options_done && arg == "-h") {
        inv.help = true;
        continue;
      }
      positional.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto take_value = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argv.size()) throw UsageError(name + " needs a value");
      return argv[++i];
    };
    if (name == "--") {
      options_done = true;
    } else if (name == "--help") {
      inv.help = true;
    } else if (name == "--version") {
      inv.version = true;
    } else if (name == "--json") {
      inv.json = true;
    } else if (name == "--socket") {
      inv.socket_path = take_value();
      if (inv.socket_path.empty()) throw UsageError("--socket: the path is empty");
    } else if (name == "--timeout") {
      inv.timeout_s = parse_timeout(take_value());
    } else {
      throw UsageError("unknown option " + name);
    }
  }
  if (inv.help || inv.version) return inv;
  if (positional.empty()) throw UsageError("no command given");
  inv.command = positional.front();
  inv.args.assign(positional.begin() + 1, positional.end());

  const auto& specs = commands();
  const auto spec = std::find_if(specs.begin(), specs.end(), [&](const CommandSpec& s) { return inv.command == s.name; });
  if (spec == specs.end()) {
    std::string names;
    for (const auto& s : specs) names += (names.empty() ? "" : ", ") + std::string(s.name);
    throw UsageError("unknown command " + quoted(inv.command) + " (commands: " + names + ")");
  }
  if (inv.args.size() != spec->args.size()) {
    throw UsageError(std::string(spec->name) + ": expected " + std::to_string(spec->args.size()) + " argument" +
                     (spec->args.size() == 1 ? "" : "s") + ", got " + std::to_string(inv.args.size()) +
                     " (usage: ocpp-cpctl " + spec->usage + ")");
  }
  for (std::size_t i = 0; i < inv.args.size(); ++i) check_arg(*spec, spec->args[i], inv.args[i]);
  return inv;
}

std::string request_line(const Invocation& invocation) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("command");
  w.String(invocation.command.c_str(), static_cast<rapidjson::SizeType>(invocation.command.size()));
  w.Key("args");
  w.StartArray();
  for (const auto& a : invocation.args) w.String(a.c_str(), static_cast<rapidjson::SizeType>(a.size()));
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace ocpp::cpctl
