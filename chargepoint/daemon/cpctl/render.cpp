#include "render.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <initializer_list>
#include <string_view>

namespace ocpp::cpctl {
namespace {

std::string text_of(const rapidjson::Value& v) {
  if (v.IsString()) return {v.GetString(), v.GetStringLength()};
  if (v.IsBool()) return v.GetBool() ? "yes" : "no";
  if (v.IsNull()) return "-";
  if (v.IsDouble()) {
    // Watts and watt-hours for a person: one decimal is plenty (--json keeps full precision).
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v.GetDouble());
    return text;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (n == name) return true;
  }
  return false;
}

// "name: value" for each member not already shown.
void append_other_fields(std::string& out, const rapidjson::Value& object, std::initializer_list<std::string_view> shown,
                         const std::string& indent) {
  for (const auto& m : object.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (one_of(name, shown)) continue;
    out += indent + std::string(name) + ": " + text_of(m.value) + "\n";
  }
}

std::string connector_line(const rapidjson::Value& c) {
  if (!c.IsObject()) return "connector ?: " + text_of(c) + "\n";
  const auto field = [&](const char* name) -> std::string {
    const auto it = c.FindMember(name);
    return it == c.MemberEnd() ? "?" : text_of(it->value);
  };
  std::string line = "connector " + field("id") + ": " + field("status");
  const auto tx = c.FindMember("transaction");
  if (tx != c.MemberEnd() && tx->value.IsObject()) {
    const rapidjson::Value& t = tx->value;
    const auto tfield = [&](const char* name) -> std::string {
      const auto it = t.FindMember(name);
      return it == t.MemberEnd() ? "-" : text_of(it->value);
    };
    line += ", transaction " + tfield("id") + ", id_tag " + tfield("id_tag") + ", energy_wh " + tfield("energy_wh") +
            ", offline_code " + tfield("offline_code");
    for (const auto& m : t.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (!one_of(name, {"id", "id_tag", "energy_wh", "offline_code"})) line += ", " + std::string(name) + " " + text_of(m.value);
    }
  }
  for (const auto& m : c.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!one_of(name, {"id", "status", "transaction"})) line += ", " + std::string(name) + " " + text_of(m.value);
  }
  return line + "\n";
}

}  // namespace

std::string render_status(const rapidjson::Value& answer) {
  std::string out;
  for (const char* name : {"registration", "connected", "outbox"}) {
    const auto it = answer.FindMember(name);
    out += std::string(name) + ": " + (it == answer.MemberEnd() ? "?" : text_of(it->value)) + "\n";
  }
  append_other_fields(out, answer, {"ok", "registration", "connected", "outbox", "connectors"}, "");
  const auto connectors = answer.FindMember("connectors");
  if (connectors != answer.MemberEnd() && connectors->value.IsArray()) {
    for (const auto& c : connectors->value.GetArray()) out += connector_line(c);
  }
  return out;
}

std::string render_ok(const rapidjson::Value& answer) {
  std::string out = "ok\n";
  append_other_fields(out, answer, {"ok"}, "");
  return out;
}

}  // namespace ocpp::cpctl
