// GET /static/NAME: the stylesheet and the script, embedded at build time (assets.hpp).
#include "assets.hpp"
#include "pages.hpp"

namespace ocpp::server::web {

std::optional<Response> static_file(const std::string& name) {
  // Only the files a page links to: templates are assets too, but not for the browser.
  if (name != "style.css" && name != "local-time.js") return std::nullopt;
  const Asset* asset = find_asset(name);
  if (asset == nullptr) return std::nullopt;
  Response r;
  r.content_type = std::string(asset->content_type);
  r.body = std::string(asset->text);
  // Short: a new binary's stylesheet reaches phones within minutes without versioned names.
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace ocpp::server::web
