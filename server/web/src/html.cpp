#include "html.hpp"

#include <set>
#include <stdexcept>

#include "assets.hpp"

namespace ocpp::server::web {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Html render_template(std::string_view name, const TemplateValues& values) {
  const Asset* asset = find_asset(name);
  if (asset == nullptr) throw std::logic_error("no template " + std::string(name));
  const std::string_view text = asset->text;
  std::string out;
  out.reserve(text.size() * 2);
  std::set<std::string, std::less<>> used;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw std::logic_error("template " + std::string(name) + ": unclosed {{");
    }
    out.append(text.substr(at, open - at));
    const std::string_view key = text.substr(open + 2, close - open - 2);
    const auto value = values.find(key);
    if (value == values.end()) {
      throw std::logic_error("template " + std::string(name) + ": no value for {{" + std::string(key) + "}}");
    }
    used.emplace(key);
    if (const auto* html = std::get_if<Html>(&value->second)) {
      out += html->text;
    } else {
      out += escape_html(std::get<std::string>(value->second));
    }
    at = close + 2;
  }
  for (const auto& [key, value] : values) {
    if (used.count(key) == 0) {
      throw std::logic_error("template " + std::string(name) + ": value " + key + " is not used");
    }
  }
  return Html{std::move(out)};
}

}  // namespace ocpp::server::web
