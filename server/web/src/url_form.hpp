#pragma once
// What the pages read from a request and write into links: percent-encoding (RFC 3986 §2.1),
// application/x-www-form-urlencoded bodies and queries (HTML Living Standard "URL-encoded form
// data"), Cookie headers (RFC 6265 §5.4), and the local-path check that refuses open redirects.
// ocpp/transport has a percent_encode for CSMS URLs; it is not reused so that the pages do not
// depend on the WebSocket transport.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::server::web {

// Everything but RFC 3986 unreserved characters is encoded.
std::string percent_encode(std::string_view text);
// "%41" -> "A"; with `plus_is_space` (form data) "+" -> " ". A "%" not followed by two hex digits
// is kept as it is: a request is never refused for it, and the value is then checked where used.
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x+y" -> {a: "1", b: "x y"}. The first of repeated names wins.
std::map<std::string, std::string> parse_form(std::string_view text);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

// Splits "/c/CP-1/2" into {"c", "CP-1", "2"} (segments percent-decoded; empty ones kept, so that
// "/c//1" is told apart from "/c/1").
std::vector<std::string> path_segments(std::string_view path);

// A redirect target after log-in must stay on this site: an absolute path ("/me",
// "/c/CP-1/1?x=y"), never "//evil.example", "/\evil", "https://..." or anything with control
// characters. Anything else gives nullopt.
std::optional<std::string> local_path(std::string_view target);

}  // namespace ocpp::server::web
