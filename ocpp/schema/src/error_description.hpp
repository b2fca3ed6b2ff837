#pragma once
// Turns what RapidJSON's schema validator reports (keyword, schema pointer, document pointer) into
// the CALLERROR code and a description that names the field and the keyword.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "ocpp/common/error_code.hpp"

namespace ocpp::schema_detail {

// Where RapidJSON stopped: the keyword that failed, the (sub)schema that holds it and the payload
// value it was applied to, both as RFC 6901 pointers.
struct SchemaFailure {
  std::string keyword;
  std::string schema_pointer;
  std::string document_pointer;
};

// OCPP-J 1.6 §4.2.3 / 2.0.1 Part 4 §4.3 error codes for a failed JSON Schema keyword.
RpcErrorCode code_for_keyword(std::string_view keyword);

// `schema_text` is the action's schema; it is parsed again here, only on this failure path, to read
// the values a description needs (the enum, the limit, the missing property), so that compiled
// schemas need not keep their source document in memory.
ValidationError describe_failure(std::string_view schema_text, const SchemaFailure& failure,
                                 const rapidjson::Value& payload);

}  // namespace ocpp::schema_detail
