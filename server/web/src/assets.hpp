#pragma once
// The files of server/web/assets/, compiled into the binary by embed_assets.py so that the pages
// read nothing from disk at run time.
#include <string_view>

namespace ocpp::server::web {

struct Asset {
  std::string_view name;  // file name, e.g. "layout.html"
  std::string_view content_type;
  std::string_view text;
};

// nullptr when there is no asset of that name.
const Asset* find_asset(std::string_view name);

}  // namespace ocpp::server::web
