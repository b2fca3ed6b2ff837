#include "json_helpers.hpp"

#include <stdexcept>
#include <vector>

namespace ocpp::messages::detail {

std::string render(const Path& path) {
  std::vector<const Path*> chain;
  for (const Path* p = &path; p != nullptr; p = p->parent) chain.push_back(p);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Path& p = **it;
    if (p.parent == nullptr) continue;  // the message itself
    if (p.field != nullptr) {
      if (!out.empty()) out += '.';
      out += p.field;
    } else {
      out += '[' + std::to_string(p.index) + ']';
    }
  }
  return out.empty() ? "(message)" : out;
}

void fail(const Path& path, const std::string& what) {
  throw JsonError(render(path) + ": " + what);
}

namespace {

// What a wrong value is, for error messages: its kind, or its text when short.
std::string describe(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  std::string text = to_string(v);
  constexpr std::size_t kShown = 40;
  if (text.size() > kShown) text = text.substr(0, kShown) + "...";
  return text;
}

}  // namespace

void expect_object(const rapidjson::Value& v, const Path& path) {
  if (!v.IsObject()) fail(path, "expected an object, got " + describe(v));
}

void expect_array(const rapidjson::Value& v, const Path& path) {
  if (!v.IsArray()) fail(path, "expected an array, got " + describe(v));
}

const rapidjson::Value* find_member(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

const rapidjson::Value& required_member(const rapidjson::Value& object, const Path& path) {
  const rapidjson::Value* member = find_member(object, path.field);
  if (member == nullptr) fail(path, "required field is missing");
  return *member;
}

void read(const rapidjson::Value& v, std::int32_t& out, const Path& path) {
  if (v.IsInt()) {
    out = v.GetInt();
    return;
  }
  if (v.IsInt64() || v.IsUint64()) {
    fail(path, to_string(v) + " is outside the int32 range [-2147483648, 2147483647]");
  }
  fail(path, "expected an integer, got " + describe(v));
}

void read(const rapidjson::Value& v, double& out, const Path& path) {
  if (!v.IsNumber()) fail(path, "expected a number, got " + describe(v));
  out = v.GetDouble();
}

void read(const rapidjson::Value& v, bool& out, const Path& path) {
  if (!v.IsBool()) fail(path, "expected true or false, got " + describe(v));
  out = v.GetBool();
}

void read(const rapidjson::Value& v, std::string& out, const Path& path) {
  if (!v.IsString()) fail(path, "expected a string, got " + describe(v));
  out.assign(v.GetString(), v.GetStringLength());
}

void read(const rapidjson::Value& v, DateTime& out, const Path& path) {
  if (!v.IsString()) fail(path, "expected an RFC 3339 date-time string, got " + describe(v));
  // Principle 5: `format: date-time` is checked here because RapidJSON's validator ignores it.
  try {
    out = DateTime::parse(as_string_view(v));
  } catch (const std::invalid_argument&) {
    fail(path, "expected an RFC 3339 date-time, got " + describe(v));
  }
}

void read(const rapidjson::Value& v, RawJson& out, const Path&) { out = RawJson::from_value(v); }

std::string read_string(const rapidjson::Value& v, std::size_t max_length, const Path& path) {
  if (!v.IsString()) fail(path, "expected a string, got " + describe(v));
  std::string text(v.GetString(), v.GetStringLength());
  // At most max_length bytes means at most max_length characters: no need to count.
  const std::size_t length = text.size() <= max_length ? text.size() : count_characters(text);
  if (length > max_length) {
    fail(path, "string of " + std::to_string(length) + " characters exceeds maxLength " +
                   std::to_string(max_length));
  }
  return text;
}

bool find_enum(const std::string_view* names, std::size_t count, std::string_view text,
               std::size_t& index) {
  // OCPP enumeration values are case-sensitive (they are schema `enum` strings).
  for (std::size_t i = 0; i < count; ++i) {
    if (names[i] == text) {
      index = i;
      return true;
    }
  }
  return false;
}

std::string_view enum_name(const std::string_view* names, std::size_t count, std::size_t index) {
  return index < count ? names[index] : std::string_view{};
}

std::size_t read_enum(const rapidjson::Value& v, const std::string_view* names, std::size_t count,
                      const Path& path) {
  std::size_t index = 0;
  if (v.IsString() && find_enum(names, count, as_string_view(v), index)) return index;
  std::string allowed;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) allowed += ", ";
    allowed += names[i];
  }
  fail(path, "expected one of " + allowed + "; got " + describe(v));
}

rapidjson::Value to_value(std::int32_t in, Allocator&) { return rapidjson::Value(in); }
rapidjson::Value to_value(double in, Allocator&) { return rapidjson::Value(in); }
rapidjson::Value to_value(bool in, Allocator&) { return rapidjson::Value(in); }
rapidjson::Value to_value(const std::string& in, Allocator& a) { return json_string(in, a); }
rapidjson::Value to_value(const DateTime& in, Allocator& a) { return json_string(in.str(), a); }
rapidjson::Value to_value(const RawJson& in, Allocator& a) { return in.to_value(a); }

}  // namespace ocpp::messages::detail
