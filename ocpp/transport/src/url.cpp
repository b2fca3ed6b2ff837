#include "ocpp/transport/url.hpp"

#include <cctype>
#include <charconv>

namespace ocpp::transport {

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  if (text.rfind("ws://", 0) == 0) {
    text.remove_prefix(5);
  } else if (text.rfind("wss://", 0) == 0) {
    url.tls = true;
    text.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (port_text.empty()) {
    url.port = url.tls ? 443 : 80;
  } else {
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), url.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || url.port <= 0 || url.port > 65535) {
      return std::nullopt;
    }
  }
  return url;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Url charge_point_url(const Url& base, std::string_view charge_point_id) {
  Url url = base;
  if (url.path.empty() || url.path.back() != '/') url.path.push_back('/');
  url.path += percent_encode(charge_point_id);
  return url;
}

std::optional<std::string> charge_point_id_from_path(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::size_t slash = path.rfind('/');
  // The last segment must lie past the prefix ("/ocpp/" alone names no charge point).
  const std::size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  if (start < prefix.size() || start >= path.size()) return std::nullopt;
  return std::string(path.substr(start));
}

}  // namespace ocpp::transport
