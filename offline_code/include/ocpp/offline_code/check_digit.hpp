#pragma once
// The Damm check digit (docs/offline-code.md section 4.4): catches every single-digit substitution
// and every adjacent transposition, so that a typing error is told apart from a wrong code.
#include <optional>
#include <string_view>

namespace ocpp::offline_code {

// The check digit to append to `digits`; nullopt if `digits` holds anything but '0'..'9'.
std::optional<int> damm_check_digit(std::string_view digits);
// True when `digits` (check digit included) is all decimal digits and its Damm interim ends at 0.
bool damm_valid(std::string_view digits);

}  // namespace ocpp::offline_code
