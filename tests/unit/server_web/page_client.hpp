#pragma once
// Drives DriverPages as a browser would: keeps the session cookie it is given, reads the CSRF token
// out of the last page's forms, and follows nothing by itself (tests look at redirects).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <regex>
#include <string>

#include "fake_backend.hpp"
#include "ocpp/common/clock.hpp"
#include "ocpp/server/web/driver_pages.hpp"

namespace ocpp::server::web::test {

inline std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

inline std::string percent_encode_for_test(const std::string& s) {
  // Independent of the pages' own encoder: everything but [A-Za-z0-9] encoded.
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class PageClient {
 public:
  PageClient(DriverPages& pages) : pages_(pages) {}

  Response get(const std::string& target) { return send("GET", target, ""); }
  Response post(const std::string& target, const std::string& body) { return send("POST", target, body); }
  // A POST with the CSRF token of the last page seen.
  Response post_form(const std::string& target, const std::string& fields = "") {
    std::string body = "csrf=" + csrf;
    if (!fields.empty()) body += "&" + fields;
    return post(target, body);
  }
  // GET /login, then POST the form: the Response of the POST.
  Response log_in(const std::string& user, const std::string& password, const std::string& next = "/me") {
    get("/login?next=" + percent_encode_for_test(next));
    return post_form("/login", "user=" + percent_encode_for_test(user) + "&password=" +
                                   percent_encode_for_test(password) + "&next=" + percent_encode_for_test(next));
  }

  std::string cookie;  // "driver_session=..." or empty
  std::string csrf;    // from the last page with a form

 private:
  Response send(const std::string& method, const std::string& target, const std::string& body) {
    Request request;
    request.method = method;
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.body = body;
    request.cookie = cookie;
    const std::optional<Response> response = pages_.handle(request);
    if (!response) {
      ADD_FAILURE() << method << " " << target << " is not a page";
      return Response{0, "", "", {}};
    }
    for (const auto& [k, v] : response->headers) {
      if (k != "Set-Cookie") continue;
      const std::string pair = v.substr(0, v.find(';'));
      cookie = pair.substr(pair.find('=') + 1).empty() ? "" : pair;
    }
    static const std::regex token(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    if (std::regex_search(response->body, m, token)) csrf = m[1];
    return *response;
  }

  DriverPages& pages_;
};

// The visible text of a page, markup removed and whitespace collapsed, so that a test reads what
// the driver reads.
inline std::string visible_text(const std::string& html) {
  std::string no_tags = std::regex_replace(html, std::regex("<[^>]*>"), " ");
  no_tags = std::regex_replace(no_tags, std::regex("\\s+"), " ");
  for (const auto& [entity, c] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                                  {"&#39;", "'"}, {"&amp;", "&"}}) {
    no_tags = std::regex_replace(no_tags, std::regex(entity), c);
  }
  return no_tags;
}

}  // namespace ocpp::server::web::test
