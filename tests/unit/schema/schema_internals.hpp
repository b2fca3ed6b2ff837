#pragma once
// White-box access to the schema block's private headers (ocpp/schema/src), for the tests of the
// compiler and of the keyword -> error code mapping. Only the tests of this block include them.
#include "../../../ocpp/schema/src/compiled_schema.hpp"    // IWYU pragma: export
#include "../../../ocpp/schema/src/error_description.hpp"  // IWYU pragma: export
#include "../../../ocpp/schema/src/string_set.hpp"         // IWYU pragma: export
#include "../../../ocpp/schema/src/value_checks.hpp"       // IWYU pragma: export
