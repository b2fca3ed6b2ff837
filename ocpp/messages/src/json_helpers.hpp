#pragma once
// What the generated message code (build tree: generated/src/<version>/messages_*.cpp) calls to
// read and write JSON. Conversions of the leaf types are ordinary functions in json_helpers.cpp;
// the templates here are one-liners, so that the generated 2.0.1 code stays cheap to compile.
// Private to the messages block.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <iterator>  // std::size, used by the generated enum tables
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/messages/types.hpp"

namespace ocpp::messages::detail {

using Allocator = rapidjson::Document::AllocatorType;

// Where a value sits in the message, as a chain of stack frames: built for free while reading,
// rendered ("meterValue[0].sampledValue[1].measurand") only when an error is thrown.
struct Path {
  const Path* parent = nullptr;
  const char* field = nullptr;  // nullptr for an array element
  std::size_t index = 0;
};
std::string render(const Path& path);
// Throws JsonError("<path>: <what>").
[[noreturn]] void fail(const Path& path, const std::string& what);

// ---- reading -------------------------------------------------------------------------------

void expect_object(const rapidjson::Value& v, const Path& path);
void expect_array(const rapidjson::Value& v, const Path& path);
// nullptr when absent.
const rapidjson::Value* find_member(const rapidjson::Value& object, const char* name);
// The member named path.field; throws "<path>: required field is missing".
const rapidjson::Value& required_member(const rapidjson::Value& object, const Path& path);

// OCPP `integer` is read as int32: OCPP integers are 32-bit signed (2.0.1 part 2, primitive
// datatype `integer`; 1.6 uses the same JSON type), so anything wider is refused, not truncated.
void read(const rapidjson::Value& v, std::int32_t& out, const Path& path);
void read(const rapidjson::Value& v, double& out, const Path& path);
void read(const rapidjson::Value& v, bool& out, const Path& path);
void read(const rapidjson::Value& v, std::string& out, const Path& path);
void read(const rapidjson::Value& v, DateTime& out, const Path& path);
void read(const rapidjson::Value& v, RawJson& out, const Path& path);
// A string of at most `max_length` characters (the schema's maxLength).
std::string read_string(const rapidjson::Value& v, std::size_t max_length, const Path& path);
template <std::size_t N>
void read(const rapidjson::Value& v, CiString<N>& out, const Path& path) {
  out = CiString<N>(read_string(v, N, path));
}

// Enums are tables of their JSON names; the enumerator is the index.
std::size_t read_enum(const rapidjson::Value& v, const std::string_view* names, std::size_t count,
                      const Path& path);
bool find_enum(const std::string_view* names, std::size_t count, std::string_view text,
               std::size_t& index);
std::string_view enum_name(const std::string_view* names, std::size_t count, std::size_t index);

template <class T>
void read(const rapidjson::Value& v, std::vector<T>& out, const Path& path) {
  expect_array(v, path);
  out.clear();
  out.reserve(v.Size());
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const Path item{&path, nullptr, i};
    read(v[i], out.emplace_back(), item);
  }
}

template <class T>
void read_required(const rapidjson::Value& object, const char* name, T& out, const Path& parent) {
  const Path path{&parent, name};
  read(required_member(object, path), out, path);
}

template <class T>
void read_optional(const rapidjson::Value& object, const char* name, std::optional<T>& out,
                   const Path& parent) {
  const rapidjson::Value* member = find_member(object, name);
  if (member == nullptr) {
    out.reset();
    return;
  }
  const Path path{&parent, name};
  read(*member, out.emplace(), path);
}

// ---- writing -------------------------------------------------------------------------------

rapidjson::Value to_value(std::int32_t in, Allocator& a);
rapidjson::Value to_value(double in, Allocator& a);
rapidjson::Value to_value(bool in, Allocator& a);
rapidjson::Value to_value(const std::string& in, Allocator& a);
rapidjson::Value to_value(const DateTime& in, Allocator& a);
rapidjson::Value to_value(const RawJson& in, Allocator& a);
template <std::size_t N>
rapidjson::Value to_value(const CiString<N>& in, Allocator& a) {
  return to_value(in.str(), a);
}
// Generated enums: their to_string returns a view of a string literal, so no copy is needed.
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
rapidjson::Value to_value(E in, Allocator&) {
  const std::string_view name = to_string(in);
  return rapidjson::Value(rapidjson::StringRef(name.data(), name.size()));
}
// Generated structs.
template <class T, std::enable_if_t<std::is_class_v<T>, int> = 0>
rapidjson::Value to_value(const T& in, Allocator& a) {
  rapidjson::Value out;
  to_json(in, out, a);
  return out;
}
template <class T>
rapidjson::Value to_value(const std::vector<T>& in, Allocator& a) {
  rapidjson::Value out(rapidjson::kArrayType);
  out.Reserve(static_cast<rapidjson::SizeType>(in.size()), a);
  for (const T& item : in) out.PushBack(to_value(item, a), a);
  return out;
}

// `name` is a string literal of the generated code, so the member name is not copied.
template <class T>
void write_required(rapidjson::Value& object, const char* name, const T& in, Allocator& a) {
  object.AddMember(rapidjson::StringRef(name), to_value(in, a), a);
}
template <class T>
void write_optional(rapidjson::Value& object, const char* name, const std::optional<T>& in,
                    Allocator& a) {
  if (in) write_required(object, name, *in, a);
}

}  // namespace ocpp::messages::detail
