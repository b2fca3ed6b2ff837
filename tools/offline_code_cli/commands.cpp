// derive-key, issue and verify (DESIGN.md, "Interfaces that outside tests rely on").
#include "commands.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "arguments.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/offline_code/offline_code.hpp"

namespace ocpp::offline_code::cli {
namespace {

constexpr std::uint64_t kMaxVersion = 0xffffffffULL;
constexpr std::streamsize kMaxKeyFileBytes = 4096;
constexpr unsigned kDefaultValidHours = 24;

MasterSecret read_master_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw KeyFileError("cannot read master key file " + path + ": " + std::strerror(errno));
  std::string text(static_cast<std::size_t>(kMaxKeyFileBytes) + 1, '\0');
  in.read(text.data(), kMaxKeyFileBytes + 1);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.gcount() > kMaxKeyFileBytes) {
    throw KeyFileError("master key file " + path + ": too large; it must hold 64 hexadecimal characters");
  }
  std::string error;
  const auto secret = parse_master_secret(text, &error);
  if (!secret) throw KeyFileError("master key file " + path + ": " + error);
  return *secret;
}

std::string charge_point_id(const Arguments& a) {
  std::string id = a.required("--charge-point-id");
  if (id.empty() || id.size() > kMaxChargePointIdBytes) {
    throw UsageError("--charge-point-id must be 1 to 255 bytes");
  }
  return id;
}

std::uint32_t key_version(const Arguments& a) {
  return static_cast<std::uint32_t>(a.number("--key-version", 1, kMaxVersion).value_or(1));
}

UnixSeconds now_from(const Arguments& a) {
  using namespace std::chrono;
  SystemTime t = system_clock::now();
  if (const auto text = a.value("--now")) {
    const auto parsed = parse_rfc3339(*text);
    if (!parsed) throw UsageError("--now: \"" + *text + "\" is not an RFC 3339 date-time (2026-03-01T10:15:00Z)");
    t = *parsed;
  }
  return floor<seconds>(t).time_since_epoch().count();
}

std::string rfc3339(UnixSeconds t) { return format_rfc3339(SystemTime{std::chrono::seconds{t}}); }

std::string cap_text(const Fields& f) {
  const auto wh = energy_cap_wh(f.cap_step);
  return wh ? std::to_string(*wh) : "none";
}

std::string fields_text(const Fields& f) {
  std::ostringstream o;
  o << "key_version: " << f.key_version << "\n"
    << "serial: " << f.serial << "\n"
    << "connector: " << (f.connector == kAnyConnector ? std::string("any") : std::to_string(f.connector)) << "\n"
    << "expires_at: " << rfc3339(expires_at(f)) << "\n"
    << "energy_cap_wh: " << cap_text(f) << "\n";
  return o.str();
}

std::string fields_json(const Fields& f) {
  const auto wh = energy_cap_wh(f.cap_step);
  std::ostringstream o;
  o << "{\"key_version\": " << f.key_version << ", \"serial\": " << f.serial
    << ", \"connector\": " << static_cast<unsigned>(f.connector) << ", \"expires_at\": \"" << rfc3339(expires_at(f))
    << "\", \"energy_cap_wh\": " << (wh ? std::to_string(*wh) : "null") << "}";
  return o.str();
}

void no_positional(const Arguments& a) {
  if (!a.positional().empty()) throw UsageError("unexpected argument \"" + a.positional().front() + "\"");
}

}  // namespace

int derive_key_command(const std::vector<std::string>& args) {
  const Arguments a(args, {"--master-key-file", "--charge-point-id", "--key-version"}, {"--key-spec"});
  no_positional(a);
  const std::string id = charge_point_id(a);
  const std::uint32_t version = key_version(a);
  const PileKey key = derive_pile_key(read_master_secret(a.required("--master-key-file")), id, version);
  std::printf("%s\n", (a.flag("--key-spec") ? format_key_spec(key, id) : to_hex(key.bytes)).c_str());
  return 0;
}

int issue_command(const std::vector<std::string>& args) {
  const Arguments a(args,
                    {"--master-key-file", "--charge-point-id", "--connector", "--serial", "--valid-hours",
                     "--energy-cap-wh", "--key-version", "--now"},
                    {"--json"});
  no_positional(a);
  const std::string id = charge_point_id(a);
  Fields f;
  f.key_version = key_version(a);
  f.connector = static_cast<std::uint8_t>(a.required_number("--connector", 0, kMaxConnector));
  f.serial = static_cast<std::uint16_t>(a.required_number("--serial", 0, kMaxSerial));
  const auto hours = static_cast<unsigned>(a.number("--valid-hours", 1, kMaxValidHours).value_or(kDefaultValidHours));
  const UnixSeconds now = now_from(a);
  try {
    f.expiry_hours = expiry_hours_for(now, hours);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--now/--valid-hours: ") + e.what());
  }
  if (const auto wh = a.number("--energy-cap-wh", 0, UINT64_MAX)) {
    const auto step = cap_step_at_most(*wh);
    if (!step) throw UsageError("--energy-cap-wh: the smallest cap a code can carry is 500 Wh");
    f.cap_step = *step;
    if (*energy_cap_wh(*step) != *wh) {
      std::fprintf(stderr, "ocpp-offline-code: energy cap %llu Wh rounded down to %u Wh (steps: 500, 1000, 2000, 5000, 10000, 20000, 50000)\n",
                   static_cast<unsigned long long>(*wh), *energy_cap_wh(*step));
    }
  }
  const PileKey key = derive_pile_key(read_master_secret(a.required("--master-key-file")), id, f.key_version);
  const std::string code = encode(f, key, id);
  if (a.flag("--json")) {
    std::printf("{\"code\": \"%s\", \"grouped\": \"%s\", \"fields\": %s}\n", code.c_str(), group_digits(code).c_str(),
                fields_json(f).c_str());
  } else {
    std::printf("%s\n", code.c_str());
  }
  return 0;
}

int verify_command(const std::vector<std::string>& args) {
  const Arguments a(args,
                    {"--master-key-file", "--charge-point-id", "--connector", "--key-version", "--now", "--tolerance"},
                    {"--clock-untrusted", "--json"});
  if (a.positional().size() != 1) throw UsageError("verify takes exactly one CODE (quote it if it has spaces)");
  const std::string id = charge_point_id(a);
  const auto connector = static_cast<unsigned>(a.required_number("--connector", 0, 255));
  const std::uint32_t version = key_version(a);
  const UnixSeconds now = now_from(a);
  const auto tolerance = static_cast<UnixSeconds>(a.number("--tolerance", 0, 30 * 86400).value_or(kSyncedTolerance));
  const MasterSecret master = read_master_secret(a.required("--master-key-file"));
  // §6: a pile holds the newest key and the one before it.
  std::vector<PileKey> keys{derive_pile_key(master, id, version)};
  if (version > 1) keys.push_back(derive_pile_key(master, id, version - 1));
  const Verdict v = verify(a.positional().front(), keys, id, connector, now, !a.flag("--clock-untrusted"), tolerance);
  if (a.flag("--json")) {
    std::printf("{\"ok\": %s, \"reason\": \"%s\", \"message\": \"%s\", \"fields\": %s}\n", v.accepted() ? "true" : "false",
                std::string(to_string(v.status)).c_str(), std::string(describe(v.status)).c_str(),
                v.fields ? fields_json(*v.fields).c_str() : "null");
  } else {
    if (v.accepted()) {
      std::printf("accepted\n");
    } else {
      std::printf("refused: %s (%s)\n", std::string(to_string(v.status)).c_str(), std::string(describe(v.status)).c_str());
    }
    if (v.fields) std::printf("%s", fields_text(*v.fields).c_str());
  }
  return v.accepted() ? 0 : 1;
}

}  // namespace ocpp::offline_code::cli
