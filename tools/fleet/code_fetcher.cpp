#include "code_fetcher.hpp"

#include <curl/curl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ocpp::fleet {
namespace {

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string body(const std::string& charge_point_id, int connector) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("charge_point_id");
  w.String(charge_point_id.c_str());
  w.Key("connector_id");
  w.Int(connector);
  w.EndObject();
  return {b.GetString(), b.GetSize()};
}

}  // namespace

CodeFetcher::CodeFetcher(EventLoop& loop, std::string base_url, std::string user)
    : loop_(loop), url_(std::move(base_url) + "/api/offline-codes"), user_(std::move(user)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  thread_ = std::thread([this] { run(); });
}

CodeFetcher::~CodeFetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  curl_global_cleanup();
}

void CodeFetcher::fetch(const std::string& charge_point_id, int connector, std::function<void(CodeAnswer)> done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(Request{charge_point_id, connector, std::move(done)});
  }
  wake_.notify_one();
}

void CodeFetcher::run() {
  CURL* curl = curl_easy_init();  // one handle: its connection is reused from request to request
  for (;;) {
    Request r;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      r = std::move(queue_.front());
      queue_.pop_front();
    }
    CodeAnswer answer = curl != nullptr ? request(curl, r) : CodeAnswer{{}, "libcurl: cannot make a handle"};
    loop_.post([done = std::move(r.done), answer = std::move(answer)]() mutable { done(std::move(answer)); });
  }
  if (curl != nullptr) curl_easy_cleanup(curl);
}

CodeAnswer CodeFetcher::request(void* handle, const Request& r) {
  CURL* curl = static_cast<CURL*>(handle);
  const std::string payload = body(r.charge_point_id, r.connector);
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(curl, CURLOPT_USERPWD, user_.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return {{}, "POST " + url_ + ": " + curl_easy_strerror(rc), true};
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  rapidjson::Document doc;
  doc.Parse(response.c_str());
  if (status != 201 || doc.HasParseError() || !doc.IsObject() || !doc.HasMember("code") || !doc["code"].IsString()) {
    return {{}, "POST " + url_ + " for " + r.charge_point_id + "/" + std::to_string(r.connector) + ": HTTP " +
                    std::to_string(status) + " " + response.substr(0, 200),
            status == 409 || status == 429 || status == 503};
  }
  return {doc["code"].GetString(), {}};
}

}  // namespace ocpp::fleet
