#pragma once
// The page handlers, one file each; driver_pages.cpp routes to them.
#include <optional>
#include <string>

#include "page.hpp"

namespace ocpp::server::web {

// GET /c/ID/N: the QR landing page (landing_page.cpp).
Response landing_page(PageEnv& env, const Visit& visit, const std::string& charge_point_id,
                      const std::string& connector_text);
// POST /c/ID/N/code: issue a code and show it (code_page.cpp).
Response issue_code_page(PageEnv& env, const Visit& visit, const std::string& charge_point_id,
                         const std::string& connector_text);
// GET and POST /login, POST /logout (login_page.cpp).
Response login_form(PageEnv& env, const Visit& visit);
Response login_submit(PageEnv& env, const Visit& visit);
Response logout(PageEnv& env, const Visit& visit);
// GET /me (my_sessions_page.cpp).
Response my_sessions_page(PageEnv& env, const Visit& visit);
// GET /static/NAME (static_files.cpp): nullopt when there is no such file.
std::optional<Response> static_file(const std::string& name);

// The connector of a landing or code URL: a decimal number from 1 to the pile's highest reported
// connector (up to 7, the most a code can name, while the pile has reported none: docs/offline-code.md
// §2). nullopt for anything else (connector.cpp).
std::optional<int> parse_connector(const std::string& text, const PileInfo& pile);

// The page for a pile or connector that does not exist: 404 (connector.cpp).
Response unknown_pile_page(const Visit& visit, const std::string& here, const std::string& charge_point_id);
Response unknown_connector_page(const Visit& visit, const std::string& here, const PileInfo& pile,
                                const std::string& connector_text);

}  // namespace ocpp::server::web
