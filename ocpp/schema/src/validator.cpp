#include "ocpp/schema/validator.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "compiled_schema.hpp"
#include "embedded_schemas.hpp"

namespace ocpp {
namespace {

using schema_detail::EmbeddedSchema;
using schema_detail::EmbeddedSchemaTable;

bool before(const EmbeddedSchema& entry, std::string_view action, MessageKind kind) {
  return entry.action < action || (entry.action == action && entry.kind < kind);
}

// Index of <action>.<kind> in the sorted table, or table.size when there is none.
std::size_t find(const EmbeddedSchemaTable& table, std::string_view action, MessageKind kind) {
  const EmbeddedSchema* it = std::lower_bound(
      table.begin(), table.end(), action,
      [kind](const EmbeddedSchema& entry, std::string_view wanted) { return before(entry, wanted, kind); });
  if (it == table.end() || it->action != action || it->kind != kind) return table.size;
  return static_cast<std::size_t>(it - table.begin());
}

}  // namespace

SchemaValidator::SchemaValidator(ProtocolVersion v)
    : version_(v), compiled_(schema_detail::embedded_schemas(v).size) {}

SchemaValidator::~SchemaValidator() = default;
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;

bool SchemaValidator::knows_action(std::string_view action) const {
  return has_schema(action, MessageKind::Request);
}

bool SchemaValidator::has_schema(std::string_view action, MessageKind kind) const {
  const auto table = schema_detail::embedded_schemas(version_);
  return find(table, action, kind) != table.size;
}

std::vector<std::string_view> SchemaValidator::actions() const {
  std::vector<std::string_view> out;
  for (const auto& entry : schema_detail::embedded_schemas(version_)) {
    if (entry.kind == MessageKind::Request) out.push_back(entry.action);
  }
  return out;
}

std::optional<ValidationError> SchemaValidator::validate(std::string_view action, MessageKind kind,
                                                         const rapidjson::Value& payload) {
  const auto table = schema_detail::embedded_schemas(version_);
  std::size_t& recent = recent_[kind == MessageKind::Request ? 0 : 1];
  std::size_t index = recent;
  if (index >= table.size || table.entries[index].action != action || table.entries[index].kind != kind) {
    index = find(table, action, kind);
    if (index == table.size) {
      // OCPP-J 1.6 §4.2.3 NotImplemented: "Requested Action is not known by receiver".
      return ValidationError{RpcErrorCode::NotImplemented,
                             "no " + std::string(to_string(version_)) + " schema for " + std::string(action) +
                                 (kind == MessageKind::Request ? ".req" : ".conf")};
    }
    recent = index;
  }
  auto& compiled = compiled_[index];
  if (!compiled) {
    try {
      compiled = std::make_unique<schema_detail::CompiledSchema>(table.entries[index].json);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(std::string(to_string(version_)) + " schema of " + std::string(action) +
                               (kind == MessageKind::Request ? ".req: " : ".conf: ") + e.what());
    }
  }
  return compiled->validate(payload);
}

}  // namespace ocpp
