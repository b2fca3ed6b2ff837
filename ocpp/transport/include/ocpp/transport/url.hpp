#pragma once
// CSMS URLs: the configured base plus "/" plus the percent-encoded charge point id
// (1.6 OCPP-J §3.1.1, 2.0.1 Part 4 §3.2), and the id read back from such a path.
#include <optional>
#include <string>
#include <string_view>

namespace ocpp::transport {

struct Url {
  bool tls = false;  // wss
  std::string host;
  int port = 0;
  std::string path;  // starts with "/"
};

// Parses ws://host[:port][/path] and wss://...; IPv6 hosts in brackets. nullopt on anything else.
std::optional<Url> parse_url(std::string_view text);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);
// The inverse: %XX decoded; with `plus_is_space` (form and query encoding) '+' is a space. A '%'
// not followed by two hexadecimal digits is kept as it is.
std::string percent_decode(std::string_view text, bool plus_is_space = false);
// base + "/" + percent_encode(id), without doubling a trailing slash of the base.
Url charge_point_url(const Url& base, std::string_view charge_point_id);
// The CSMS side of the same rule (1.6 OCPP-J §3.1.1, 2.0.1 Part 4 §3.2): the charge point identity
// is the last segment of the request path, whatever prefix comes before it. `path` is the path as
// libwebsockets hands it, already percent-decoded once; decoding it again would turn an id such as
// "CP%41" into "CPA". nullopt when the path does not start with `prefix` or its last segment is empty.
std::optional<std::string> charge_point_id_from_path(std::string_view path, std::string_view prefix = "/");

}  // namespace ocpp::transport
