#pragma once
// The compiled form of a JSON schema: a graph of nodes, one per distinct (sub)schema, with `$ref`
// already resolved to the node it names. Only the keywords of the OCPP 1.6 and 2.0.1 schemas exist
// here; schema_compiler.cpp refuses any other, so that a schema refresh cannot silently weaken
// validation.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "same_bytes.hpp"
#include "string_set.hpp"

namespace ocpp::schema_detail {

// The JSON Schema keywords a payload can fail. Format (date-time) and MultipleOf are checked after
// every other keyword of the whole payload (see tree_validator.hpp).
enum class Keyword : std::uint8_t {
  Type,
  Required,
  AdditionalProperties,
  MinItems,
  MaxItems,
  MinLength,
  MaxLength,
  Enum,
  Minimum,
  Maximum,
  MultipleOf,
  Format,
};

// The keyword as the schema spells it ("maxLength").
std::string_view keyword_name(Keyword keyword);

// JSON Schema's instance types as bits (draft-07 §4.2.1); "number" includes "integer".
namespace type_bit {
constexpr std::uint8_t kNull = 1U << 0;
constexpr std::uint8_t kBoolean = 1U << 1;
constexpr std::uint8_t kObject = 1U << 2;
constexpr std::uint8_t kArray = 1U << 3;
constexpr std::uint8_t kString = 1U << 4;
constexpr std::uint8_t kInteger = 1U << 5;  // a number RapidJSON holds as an integer, not a double
constexpr std::uint8_t kNumber = 1U << 6;   // any number
constexpr std::uint8_t kAny = 0x7F;
}  // namespace type_bit

struct Node;

// One entry of an object's property table.
struct Property {
  std::string_view name;  // points into Node::property_names
  const Node* schema = nullptr;
};

// Objects with more properties than this are refused by the compiler (OCPP's largest has 14):
// presence is tracked in one 64-bit word.
constexpr std::size_t kMaxProperties = 64;

struct Node {
  // What the walk reads comes first, what only descriptions read last: a node is several cache
  // lines long.

  // ---- every value
  std::uint8_t types = type_bit::kAny;
  // Nothing to check at all: no type and no other keyword (e.g. 2.0.1 DataTransfer "data"). The
  // validator does not even look at such a value.
  bool accepts_anything = true;

  // ---- objects
  // Only additionalProperties, required or a property with a schema make it necessary to look at
  // each member.
  bool object_needs_walk = false;
  bool additional_properties = true;
  // ---- strings
  bool date_time = false;                 // format: date-time (RFC 3339 §5.6)
  std::uint32_t min_length = 0;           // in code points, as RapidJSON 1.1.0 counts them
  std::uint32_t max_length = UINT32_MAX;
  // ---- arrays
  std::uint32_t min_items = 0;
  std::uint32_t max_items = UINT32_MAX;
  const Node* items = nullptr;  // nullptr: items may be anything
  // ---- objects
  std::uint64_t required_mask = 0;      // bit i: properties[i] is required
  // In schema order (payloads usually follow it, which the lookup exploits), plus the required
  // names that `properties` does not list (RapidJSON 1.1.0 accepts them with any value).
  std::vector<Property> properties;
  // ---- strings
  StringSet enumeration;                  // empty: no enum

  // ---- numbers; a Null value means the keyword is absent
  rapidjson::Value minimum;
  rapidjson::Value maximum;
  rapidjson::Value multiple_of;

  // ---- for descriptions and compiling
  std::string type_text;                // the schema's "type" as written
  std::vector<std::uint8_t> required;   // indexes into properties, in the order of "required"
  std::string property_names;           // backing store of Property::name

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // The index of the property called `name`, or kNoProperty. `hint` is where the previous member
  // of the same object was found plus one: members usually come in schema order, so the first
  // comparison mostly hits.
  static constexpr std::size_t kNoProperty = SIZE_MAX;
  std::size_t find_property(const char* name, std::size_t length, std::size_t& hint) const {
    const std::size_t count = properties.size();
    std::size_t i = hint;
    for (std::size_t n = 0; n < count; ++n, ++i) {
      if (i >= count) i = 0;
      const std::string_view candidate = properties[i].name;
      if (candidate.size() == length && same_bytes(candidate.data(), name, length)) {
        hint = i + 1;
        return i;
      }
    }
    return kNoProperty;
  }
};

}  // namespace ocpp::schema_detail
