#include "tree_validator.hpp"

#include "json_pointer.hpp"
#include "ocpp/common/datetime.hpp"
#include "value_checks.hpp"

namespace ocpp::schema_detail {
namespace {

class Walker {
 public:
  // With `checks_now`, date-time and multipleOf fail at once like any other keyword; without, a
  // failure of theirs is only noted (see tree_validator.hpp).
  Walker(Failure& failure, bool checks_now) : failure_(failure), checks_now_(checks_now) {}

  bool deferred_failed() const { return deferred_failed_; }

  // Scalars are checked inline; objects and arrays are walked out of line, so that a member that
  // is a scalar costs no call.
  bool value(const Node& node, const rapidjson::Value& v) {
    if (node.accepts_anything) return true;
    switch (v.GetType()) {
      case rapidjson::kObjectType:
        return (node.types & type_bit::kObject) != 0 ? object(node, v) : fail(Keyword::Type, node, v);
      case rapidjson::kArrayType:
        return (node.types & type_bit::kArray) != 0 ? array(node, v) : fail(Keyword::Type, node, v);
      case rapidjson::kStringType:
        return (node.types & type_bit::kString) != 0 ? string(node, v) : fail(Keyword::Type, node, v);
      case rapidjson::kNumberType:
        return number(node, v);
      case rapidjson::kFalseType:
      case rapidjson::kTrueType:
        return (node.types & type_bit::kBoolean) != 0 || fail(Keyword::Type, node, v);
      case rapidjson::kNullType:
        return (node.types & type_bit::kNull) != 0 || fail(Keyword::Type, node, v);
    }
    return fail(Keyword::Type, node, v);
  }

 private:
  [[gnu::noinline]] bool object(const Node& node, const rapidjson::Value& v) {
    if (!node.object_needs_walk) return true;
    std::uint64_t seen = 0;
    std::size_t hint = 0;
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      const std::size_t index = node.find_property(m->name.GetString(), m->name.GetStringLength(), hint);
      if (index == Node::kNoProperty) {
        if (node.additional_properties) continue;
        failure_.path.push_back(name_token(m->name));
        return fail(Keyword::AdditionalProperties, node, v);
      }
      seen |= std::uint64_t{1} << index;
      if (!value(*node.properties[index].schema, m->value)) {
        failure_.path.push_back(name_token(m->name));
        return false;
      }
    }
    return (seen & node.required_mask) == node.required_mask || fail(Keyword::Required, node, v);
  }

  [[gnu::noinline]] bool array(const Node& node, const rapidjson::Value& v) {
    const rapidjson::SizeType size = v.Size();
    if (node.items != nullptr) {
      for (rapidjson::SizeType i = 0; i < size; ++i) {
        if (!value(*node.items, v[i])) {
          failure_.path.push_back(PathToken{{}, i, true});
          return false;
        }
      }
    }
    if (size < node.min_items) return fail(Keyword::MinItems, node, v);
    if (size > node.max_items) return fail(Keyword::MaxItems, node, v);
    return true;
  }

  bool string(const Node& node, const rapidjson::Value& v) {
    const std::string_view text(v.GetString(), v.GetStringLength());
    // A code point takes at least one byte: most strings need no counting.
    if (text.size() > node.max_length || node.min_length != 0) {
      if (const auto count = count_code_points(text)) {
        if (*count < node.min_length) return fail(Keyword::MinLength, node, v);
        if (*count > node.max_length) return fail(Keyword::MaxLength, node, v);
      }
    }
    if (!node.enumeration.empty() && !node.enumeration.contains(text)) return fail(Keyword::Enum, node, v);
    // JSON Schema draft-07 §7.3.1: date-time is RFC 3339 §5.6 date-time.
    if (node.date_time && !is_rfc3339(text)) return deferred(Keyword::Format, node, v);
    return true;
  }

  bool number(const Node& node, const rapidjson::Value& v) {
    // A double is a "number" only; anything else is also an "integer".
    const std::uint8_t accepted = v.IsDouble() ? type_bit::kNumber : type_bit::kInteger | type_bit::kNumber;
    if ((node.types & accepted) == 0) return fail(Keyword::Type, node, v);
    if (!node.minimum.IsNull() && is_less(v, node.minimum)) return fail(Keyword::Minimum, node, v);
    if (!node.maximum.IsNull() && is_greater(v, node.maximum)) return fail(Keyword::Maximum, node, v);
    if (!node.multiple_of.IsNull() && !is_multiple_of(v, node.multiple_of)) {
      return deferred(Keyword::MultipleOf, node, v);
    }
    return true;
  }

  static PathToken name_token(const rapidjson::Value& name) {
    return PathToken{std::string_view(name.GetString(), name.GetStringLength()), 0, false};
  }

  // Cold: taken once per refused payload.
  [[gnu::cold, gnu::noinline]] bool fail(Keyword keyword, const Node& node, const rapidjson::Value& v) {
    failure_.keyword = keyword;
    failure_.schema = &node;
    failure_.value = &v;
    return false;
  }

  bool deferred(Keyword keyword, const Node& node, const rapidjson::Value& v) {
    if (checks_now_) return fail(keyword, node, v);
    deferred_failed_ = true;
    return true;
  }

  Failure& failure_;
  const bool checks_now_;
  bool deferred_failed_ = false;
};

}  // namespace

std::string Failure::pointer() const {
  std::string out;
  for (auto token = path.rbegin(); token != path.rend(); ++token) {
    if (token->is_index) {
      append_pointer_index(out, token->index);
    } else {
      append_pointer_token(out, token->name);
    }
  }
  return out;
}

bool validate_tree(const Node& root, const rapidjson::Value& payload, Failure& failure) {
  Walker walker(failure, false);
  if (!walker.value(root, payload)) return false;
  if (!walker.deferred_failed()) return true;
  // Rare: a date-time or multipleOf failed and nothing else did. Walk again, stopping at the
  // first such failure, to learn where it is.
  failure.path.clear();
  Walker again(failure, true);
  return again.value(root, payload);
}

}  // namespace ocpp::schema_detail
