#include "ocpp/cp/v201/request_size.hpp"

#include <string_view>

namespace ocpp::cp::v201 {

using namespace ocpp::v201;

namespace {

constexpr std::size_t kMostIntegerChars = 11;  // "-2147483648"

// A JSON string: its quotes and each byte as RapidJSON's Writer may write it (control characters
// as \u00XX at most, '"' and '\' with a backslash, everything else, UTF-8 included, as it is).
std::size_t text(std::string_view s) {
  std::size_t n = 2;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    n += c < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : 1;
  }
  return n;
}

// "key":value, plus the comma that may follow it. The keys are the schema's names: nothing in them
// is escaped.
constexpr std::size_t member(std::string_view key, std::size_t value) { return key.size() + 2 + 1 + value + 1; }

// {} around members.
constexpr std::size_t kObject = 2;

std::size_t custom(const std::optional<CustomDataType>& c) {
  return c ? member("customData", kObject + member("vendorId", text(c->vendorId.str()))) : 0;
}

template <std::size_t N>
std::size_t optional_text(std::string_view key, const std::optional<CiString<N>>& s) {
  return s ? member(key, text(s->str())) : 0;
}

std::size_t evse(const std::optional<EVSEType>& e) {
  if (!e) return 0;
  return member("evse", kObject + custom(e->customData) + member("id", kMostIntegerChars) +
                            (e->connectorId ? member("connectorId", kMostIntegerChars) : 0));
}

std::size_t component(const ComponentType& c) {
  return member("component", kObject + custom(c.customData) + evse(c.evse) + member("name", text(c.name.str())) +
                                 optional_text("instance", c.instance));
}

std::size_t variable(const VariableType& v) {
  return member("variable", kObject + custom(v.customData) + member("name", text(v.name.str())) +
                                optional_text("instance", v.instance));
}

std::size_t attribute_type(const std::optional<AttributeEnumType>& a) {
  return a ? member("attributeType", text(to_string(*a))) : 0;
}

// [] around items, each followed by a comma.
template <class T, class F>
std::size_t array(std::string_view key, const std::vector<T>& items, F size_of) {
  std::size_t n = 2;
  for (const auto& item : items) n += size_of(item) + 1;
  return member(key, n);
}

}  // namespace

std::size_t json_size_bound(const GetVariablesRequest& request) {
  return kObject + custom(request.customData) +
         array("getVariableData", request.getVariableData, [](const GetVariableDataType& d) {
           return kObject + custom(d.customData) + attribute_type(d.attributeType) + component(d.component) +
                  variable(d.variable);
         });
}

std::size_t json_size_bound(const SetVariablesRequest& request) {
  return kObject + custom(request.customData) +
         array("setVariableData", request.setVariableData, [](const SetVariableDataType& d) {
           return kObject + custom(d.customData) + attribute_type(d.attributeType) +
                  member("attributeValue", text(d.attributeValue.str())) + component(d.component) +
                  variable(d.variable);
         });
}

std::size_t json_size_bound(const GetReportRequest& request) {
  std::size_t n = kObject + custom(request.customData) + member("requestId", kMostIntegerChars);
  if (request.componentVariable) {
    n += array("componentVariable", *request.componentVariable, [](const ComponentVariableType& cv) {
      return kObject + custom(cv.customData) + component(cv.component) + (cv.variable ? variable(*cv.variable) : 0);
    });
  }
  if (request.componentCriteria) {
    n += array("componentCriteria", *request.componentCriteria,
               [](ComponentCriterionEnumType c) { return text(to_string(c)); });
  }
  return n;
}

}  // namespace ocpp::cp::v201
