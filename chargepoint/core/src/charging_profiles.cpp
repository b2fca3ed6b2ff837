#include "ocpp/cp/charging_profiles.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::cp {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The stored spelling of an enum is its to_string; reading it back tries each value in turn.
template <class E>
E parse_enum(const rapidjson::Value& v, std::initializer_list<E> values, const char* what) {
  if (v.IsString()) {
    for (E e : values) {
      if (to_string(e) == v.GetString()) return e;
    }
  }
  throw std::runtime_error(std::string("charging profile: bad ") + what);
}

void write_time(Writer& w, const char* key, const std::optional<SystemTime>& t) {
  if (!t) return;
  w.Key(key);
  w.String(format_rfc3339(*t).c_str());
}

std::optional<SystemTime> read_time(const rapidjson::Value& o, const char* key) {
  if (!o.HasMember(key)) return std::nullopt;
  const auto& v = o[key];
  auto t = v.IsString() ? parse_rfc3339(v.GetString()) : std::nullopt;
  if (!t) throw std::runtime_error(std::string("charging profile: bad ") + key);
  return t;
}

std::int32_t read_int(const rapidjson::Value& o, const char* key) {
  if (!o.HasMember(key) || !o[key].IsInt()) throw std::runtime_error(std::string("charging profile: bad ") + key);
  return o[key].GetInt();
}

void write_schedule(Writer& w, const ChargingSchedule& s) {
  w.StartObject();
  w.Key("id");
  w.Int(s.id);
  write_time(w, "start", s.start);
  if (s.duration_s) {
    w.Key("duration_s");
    w.Int(*s.duration_s);
  }
  w.Key("unit");
  w.String(std::string(to_string(s.unit)).c_str());
  if (s.min_rate) {
    w.Key("min_rate");
    w.Double(*s.min_rate);
  }
  w.Key("periods");
  w.StartArray();
  for (const auto& p : s.periods) {
    w.StartArray();
    w.Int(p.start_s);
    w.Double(p.limit);
    if (p.phases) w.Int(*p.phases);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
}

ChargingSchedule read_schedule(const rapidjson::Value& o) {
  if (!o.IsObject() || !o.HasMember("periods") || !o["periods"].IsArray()) {
    throw std::runtime_error("charging profile: bad schedule");
  }
  ChargingSchedule s;
  s.id = read_int(o, "id");
  s.start = read_time(o, "start");
  if (o.HasMember("duration_s")) s.duration_s = read_int(o, "duration_s");
  s.unit = parse_enum(o["unit"], {RateUnit::A, RateUnit::W}, "unit");
  if (o.HasMember("min_rate") && o["min_rate"].IsNumber()) s.min_rate = o["min_rate"].GetDouble();
  for (const auto& p : o["periods"].GetArray()) {
    const auto n = p.IsArray() ? p.Size() : 0;
    if (n < 2 || !p[0].IsInt() || !p[1].IsNumber() || (n > 2 && !p[2].IsInt())) {
      throw std::runtime_error("charging profile: bad period");
    }
    s.periods.push_back({p[0].GetInt(), p[1].GetDouble(), n > 2 ? std::optional<int>(p[2].GetInt()) : std::nullopt});
  }
  return s;
}

}  // namespace

std::string encode_profile(const ChargingProfile& p) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int(p.id);
  w.Key("stack_level");
  w.Int(p.stack_level);
  w.Key("purpose");
  w.String(std::string(to_string(p.purpose)).c_str());
  w.Key("kind");
  w.String(std::string(to_string(p.kind)).c_str());
  if (p.recurrency) {
    w.Key("recurrency");
    w.String(std::string(to_string(*p.recurrency)).c_str());
  }
  write_time(w, "valid_from", p.valid_from);
  write_time(w, "valid_to", p.valid_to);
  if (p.transaction_id) {
    w.Key("transaction_id");
    w.String(p.transaction_id->c_str());
  }
  w.Key("evse");
  w.Int(p.evse);
  w.Key("schedule");
  write_schedule(w, p.schedule);
  w.EndObject();
  return buf.GetString();
}

ChargingProfile decode_profile(const std::string& text) {
  rapidjson::Document d;
  // Written by encode_profile: a few levels deep; the parser's own recursion is bounded by that.
  if (d.Parse(text.c_str(), text.size()).HasParseError() || !d.IsObject()) {
    throw std::runtime_error("charging profile: not a JSON object");
  }
  ChargingProfile p;
  p.id = read_int(d, "id");
  p.stack_level = read_int(d, "stack_level");
  using P = ProfilePurpose;
  p.purpose = parse_enum(d["purpose"], {P::StationMax, P::TxDefault, P::Tx, P::ExternalConstraints}, "purpose");
  p.kind = parse_enum(d["kind"], {ProfileKind::Absolute, ProfileKind::Recurring, ProfileKind::Relative}, "kind");
  if (d.HasMember("recurrency")) {
    p.recurrency = parse_enum(d["recurrency"], {Recurrency::Daily, Recurrency::Weekly}, "recurrency");
  }
  p.valid_from = read_time(d, "valid_from");
  p.valid_to = read_time(d, "valid_to");
  if (d.HasMember("transaction_id") && d["transaction_id"].IsString()) p.transaction_id = d["transaction_id"].GetString();
  p.evse = read_int(d, "evse");
  if (!d.HasMember("schedule")) throw std::runtime_error("charging profile: no schedule");
  p.schedule = read_schedule(d["schedule"]);
  return p;
}

bool ProfileCriteria::matches(const ChargingProfile& p) const {
  if (ids && std::find(ids->begin(), ids->end(), p.id) == ids->end()) return false;
  if (evse && *evse != p.evse) return false;
  if (purpose && *purpose != p.purpose) return false;
  if (stack_level && *stack_level != p.stack_level) return false;
  return true;
}

ChargingProfiles::ChargingProfiles(db::Database& db) : db_(db) {
  auto st = db_.prepare("SELECT id, body FROM charging_profiles ORDER BY id");
  std::vector<std::int64_t> unreadable;
  while (st.step()) {
    try {
      profiles_.push_back(decode_profile(st.text(1)));
    } catch (const std::exception& e) {
      log::error("smart-charging", "stored charging profile " + std::to_string(st.int64(0)) +
                                       " cannot be read and is dropped: " + e.what());
      unreadable.push_back(st.int64(0));
    }
  }
  for (auto id : unreadable) db_.prepare("DELETE FROM charging_profiles WHERE id = ?").bind(1, id).run();
}

namespace {
bool same_slot(const ChargingProfile& a, const ChargingProfile& b) {
  return a.id != b.id && a.purpose == b.purpose && a.stack_level == b.stack_level && a.evse == b.evse &&
         (a.purpose != ProfilePurpose::Tx || a.transaction_id == b.transaction_id);
}
}  // namespace

std::optional<std::int32_t> ChargingProfiles::same_stack(const ChargingProfile& profile) const {
  for (const auto& p : profiles_) {
    if (same_slot(p, profile)) return p.id;
  }
  return std::nullopt;
}

void ChargingProfiles::install(const ChargingProfile& profile, bool replace_same_stack) {
  const auto body = encode_profile(profile);
  std::vector<std::int32_t> replaced;
  for (const auto& p : profiles_) {
    if (replace_same_stack && same_slot(p, profile)) replaced.push_back(p.id);
  }
  db_.transaction([&] {
    for (auto id : replaced) db_.prepare("DELETE FROM charging_profiles WHERE id = ?").bind(1, id).run();
    db_.prepare("INSERT OR REPLACE INTO charging_profiles(id, body) VALUES(?, ?)").bind(1, profile.id).bind(2, body).run();
  });
  profiles_.erase(std::remove_if(profiles_.begin(), profiles_.end(),
                                 [&](const ChargingProfile& p) {
                                   return p.id == profile.id ||
                                          std::find(replaced.begin(), replaced.end(), p.id) != replaced.end();
                                 }),
                  profiles_.end());
  profiles_.push_back(profile);
}

int ChargingProfiles::remove_if(const std::function<bool(const ChargingProfile&)>& doomed) {
  std::vector<std::int32_t> ids;
  for (const auto& p : profiles_) {
    if (doomed(p)) ids.push_back(p.id);
  }
  if (ids.empty()) return 0;
  db_.transaction([&] {
    for (auto id : ids) db_.prepare("DELETE FROM charging_profiles WHERE id = ?").bind(1, id).run();
  });
  profiles_.erase(std::remove_if(profiles_.begin(), profiles_.end(), doomed), profiles_.end());
  return static_cast<int>(ids.size());
}

int ChargingProfiles::clear(const ProfileCriteria& criteria) {
  return remove_if([&](const ChargingProfile& p) {
    return p.purpose != ProfilePurpose::ExternalConstraints && criteria.matches(p);
  });
}

void ChargingProfiles::remove_external(std::int32_t id) {
  remove_if([&](const ChargingProfile& p) { return p.purpose == ProfilePurpose::ExternalConstraints && p.id == id; });
}

int ChargingProfiles::end_transaction(const std::string& transaction_id) {
  return remove_if([&](const ChargingProfile& p) {
    return p.purpose == ProfilePurpose::Tx && p.transaction_id == transaction_id;
  });
}

int ChargingProfiles::remove_expired(SystemTime now) {
  return remove_if([&](const ChargingProfile& p) { return p.valid_to && *p.valid_to <= now; });
}

std::vector<ChargingProfile> ChargingProfiles::matching(const ProfileCriteria& criteria) const {
  std::vector<ChargingProfile> out;
  for (const auto& p : profiles_) {
    if (criteria.matches(p)) out.push_back(p);
  }
  return out;
}

}  // namespace ocpp::cp
