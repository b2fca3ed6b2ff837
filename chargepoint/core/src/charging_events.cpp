#include "ocpp/cp/charging_events.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "ocpp/common/datetime.hpp"

namespace ocpp::cp {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_sample(Writer& w, const MeterSample& s) {
  w.StartObject();
  w.Key("at");
  w.String(format_rfc3339(s.at).c_str());
  w.Key("context");
  w.String(s.context.c_str());
  w.Key("values");
  w.StartArray();
  for (const auto& v : s.values) {
    w.StartObject();
    w.Key("measurand");
    w.String(v.measurand.c_str());
    w.Key("value");
    w.Double(v.value);
    w.Key("unit");
    w.String(v.unit.c_str());
    if (v.phase) {
      w.Key("phase");
      w.String(v.phase->c_str());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

const rapidjson::Value& member(const rapidjson::Value& o, const char* name) {
  if (!o.IsObject() || !o.HasMember(name)) throw std::runtime_error(std::string("charging event: missing ") + name);
  return o[name];
}

std::string str(const rapidjson::Value& o, const char* name) {
  const auto& v = member(o, name);
  if (!v.IsString()) throw std::runtime_error(std::string("charging event: ") + name + " is not a string");
  return v.GetString();
}

double num(const rapidjson::Value& o, const char* name) {
  const auto& v = member(o, name);
  if (!v.IsNumber()) throw std::runtime_error(std::string("charging event: ") + name + " is not a number");
  return v.GetDouble();
}

SystemTime when(const rapidjson::Value& o, const char* name) {
  const auto t = parse_rfc3339(str(o, name));
  if (!t) throw std::runtime_error(std::string("charging event: ") + name + " is not a date-time");
  return *t;
}

MeterSample read_sample(const rapidjson::Value& o) {
  MeterSample s;
  s.at = when(o, "at");
  s.context = str(o, "context");
  for (const auto& v : member(o, "values").GetArray()) {
    SampledValue sv;
    sv.measurand = str(v, "measurand");
    sv.value = num(v, "value");
    sv.unit = str(v, "unit");
    if (v.HasMember("phase")) sv.phase = str(v, "phase");
    s.values.push_back(sv);
  }
  return s;
}

rapidjson::Document parse(const std::string& payload) {
  rapidjson::Document d;
  d.Parse(payload.c_str(), payload.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("charging event: payload is not a JSON object");
  return d;
}

std::string finish(rapidjson::StringBuffer& b) { return {b.GetString(), b.GetSize()}; }

constexpr std::pair<Milestone, std::string_view> kMilestones[] = {
    {Milestone::EvConnected, "EvConnected"},
    {Milestone::EvDisconnected, "EvDisconnected"},
    {Milestone::Authorized, "Authorized"},
    {Milestone::RemoteStart, "RemoteStart"},
    {Milestone::ChargingStateChanged, "ChargingStateChanged"},
    {Milestone::Deauthorized, "Deauthorized"},
};

constexpr ChargingState kChargingStates[] = {ChargingState::Idle, ChargingState::EVConnected, ChargingState::Charging,
                                             ChargingState::SuspendedEV, ChargingState::SuspendedEVSE};

// Fields added after the first release are optional when read: an event stored by an older version
// still replays.
Milestone milestone_in(const rapidjson::Value& o, Milestone fallback) {
  if (!o.HasMember("milestone")) return fallback;
  const std::string text = str(o, "milestone");
  for (const auto& [m, name] : kMilestones) {
    if (name == text) return m;
  }
  return fallback;
}

ChargingState charging_state_in(const rapidjson::Value& o, ChargingState fallback) {
  if (!o.HasMember("charging_state")) return fallback;
  const std::string text = str(o, "charging_state");
  for (const auto c : kChargingStates) {
    if (to_string(c) == text) return c;
  }
  return fallback;
}

StopReason reason_in(const std::string& text) {
  for (int r = 0; r <= static_cast<int>(StopReason::Other); ++r) {
    if (to_string(static_cast<StopReason>(r)) == text) return static_cast<StopReason>(r);
  }
  return StopReason::Other;
}

}  // namespace

std::string_view to_string(Milestone m) {
  for (const auto& [value, name] : kMilestones) {
    if (value == m) return name;
  }
  return "?";
}

std::string encode(const StartEvent& e) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("connector");
  w.Int(e.connector);
  w.Key("id_tag");
  w.String(e.id_tag.c_str());
  w.Key("meter_start_wh");
  w.Double(e.meter_start_wh);
  w.Key("at");
  w.String(format_rfc3339(e.at).c_str());
  w.Key("id_token_type");
  w.String(e.id_token_type.c_str());
  w.Key("milestone");
  w.String(std::string(to_string(e.milestone)).c_str());
  w.Key("charging_state");
  w.String(std::string(to_string(e.charging_state)).c_str());
  if (e.remote_start_id) {
    w.Key("remote_start_id");
    w.Int(*e.remote_start_id);
  }
  if (e.reservation_id) {
    w.Key("reservation_id");
    w.Int(*e.reservation_id);
  }
  w.Key("data");
  w.StartArray();
  for (const auto& s : e.data) write_sample(w, s);
  w.EndArray();
  w.EndObject();
  return finish(b);
}

std::string encode(const UpdateEvent& e) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("connector");
  w.Int(e.connector);
  w.Key("at");
  w.String(format_rfc3339(e.at).c_str());
  w.Key("milestone");
  w.String(std::string(to_string(e.milestone)).c_str());
  w.Key("charging_state");
  w.String(std::string(to_string(e.charging_state)).c_str());
  if (e.id_tag) {
    w.Key("id_tag");
    w.String(e.id_tag->c_str());
    w.Key("id_token_type");
    w.String(e.id_token_type.c_str());
  }
  if (e.remote_start_id) {
    w.Key("remote_start_id");
    w.Int(*e.remote_start_id);
  }
  if (e.reason) {
    w.Key("reason");
    w.String(std::string(to_string(*e.reason)).c_str());
  }
  if (e.register_wh) {
    w.Key("register_wh");
    w.Double(*e.register_wh);
  }
  w.EndObject();
  return finish(b);
}

std::string encode(const MeterEvent& e) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("connector");
  w.Int(e.connector);
  w.Key("sample");
  write_sample(w, e.sample);
  w.EndObject();
  return finish(b);
}

std::string encode(const StopEvent& e) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("connector");
  w.Int(e.connector);
  w.Key("meter_stop_wh");
  w.Double(e.meter_stop_wh);
  w.Key("at");
  w.String(format_rfc3339(e.at).c_str());
  w.Key("reason");
  w.String(std::string(to_string(e.reason)).c_str());
  if (e.id_tag) {
    w.Key("id_tag");
    w.String(e.id_tag->c_str());
  }
  w.Key("data");
  w.StartArray();
  for (const auto& s : e.data) write_sample(w, s);
  w.EndArray();
  w.EndObject();
  return finish(b);
}

StartEvent decode_start(const std::string& payload) {
  const auto d = parse(payload);
  StartEvent e;
  e.connector = static_cast<ConnectorId>(num(d, "connector"));
  e.id_tag = str(d, "id_tag");
  e.meter_start_wh = num(d, "meter_start_wh");
  e.at = when(d, "at");
  e.id_token_type = d.HasMember("id_token_type") ? str(d, "id_token_type") : std::string("ISO14443");
  e.milestone = milestone_in(d, Milestone::Authorized);
  e.charging_state = charging_state_in(d, ChargingState::EVConnected);
  if (d.HasMember("remote_start_id")) e.remote_start_id = static_cast<std::int32_t>(num(d, "remote_start_id"));
  if (d.HasMember("reservation_id")) e.reservation_id = static_cast<std::int32_t>(num(d, "reservation_id"));
  if (d.HasMember("data")) {
    for (const auto& s : member(d, "data").GetArray()) e.data.push_back(read_sample(s));
  }
  return e;
}

UpdateEvent decode_update(const std::string& payload) {
  const auto d = parse(payload);
  UpdateEvent e;
  e.connector = static_cast<ConnectorId>(num(d, "connector"));
  e.at = when(d, "at");
  e.milestone = milestone_in(d, Milestone::ChargingStateChanged);
  e.charging_state = charging_state_in(d, ChargingState::Charging);
  if (d.HasMember("id_tag")) {
    e.id_tag = str(d, "id_tag");
    e.id_token_type = str(d, "id_token_type");
  }
  if (d.HasMember("remote_start_id")) e.remote_start_id = static_cast<std::int32_t>(num(d, "remote_start_id"));
  if (d.HasMember("reason")) e.reason = reason_in(str(d, "reason"));
  if (d.HasMember("register_wh")) e.register_wh = num(d, "register_wh");
  return e;
}

MeterEvent decode_meter(const std::string& payload) {
  const auto d = parse(payload);
  MeterEvent e;
  e.connector = static_cast<ConnectorId>(num(d, "connector"));
  e.sample = read_sample(member(d, "sample"));
  return e;
}

StopEvent decode_stop(const std::string& payload) {
  const auto d = parse(payload);
  StopEvent e;
  e.connector = static_cast<ConnectorId>(num(d, "connector"));
  e.meter_stop_wh = num(d, "meter_stop_wh");
  e.at = when(d, "at");
  e.reason = reason_in(str(d, "reason"));
  if (d.HasMember("id_tag")) e.id_tag = str(d, "id_tag");
  for (const auto& s : member(d, "data").GetArray()) e.data.push_back(read_sample(s));
  return e;
}

MeterSample make_sample(const MeterReading& r, const std::vector<std::string>& measurands, const std::string& context,
                        SystemTime at) {
  MeterSample s;
  s.at = at;
  s.context = context;
  static const char* kPhases[] = {"L1", "L2", "L3"};
  static const char* kPhasesN[] = {"L1-N", "L2-N", "L3-N"};
  for (const auto& m : measurands) {
    if (m == "Energy.Active.Import.Register") {
      s.values.push_back({m, r.energy_wh, "Wh", std::nullopt});
    } else if (m == "Power.Active.Import" && r.power_w) {
      s.values.push_back({m, *r.power_w, "W", std::nullopt});
    } else if (m == "Current.Import") {
      for (int p = 0; p < 3; ++p) {
        if (r.current_a[p]) s.values.push_back({m, *r.current_a[p], "A", std::string(kPhases[p])});
      }
    } else if (m == "Voltage") {
      for (int p = 0; p < 3; ++p) {
        if (r.voltage_v[p]) s.values.push_back({m, *r.voltage_v[p], "V", std::string(kPhasesN[p])});
      }
    } else if (m == "SoC" && r.soc_percent) {
      s.values.push_back({m, *r.soc_percent, "Percent", std::nullopt});
    }
  }
  return s;
}

}  // namespace ocpp::cp
