#pragma once
// Turns a validation failure (keyword, schema node, value, path) into the CALLERROR code and a
// description that names the field as a JSON pointer and the violated keyword.
#include <string_view>

#include "ocpp/common/error_code.hpp"
#include "tree_validator.hpp"

namespace ocpp::schema_detail {

// OCPP-J 1.6 §4.2.3 / 2.0.1 Part 4 §4.3 error codes for a failed JSON Schema keyword.
RpcErrorCode code_for_keyword(std::string_view keyword);

ValidationError describe_failure(const Failure& failure);

}  // namespace ocpp::schema_detail
