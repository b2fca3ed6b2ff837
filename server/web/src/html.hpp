#pragma once
// HTML output: escaping and the page templates of server/web/assets/.
//
// Every value put into a page goes through a template, which escapes it unless it is Html (markup
// that another template produced). So a value from a driver, the backend or the URL can never
// become markup (docs/driver-pages.md "Security").
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace ocpp::server::web {

// Escapes the five characters that are markup in text and in quoted attribute values.
std::string escape_html(std::string_view text);

// Markup produced by a template (trusted); plain std::string values are escaped.
struct Html {
  std::string text;
};

using TemplateValue = std::variant<std::string, Html>;
using TemplateValues = std::map<std::string, TemplateValue, std::less<>>;

// Renders the asset `name`: each "{{key}}" is replaced by its value, escaped unless it is Html.
// A placeholder without a value, a value without a placeholder, or a missing asset is a
// programming error: std::logic_error naming it (the unit tests render every page).
Html render_template(std::string_view name, const TemplateValues& values);

}  // namespace ocpp::server::web
