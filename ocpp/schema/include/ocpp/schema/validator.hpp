#pragma once
// Run-time validation of OCPP payloads against the official JSON schemas (DESIGN.md principle 5).
// The schemas of schemas/ are embedded in the library at build time, one per action and kind; an
// action's schema is compiled the first time it is used and kept, so an endpoint only pays memory
// for the messages it actually exchanges.
#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ocpp/common/error_code.hpp"
#include "ocpp/common/version.hpp"

namespace ocpp {

// Which schema of an action applies: the CALL payload (<Action>.req) or the CALLRESULT payload
// (<Action>.conf).
enum class MessageKind { Request, Response };

namespace schema_detail {
class CompiledSchema;
}

// Validates payloads of one protocol version. Each instance owns its cache of compiled schemas and
// is NOT thread-safe: use one per connection (or per thread). The embedded schema texts themselves
// are read-only and shared.
class SchemaValidator {
 public:
  explicit SchemaValidator(ProtocolVersion v);
  ~SchemaValidator();
  SchemaValidator(SchemaValidator&&) noexcept;
  SchemaValidator& operator=(SchemaValidator&&) noexcept;
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  ProtocolVersion version() const { return version_; }

  // True when a schema exists for <action>.req, i.e. the action exists in this version.
  bool knows_action(std::string_view action) const;
  bool has_schema(std::string_view action, MessageKind kind) const;
  // Every action that has a request schema, sorted.
  std::vector<std::string_view> actions() const;

  // nullopt when `payload` conforms to the schema of <action>.req or <action>.conf, including
  // `format: date-time` (RFC 3339) and `multipleOf` with a tolerance for decimal fractions.
  // Otherwise the CALLERROR code to answer with (OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3) and a
  // description naming the field as a JSON pointer and the violated keyword. Of several failures
  // it reports the first in document order, a date-time or multipleOf one only when nothing else
  // fails. An action without a schema gives NotImplemented. Compiles the action's schema on first
  // use (into the block's own validation tree) and caches it; throws
  // std::runtime_error naming the keyword if that schema uses one the validator does not implement
  // (a schema refresh must not silently weaken validation; every embedded schema compiles).
  std::optional<ValidationError> validate(std::string_view action, MessageKind kind,
                                          const rapidjson::Value& payload);

 private:
  ProtocolVersion version_;
  // Indexed like the embedded table of `version_`; null until first used.
  std::vector<std::unique_ptr<schema_detail::CompiledSchema>> compiled_;
  // The table index validated last, per kind (request, response): an endpoint checks a CALL and
  // its answer one after the other, so this mostly saves searching the table.
  std::size_t recent_[2] = {0, 0};
};

}  // namespace ocpp
