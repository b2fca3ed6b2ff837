#include "state_file.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <set>
#include <system_error>

namespace ocpp::hal::sim::detail {
namespace {

constexpr int kVersion = 1;
constexpr double kMjPerWh = 3.6e6;
// Far beyond any pile's life, and below what an int64 of mJ holds (2.5e12 Wh).
constexpr double kMaxEnergyWh = 1e12;

std::string os_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::error_code(errno, std::generic_category()).message();
}

// The connector entry at `index`, or an error naming the field.
std::optional<SavedConnector> parse_connector(const rapidjson::Value& v, std::size_t index, std::string& error) {
  const std::string where = "connectors[" + std::to_string(index) + "]";
  if (!v.IsObject()) {
    error = where + " is not an object";
    return std::nullopt;
  }
  SavedConnector c;
  const auto id = v.FindMember("id");
  if (id == v.MemberEnd() || !id->value.IsInt()) {
    error = where + ".id is missing or not an integer";
    return std::nullopt;
  }
  c.id = id->value.GetInt();
  const auto ev = v.FindMember("ev");
  if (ev == v.MemberEnd() || !ev->value.IsString() ||
      !from_string(std::string_view(ev->value.GetString(), ev->value.GetStringLength()), c.ev)) {
    error = where + ".ev is missing or not one of absent, connected, ready";
    return std::nullopt;
  }
  const auto power = v.FindMember("wanted_power_w");
  if (power == v.MemberEnd() || !power->value.IsNumber() || !std::isfinite(power->value.GetDouble()) ||
      power->value.GetDouble() < 0) {
    error = where + ".wanted_power_w is missing or not a number >= 0";
    return std::nullopt;
  }
  c.wanted_power_w = power->value.GetDouble();
  const auto locked = v.FindMember("locked");
  if (locked == v.MemberEnd() || !locked->value.IsBool()) {
    error = where + ".locked is missing or not a boolean";
    return std::nullopt;
  }
  c.locked = locked->value.GetBool();
  const auto energy = v.FindMember("energy_wh");
  if (energy == v.MemberEnd() || !energy->value.IsNumber() || !(energy->value.GetDouble() >= 0) ||
      !(energy->value.GetDouble() <= kMaxEnergyWh)) {
    error = where + ".energy_wh is missing or not a number in 0..1e12";
    return std::nullopt;
  }
  c.energy_mj = std::llround(energy->value.GetDouble() * kMjPerWh);
  return c;
}

}  // namespace

std::string render_state(const std::vector<SavedConnector>& connectors) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("version");
  w.Int(kVersion);
  w.Key("connectors");
  w.StartArray();
  for (const auto& c : connectors) {
    w.StartObject();
    w.Key("id");
    w.Int(c.id);
    w.Key("ev");
    const std::string_view ev = to_string(c.ev);
    w.String(ev.data(), static_cast<rapidjson::SizeType>(ev.size()));
    w.Key("wanted_power_w");
    w.Double(c.wanted_power_w);
    w.Key("locked");
    w.Bool(c.locked);
    // In Wh for whoever reads the file; an integer number of mJ survives the round trip exactly
    // (it is far below 2^53, and parsing at full precision then rounding undoes any last digit).
    w.Key("energy_wh");
    w.Double(static_cast<double>(c.energy_mj) / kMjPerWh);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::optional<std::vector<SavedConnector>> parse_state(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = "not JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
            rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  const auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt() || version->value.GetInt() != kVersion) {
    error = "version is missing or not " + std::to_string(kVersion);
    return std::nullopt;
  }
  const auto list = doc.FindMember("connectors");
  if (list == doc.MemberEnd() || !list->value.IsArray()) {
    error = "connectors is missing or not an array";
    return std::nullopt;
  }
  std::vector<SavedConnector> out;
  std::set<ConnectorId> seen;
  for (rapidjson::SizeType i = 0; i < list->value.Size(); ++i) {
    auto c = parse_connector(list->value[i], i, error);
    if (!c) return std::nullopt;
    if (!seen.insert(c->id).second) {
      error = "connector " + std::to_string(c->id) + " appears twice";
      return std::nullopt;
    }
    out.push_back(*c);
  }
  return out;
}

ReadResult read_file(const std::string& path, std::string& content, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return ReadResult::missing;
    error = os_error("cannot open", path);
    return ReadResult::failed;
  }
  content.clear();
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = os_error("cannot read", path);
      ::close(fd);
      return ReadResult::failed;
    }
    if (n == 0) break;
    content.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ReadResult::ok;
}

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = os_error("cannot create", tmp);
    return false;
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = os_error("cannot write", tmp);
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename makes it the state file, or a power cut could leave
  // a renamed but empty file.
  if (::fsync(fd) != 0) {
    error = os_error("cannot fsync", tmp);
    ::close(fd);
    return false;
  }
  if (::close(fd) != 0) {
    error = os_error("cannot close", tmp);
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = os_error("cannot rename " + tmp + " to", path);
    return false;
  }
  // And the rename itself is durable only once the directory is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    error = os_error("cannot open directory", dir);
    return false;
  }
  const bool synced = ::fsync(dfd) == 0;
  if (!synced) error = os_error("cannot fsync directory", dir);
  ::close(dfd);
  return synced;
}

}  // namespace ocpp::hal::sim::detail
