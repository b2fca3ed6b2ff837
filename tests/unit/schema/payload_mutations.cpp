#include "payload_mutations.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace ocpp::test {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr const char* kOtherTypes[] = {"null", "true", "42", "1.5", R"("x")", "{}", "[]"};

constexpr const char* kNumbers[] = {
    "-1",  "0",   "1",   "100",  "101",   "2147483648", "-2147483649", "4294967296", "9223372036854775808",
    "-9223372036854775808", "18446744073709551615", "0.1", "0.3", "0.15", "1.0", "-0.5", "7.7", "32.05",
    "1e300", "-0.0"};

constexpr const char* kDateTimes[] = {
    "not-a-date",           "2026-02-30T00:00:00Z",   "2023-02-29T09:31:00Z",      "2026-11-24 09:30:00Z",
    "2026-11-24T09:30:00",  "2026-11-24T24:00:00Z",   "2026-11-24T09:30:00.Z",     "2026-11-24T09:30:00+1:00",
    "2026-11-24T09:30:00+01:00", "2026-11-24t09:30:00z", "2024-02-29T23:59:60.5Z", "2026-11-24T09:30:00.123456789Z"};

// Items with more values than this are not repeated a thousand times.
constexpr std::size_t kMaxValuesToRepeat = 16;

std::size_t count_values(const Value& v) {
  std::size_t n = 1;
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) n += count_values(m.value);
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) n += count_values(item);
  }
  return n;
}

Value literal(const char* json, Allocator& allocator) {
  rapidjson::Document d(&allocator);
  d.Parse(json);
  if (d.HasParseError()) throw std::logic_error(std::string("bad literal in the test: ") + json);
  return Value(d, allocator);
}

std::string escaped(std::string_view name) {
  std::string out;
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

class Collector {
 public:
  explicit Collector(std::vector<Mutation>& out) : out_(out) {}

  void walk(const Value& v, bool root) {
    if (!root) {
      for (const char* other : kOtherTypes) {
        add(std::string(":= ") + other, [other](Value& t, Allocator& a) { t = literal(other, a); });
      }
    }
    if (v.IsString()) strings(v);
    if (v.IsNumber()) {
      for (const char* number : kNumbers) {
        add(std::string(":= ") + number, [number](Value& t, Allocator& a) { t = literal(number, a); });
      }
    }
    if (v.IsObject()) object(v);
    if (v.IsArray()) array(v);
  }

 private:
  void strings(const Value& v) {
    const std::string text(v.GetString(), v.GetStringLength());
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::vector<std::pair<std::string, std::string>> replacements = {
        {"one ASCII character longer", text + "x"},
        {"one two-byte character longer", text + "\xC3\xA9"},
        {"a truncated UTF-8 sequence longer", text + "\xC3"},
        {"doubled", text + text},
        {"emptied", ""},
        {"outside any enum", "NotInEnum"},
        {"lower-cased", lower},
    };
    for (const char* date_time : kDateTimes) {
      replacements.emplace_back(std::string("date-time ") + date_time, date_time);
    }
    for (auto& [label, bytes] : replacements) {
      add("string " + label, [bytes = std::move(bytes)](Value& t, Allocator& a) {
        t.SetString(bytes.data(), static_cast<rapidjson::SizeType>(bytes.size()), a);
      });
    }
  }

  void object(const Value& v) {
    for (const auto& m : v.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      add("drop member \"" + name + "\"", [name](Value& t, Allocator&) {
        if (t.IsObject()) t.RemoveMember(name.c_str());
      });
    }
    for (const char* name : {"unknownField", "x/y~z"}) {
      add(std::string("add member \"") + name + "\"", [name](Value& t, Allocator& a) {
        if (t.IsObject()) t.AddMember(Value(name, a), Value(1), a);
      });
    }
    if (v.MemberCount() > 0) {
      add("repeat the first member with null", [](Value& t, Allocator& a) {
        if (!t.IsObject() || t.MemberCount() == 0) return;
        Value name(t.MemberBegin()->name, a);
        t.AddMember(name, Value(), a);
      });
    }
    for (const auto& m : v.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      path_.push_back(PathStep{name, 0, false});
      const std::size_t mark = pointer_.size();
      pointer_ += "/" + escaped(name);
      walk(m.value, false);
      pointer_.resize(mark);
      path_.pop_back();
    }
  }

  void array(const Value& v) {
    for (const rapidjson::SizeType size : {0U, 1U, v.Size() + 1, 4U, 5U, 1025U}) {
      if (size == v.Size() || (size > v.Size() && v.Empty())) continue;
      // Past maxItems 1024 (2.0.1 schedule periods, small items) only where that stays cheap.
      if (size > 5 && count_values(v[v.Size() - 1]) > kMaxValuesToRepeat) continue;
      add("resize to " + std::to_string(size) + " items", [size](Value& t, Allocator& a) {
        if (!t.IsArray() || t.Empty()) return;
        while (t.Size() > size) t.PopBack();
        while (t.Size() < size) {
          Value copy(t[t.Size() - 1], a);
          t.PushBack(copy, a);
        }
      });
    }
    // Every item of the outermost arrays, only the first of nested ones: the samples' items are
    // alike, and a payload's mutations grow with the product of its array lengths otherwise.
    const rapidjson::SizeType items = nested_arrays_ == 0 ? v.Size() : std::min<rapidjson::SizeType>(v.Size(), 1);
    ++nested_arrays_;
    for (rapidjson::SizeType i = 0; i < items; ++i) {
      path_.push_back(PathStep{{}, i, true});
      const std::size_t mark = pointer_.size();
      pointer_ += "/" + std::to_string(i);
      walk(v[i], false);
      pointer_.resize(mark);
      path_.pop_back();
    }
    --nested_arrays_;
  }

  void add(std::string label, std::function<void(Value&, Allocator&)> change) {
    const std::string where = pointer_.empty() ? std::string("(root)") : pointer_;
    out_.push_back(Mutation{where + " " + label, path_, std::move(change)});
  }

  std::vector<Mutation>& out_;
  std::vector<PathStep> path_;
  std::string pointer_;
  int nested_arrays_ = 0;  // arrays around the value being walked
};

}  // namespace

std::vector<Mutation> mutations_of(const rapidjson::Value& payload) {
  std::vector<Mutation> out;
  Collector(out).walk(payload, true);
  return out;
}

bool apply(const Mutation& m, rapidjson::Document& document) {
  Value* at = &document;
  for (const PathStep& step : m.path) {
    if (step.is_index) {
      if (!at->IsArray() || step.index >= at->Size()) return false;
      at = &(*at)[step.index];
    } else {
      if (!at->IsObject()) return false;
      const auto it = at->FindMember(step.name.c_str());
      if (it == at->MemberEnd()) return false;
      at = &it->value;
    }
  }
  // A change made for an object or an array leaves any other value alone.
  m.change(*at, document.GetAllocator());
  return true;
}

}  // namespace ocpp::test
