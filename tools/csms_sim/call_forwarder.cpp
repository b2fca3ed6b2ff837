#include "call_forwarder.hpp"

#include <curl/curl.h>

#include "ocpp/common/log.hpp"

namespace ocpp::csms {
namespace {

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// One blocking POST with libcurl. Returns the HTTP status, or 0 with `error` set.
long post(const std::string& url, const std::string& authorization, const std::string& body,
          std::chrono::milliseconds timeout, std::string& answer, std::string& error) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    error = "libcurl could not start";
    return 0;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!authorization.empty()) headers = curl_slist_append(headers, ("Authorization: " + authorization).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  long status = 0;
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  else error = curl_easy_strerror(rc);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

}  // namespace

CallForwarder::CallForwarder(transport::LwsLoop& loop, std::chrono::milliseconds timeout)
    : loop_(loop), timeout_(timeout) {
  // Here, on the main thread: libcurl's global set-up is not thread-safe.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

CallForwarder::~CallForwarder() {
  for (auto& e : exchanges_) e.thread.join();
  curl_global_cleanup();
}

void CallForwarder::join_finished() {
  for (auto it = exchanges_.begin(); it != exchanges_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = exchanges_.erase(it);
    } else {
      ++it;
    }
  }
}

void CallForwarder::forward(const std::string& instance_url, const std::string& path, const std::string& authorization,
                            const std::string& body, Responder respond) {
  join_finished();
  log::info("http", "forwarding " + path + " to " + instance_url + ", which holds the charge point's connection");
  Exchange& e = exchanges_.emplace_back();
  // A little longer than the other instance's own wait for the pile, so that its 504 arrives here.
  const auto timeout = timeout_ + std::chrono::seconds(5);
  e.thread = std::thread([this, url = instance_url + path, authorization, body, respond = std::move(respond), timeout,
                          done = e.done]() mutable {
    std::string answer, error;
    const long status = post(url, authorization, body, timeout, answer, error);
    loop_.post([status, answer = std::move(answer), error, url, respond = std::move(respond)] {
      if (status == 0) {
        respond(HttpResponse{502, "application/json",
                             R"({"error":"the instance holding the charge point's connection did not answer","reason":"instance_unreachable"})",
                             {}});
        log::warn("http", "forwarding to " + url + " failed: " + error);
        return;
      }
      respond(HttpResponse{static_cast<int>(status), "application/json", answer, {}});
    });
    done->store(true);
  });
}

}  // namespace ocpp::csms
