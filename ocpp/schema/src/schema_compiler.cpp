#include "schema_compiler.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "json_pointer.hpp"
#include "ocpp/common/json.hpp"
#include "value_checks.hpp"

namespace ocpp::schema_detail {
namespace {

// `$ref` chains are one or two hops long in the OCPP schemas; more means a cycle of references.
constexpr int kMaxRefHops = 16;

// Keywords that annotate or organise a schema and change no verdict (draft-07 §10, §8.2.4, §9).
// `definitions` only holds the targets of `$ref`s, which are compiled where they are referenced.
constexpr std::string_view kAnnotations[] = {"$schema", "$id",     "id",       "$comment",   "title",
                                             "description", "default", "examples", "definitions"};

// `format` values. date-time is checked (DESIGN.md principle 5). uri (1.6 firmware and log
// locations) stays an annotation, as it was with RapidJSON 1.1.0, which checks no format; draft-07
// §7.2 makes asserting a format optional. Any other format is refused, so that a schema refresh
// cannot bring one in unnoticed.
constexpr std::string_view kCheckedFormat = "date-time";
constexpr std::string_view kAnnotationFormats[] = {"uri"};

bool is_annotation(std::string_view keyword) {
  return std::find(std::begin(kAnnotations), std::end(kAnnotations), keyword) != std::end(kAnnotations);
}

[[noreturn]] void refuse(const std::string& where, const std::string& what) {
  throw std::runtime_error("schema at #" + where + ": " + what);
}

std::string quoted(std::string_view keyword) { return "\"" + std::string(keyword) + "\""; }

// The validating keywords of one schema object, null when absent.
struct Keywords {
  const rapidjson::Value* type = nullptr;
  const rapidjson::Value* properties = nullptr;
  const rapidjson::Value* required = nullptr;
  const rapidjson::Value* additional_properties = nullptr;
  const rapidjson::Value* items = nullptr;
  const rapidjson::Value* additional_items = nullptr;
  const rapidjson::Value* min_items = nullptr;
  const rapidjson::Value* max_items = nullptr;
  const rapidjson::Value* min_length = nullptr;
  const rapidjson::Value* max_length = nullptr;
  const rapidjson::Value* enumeration = nullptr;
  const rapidjson::Value* minimum = nullptr;
  const rapidjson::Value* maximum = nullptr;
  const rapidjson::Value* multiple_of = nullptr;
  const rapidjson::Value* format = nullptr;
};

Keywords read_keywords(const rapidjson::Value& schema, const std::string& where) {
  Keywords k;
  const std::pair<std::string_view, const rapidjson::Value**> known[] = {
      {"type", &k.type},
      {"properties", &k.properties},
      {"required", &k.required},
      {"additionalProperties", &k.additional_properties},
      {"items", &k.items},
      {"additionalItems", &k.additional_items},
      {"minItems", &k.min_items},
      {"maxItems", &k.max_items},
      {"minLength", &k.min_length},
      {"maxLength", &k.max_length},
      {"enum", &k.enumeration},
      {"minimum", &k.minimum},
      {"maximum", &k.maximum},
      {"multipleOf", &k.multiple_of},
      {"format", &k.format},
  };
  for (const auto& member : schema.GetObject()) {
    const std::string_view name = as_string_view(member.name);
    const auto it = std::find_if(std::begin(known), std::end(known), [name](const auto& e) { return e.first == name; });
    if (it == std::end(known)) {
      if (is_annotation(name)) continue;
      refuse(where, "unsupported JSON Schema keyword " + quoted(name));
    }
    if (*it->second != nullptr) refuse(where, "keyword " + quoted(name) + " appears twice");
    *it->second = &member.value;
  }
  return k;
}

std::uint8_t type_bits(const rapidjson::Value& name, const std::string& where) {
  const std::pair<std::string_view, std::uint8_t> types[] = {
      {"null", type_bit::kNull},     {"boolean", type_bit::kBoolean}, {"object", type_bit::kObject},
      {"array", type_bit::kArray},   {"string", type_bit::kString},   {"integer", type_bit::kInteger},
      {"number", type_bit::kNumber},
  };
  if (name.IsString()) {
    for (const auto& [text, bit] : types) {
      if (as_string_view(name) == text) return bit;
    }
  }
  refuse(where, "\"type\" names an unknown type " + to_string(name));
}

// minItems, maxItems, minLength, maxLength: a non-negative integer.
std::uint32_t count_limit(const rapidjson::Value& value, std::string_view keyword, const std::string& where) {
  if (!value.IsUint64() || value.GetUint64() > UINT32_MAX) {
    refuse(where, quoted(keyword) + " must be a non-negative integer, got " + to_string(value));
  }
  return static_cast<std::uint32_t>(value.GetUint64());
}

rapidjson::Value number_limit(const rapidjson::Value& value, std::string_view keyword, const std::string& where) {
  if (!value.IsNumber()) refuse(where, quoted(keyword) + " must be a number, got " + to_string(value));
  return copy_number(value);
}

class Compiler {
 public:
  explicit Compiler(const rapidjson::Value& root) : root_(root) {}

  CompiledTree run() {
    CompiledTree tree;
    tree.root = compile(root_, "");
    tree.nodes = std::move(nodes_);
    return tree;
  }

 private:
  const Node* compile(const rapidjson::Value& schema, std::string where) {
    const rapidjson::Value& resolved = resolve(schema, where);
    const auto [it, inserted] = compiled_.try_emplace(&resolved, nullptr);
    if (!inserted) {
      // Shared definitions are compiled once. A definition that contains itself would make the
      // validator's recursion depth depend on the payload; no OCPP schema has one.
      if (it->second == nullptr) refuse(where, "recursive schema (it contains itself through $ref)");
      return it->second;
    }
    Node& node = make_node();
    fill(node, resolved, where);
    compiled_[&resolved] = &node;
    return &node;
  }

  Node& make_node() {
    nodes_.push_back(std::make_unique<Node>());
    return *nodes_.back();
  }

  // What a required name without a `properties` entry may hold: anything (RapidJSON 1.1.0 lists
  // such names among the object's properties with an empty schema).
  const Node* anything() {
    if (anything_ == nullptr) anything_ = &make_node();
    return anything_;
  }

  // Follows local `$ref`s (draft-07 §8.3) to the schema they name; `where` follows along.
  const rapidjson::Value& resolve(const rapidjson::Value& schema, std::string& where) {
    const rapidjson::Value* current = &schema;
    for (int hop = 0;; ++hop) {
      if (!current->IsObject()) refuse(where, "a schema must be a JSON object, got " + to_string(*current));
      const auto ref = current->FindMember("$ref");
      if (ref == current->MemberEnd()) return *current;
      if (hop == kMaxRefHops) refuse(where, "$ref chain is circular");
      // draft-07 §8.3: the other keywords of a schema with a $ref are ignored. Refuse them rather
      // than drop a constraint someone meant.
      for (const auto& member : current->GetObject()) {
        const std::string_view name = as_string_view(member.name);
        if (name != "$ref" && !is_annotation(name)) refuse(where, "keyword " + quoted(name) + " next to $ref");
      }
      if (!ref->value.IsString()) refuse(where, "$ref must be a string");
      const std::string_view target = as_string_view(ref->value);
      if (target.empty() || target[0] != '#') refuse(where, "$ref " + quoted(target) + " is not local to the schema");
      const rapidjson::Pointer pointer(target.data(), target.size());
      const rapidjson::Value* found = pointer.IsValid() ? pointer.Get(root_) : nullptr;
      if (found == nullptr) refuse(where, "$ref " + quoted(target) + " points at nothing");
      where = std::string(target.substr(1));
      current = found;
    }
  }

  void fill(Node& node, const rapidjson::Value& schema, const std::string& where) {
    const Keywords k = read_keywords(schema, where);
    if (k.type != nullptr) read_type(node, *k.type, where);
    if (k.properties != nullptr || k.required != nullptr) read_properties(node, k, where);
    if (k.additional_properties != nullptr) {
      if (!k.additional_properties->IsBool()) {
        refuse(where, "\"additionalProperties\" other than true or false is not supported");
      }
      node.additional_properties = k.additional_properties->GetBool();
    }
    if (k.items != nullptr) {
      if (!k.items->IsObject()) refuse(where, "\"items\" other than one schema (e.g. a tuple) is not supported");
      const Node* items = compile(*k.items, where + "/items");
      node.items = items->accepts_anything ? nullptr : items;
    }
    // draft-07 §6.4.2: additionalItems has no effect when items is one schema or absent, the only
    // forms accepted above (2.0.1 writes "additionalItems": false next to every "items").
    if (k.additional_items != nullptr && !k.additional_items->IsBool() && !k.additional_items->IsObject()) {
      refuse(where, "\"additionalItems\" must be a boolean or a schema");
    }
    if (k.min_items != nullptr) node.min_items = count_limit(*k.min_items, "minItems", where);
    if (k.max_items != nullptr) node.max_items = count_limit(*k.max_items, "maxItems", where);
    if (k.min_length != nullptr) node.min_length = count_limit(*k.min_length, "minLength", where);
    if (k.max_length != nullptr) node.max_length = count_limit(*k.max_length, "maxLength", where);
    if (k.enumeration != nullptr) read_enum(node, *k.enumeration, where);
    if (k.minimum != nullptr) node.minimum = number_limit(*k.minimum, "minimum", where);
    if (k.maximum != nullptr) node.maximum = number_limit(*k.maximum, "maximum", where);
    if (k.multiple_of != nullptr) {
      node.multiple_of = number_limit(*k.multiple_of, "multipleOf", where);
      if (!(node.multiple_of.GetDouble() > 0)) refuse(where, "\"multipleOf\" must be greater than 0");
    }
    if (k.format != nullptr) read_format(node, *k.format, where);

    node.object_needs_walk = !node.additional_properties || node.required_mask != 0 ||
                             std::any_of(node.properties.begin(), node.properties.end(),
                                         [](const Property& p) { return !p.schema->accepts_anything; });
    node.accepts_anything = node.types == type_bit::kAny && !node.object_needs_walk && node.items == nullptr &&
                            node.min_items == 0 && node.max_items == UINT32_MAX && node.min_length == 0 &&
                            node.max_length == UINT32_MAX && node.enumeration.empty() && !node.date_time &&
                            node.minimum.IsNull() && node.maximum.IsNull() && node.multiple_of.IsNull();
  }

  static void read_type(Node& node, const rapidjson::Value& type, const std::string& where) {
    node.types = 0;
    if (type.IsString()) {
      node.types = type_bits(type, where);
      node.type_text = std::string(as_string_view(type));
    } else if (type.IsArray() && !type.Empty()) {
      for (const auto& name : type.GetArray()) node.types |= type_bits(name, where);
      node.type_text = to_string(type);
    } else {
      refuse(where, "\"type\" must be a type name or a non-empty array of them");
    }
  }

  void read_properties(Node& node, const Keywords& k, const std::string& where) {
    // Names first (the table refers into one string), then the schemas.
    std::vector<std::pair<std::string_view, const rapidjson::Value*>> entries;
    if (k.properties != nullptr) {
      if (!k.properties->IsObject()) refuse(where, "\"properties\" must be an object");
      for (const auto& member : k.properties->GetObject()) {
        const std::string_view name = as_string_view(member.name);
        for (const auto& e : entries) {
          if (e.first == name) refuse(where, "property " + quoted(name) + " is listed twice");
        }
        entries.emplace_back(name, &member.value);
      }
    }
    std::vector<std::string_view> required;
    if (k.required != nullptr) {
      if (!k.required->IsArray()) refuse(where, "\"required\" must be an array");
      for (const auto& name : k.required->GetArray()) {
        if (!name.IsString()) refuse(where, "\"required\" must list property names");
        const std::string_view text = as_string_view(name);
        if (std::find(required.begin(), required.end(), text) != required.end()) continue;
        required.push_back(text);
        const bool listed =
            std::any_of(entries.begin(), entries.end(), [text](const auto& e) { return e.first == text; });
        if (!listed) entries.emplace_back(text, nullptr);
      }
    }
    if (entries.size() > kMaxProperties) {
      refuse(where, "an object with more than " + std::to_string(kMaxProperties) + " properties is not supported");
    }

    std::size_t total = 0;
    for (const auto& e : entries) total += e.first.size();
    node.property_names.reserve(total);
    for (const auto& e : entries) node.property_names += e.first;
    std::size_t offset = 0;
    for (const auto& [name, schema] : entries) {
      Property p;
      p.name = std::string_view(node.property_names).substr(offset, name.size());
      offset += name.size();
      if (schema != nullptr) {
        std::string child = where + "/properties";
        append_pointer_token(child, name);
        p.schema = compile(*schema, std::move(child));
      } else {
        p.schema = anything();
      }
      node.properties.push_back(p);
    }
    for (const std::string_view name : required) {
      const auto it = std::find_if(node.properties.begin(), node.properties.end(),
                                   [name](const Property& p) { return p.name == name; });
      const auto index = static_cast<std::uint8_t>(it - node.properties.begin());
      node.required.push_back(index);
      node.required_mask |= std::uint64_t{1} << index;
    }
  }

  static void read_enum(Node& node, const rapidjson::Value& values, const std::string& where) {
    if (!values.IsArray() || values.Empty()) refuse(where, "\"enum\" must be a non-empty array");
    std::vector<std::string> strings;
    for (const auto& value : values.GetArray()) {
      if (!value.IsString()) refuse(where, "\"enum\" with a value other than a string is not supported");
      strings.emplace_back(as_string_view(value));
    }
    node.enumeration = StringSet(std::move(strings));
  }

  static void read_format(Node& node, const rapidjson::Value& format, const std::string& where) {
    if (!format.IsString()) refuse(where, "\"format\" must be a string");
    const std::string_view name = as_string_view(format);
    if (name == kCheckedFormat) {
      node.date_time = true;
    } else if (std::find(std::begin(kAnnotationFormats), std::end(kAnnotationFormats), name) ==
               std::end(kAnnotationFormats)) {
      refuse(where, "unsupported \"format\" " + quoted(name));
    }
  }

  const rapidjson::Value& root_;
  std::vector<std::unique_ptr<Node>> nodes_;
  // Compiled schema objects by address; nullptr while one is being compiled (cycle detection).
  std::unordered_map<const rapidjson::Value*, const Node*> compiled_;
  const Node* anything_ = nullptr;
};

}  // namespace

CompiledTree compile_schema(const rapidjson::Value& root_schema) { return Compiler(root_schema).run(); }

}  // namespace ocpp::schema_detail
