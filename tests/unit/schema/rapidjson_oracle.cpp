#include "rapidjson_oracle.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/json.hpp"

namespace ocpp::test {
namespace {

using rapidjson::Value;

rapidjson::Document load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document d;
  d.Parse(text.str().c_str());
  if (d.HasParseError() || !d.IsArray()) throw std::runtime_error(path + " is not a JSON array of schemas");
  return d;
}

std::string stringify(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string escaped_token(std::string_view name) {
  std::string out = "/";
  for (const char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

const Value& resolve(const Value& schema, const Value& root) {
  const Value* current = &schema;
  for (int hop = 0; hop < 16 && current->IsObject() && current->HasMember("$ref"); ++hop) {
    const rapidjson::Pointer pointer((*current)["$ref"].GetString());
    current = pointer.Get(root);
    if (current == nullptr) throw std::runtime_error("dangling $ref in a schema file");
  }
  return *current;
}

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Removes every numeric "multipleOf" (a property called so would have an object as its value).
void strip_multiple_of(Value& v) {
  if (v.IsObject()) {
    const auto it = v.FindMember("multipleOf");
    if (it != v.MemberEnd() && it->value.IsNumber()) v.RemoveMember(it);
    for (auto& m : v.GetObject()) strip_multiple_of(m.value);
  } else if (v.IsArray()) {
    for (auto& item : v.GetArray()) strip_multiple_of(item);
  }
}

// ocpp-rpc 2.2.1's multipleOf: |round(q) - q| < 1e-6 for q = value / step (plus the division's own
// rounding error for large quotients); integers exactly.
bool tolerant_multiple_of(const Value& value, const Value& step) {
  if (step.IsUint64() && step.GetUint64() != 0 && (value.IsInt64() || value.IsUint64())) {
    if (value.IsUint64()) return value.GetUint64() % step.GetUint64() == 0;
    const std::int64_t v = value.GetInt64();
    return (v == INT64_MIN ? static_cast<std::uint64_t>(INT64_MAX) + 1 : static_cast<std::uint64_t>(v < 0 ? -v : v)) %
               step.GetUint64() ==
           0;
  }
  const double q = value.GetDouble() / step.GetDouble();
  if (!std::isfinite(q)) return false;
  return std::fabs(q - std::round(q)) < std::fmax(1e-6, std::fabs(q) * 8 * DBL_EPSILON);
}

// The block's second pass, run only when RapidJSON accepted: the first date-time or multipleOf
// failure in document order.
bool second_pass(const Value& schema_in, const Value& root, const Value& value, const std::string& pointer,
                 OracleVerdict& verdict) {
  const Value& schema = resolve(schema_in, root);
  if (value.IsString()) {
    const Value* format = member(schema, "format");
    if (format != nullptr && format->IsString() && std::string_view(format->GetString()) == "date-time" &&
        !is_rfc3339(as_string_view(value))) {
      verdict = {false, "format", pointer};
      return false;
    }
  }
  if (value.IsNumber()) {
    const Value* step = member(schema, "multipleOf");
    if (step != nullptr && step->IsNumber() && !tolerant_multiple_of(value, *step)) {
      verdict = {false, "multipleOf", pointer};
      return false;
    }
  }
  if (value.IsObject()) {
    const Value* properties = member(schema, "properties");
    if (properties != nullptr) {
      for (const auto& m : value.GetObject()) {
        const auto it = properties->FindMember(m.name);
        if (it == properties->MemberEnd()) continue;
        if (!second_pass(it->value, root, m.value, pointer + escaped_token(as_string_view(m.name)), verdict)) {
          return false;
        }
      }
    }
  }
  if (value.IsArray()) {
    const Value* items = member(schema, "items");
    if (items != nullptr && items->IsObject()) {
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        if (!second_pass(*items, root, value[i], pointer + "/" + std::to_string(i), verdict)) return false;
      }
    }
  }
  return true;
}

void collect_keywords(const Value& schema, std::set<std::string>& out) {
  if (!schema.IsObject()) return;
  static const char* const kChecked[] = {"type",    "required", "minItems", "maxItems", "minLength",
                                         "maxLength", "enum",   "minimum",  "maximum",  "multipleOf"};
  for (const char* keyword : kChecked) {
    if (schema.HasMember(keyword)) out.insert(keyword);
  }
  const Value* additional = member(schema, "additionalProperties");
  if (additional != nullptr && additional->IsBool() && !additional->GetBool()) out.insert("additionalProperties");
  const Value* format = member(schema, "format");
  if (format != nullptr && format->IsString() && std::string_view(format->GetString()) == "date-time") {
    out.insert("format");
  }
  for (const char* map : {"properties", "definitions"}) {
    if (const Value* m = member(schema, map); m != nullptr && m->IsObject()) {
      for (const auto& sub : m->GetObject()) collect_keywords(sub.value, out);
    }
  }
  if (const Value* items = member(schema, "items")) collect_keywords(*items, out);
}

}  // namespace

RapidJsonOracle::RapidJsonOracle(const std::string& schema_file) {
  const rapidjson::Document all = load(schema_file);
  for (const auto& schema : all.GetArray()) {
    const std::string id = schema["$id"].GetString();  // urn:<Action>.req|conf
    const std::size_t dot = id.rfind('.');
    const std::string action = id.substr(4, dot - 4);
    const MessageKind kind = id.substr(dot + 1) == "req" ? MessageKind::Request : MessageKind::Response;
    Entry e;
    e.source = std::make_unique<rapidjson::Document>();
    e.source->CopyFrom(schema, e.source->GetAllocator());
    e.stripped = std::make_unique<rapidjson::Document>();
    e.stripped->CopyFrom(schema, e.stripped->GetAllocator());
    strip_multiple_of(*e.stripped);
    e.schema = std::make_unique<rapidjson::SchemaDocument>(*e.stripped);
    entries_.emplace(std::make_pair(action, kind), std::move(e));
  }
}

bool RapidJsonOracle::has_schema(std::string_view action, MessageKind kind) const {
  return entries_.count({std::string(action), kind}) != 0;
}

OracleVerdict RapidJsonOracle::check(std::string_view action, MessageKind kind, const rapidjson::Value& payload) const {
  const Entry& e = entries_.at({std::string(action), kind});
  rapidjson::SchemaValidator validator(*e.schema);
  if (!payload.Accept(validator) || !validator.IsValid()) {
    return {false, validator.GetInvalidSchemaKeyword(), stringify(validator.GetInvalidDocumentPointer())};
  }
  OracleVerdict verdict;
  second_pass(*e.source, *e.source, payload, "", verdict);
  return verdict;
}

std::set<std::string> RapidJsonOracle::keywords(MessageKind kind) const {
  std::set<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (key.second == kind) collect_keywords(*entry.source, out);
  }
  return out;
}

}  // namespace ocpp::test
