#include "ocpp/cp/curl_transfer.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

struct CurlTransfer::Shared {
  struct Job {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> stop = std::make_shared<std::atomic<bool>>(false);
  };
  std::mutex mutex;
  std::map<Id, Job> jobs;
  // Cancelled transfers still winding down (each ends at its next progress callback, at most about
  // a second later): joined by the destructor, never by the loop.
  std::vector<std::thread> stopping;
  Id next_id = 1;

  // Takes the job out of the table (it ran to its end); false when it was cancelled meanwhile.
  bool finish(Id id) {
    std::thread t;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = jobs.find(id);
      if (it == jobs.end()) return false;
      t = std::move(it->second.thread);
      jobs.erase(it);
    }
    if (t.joinable()) t.join();  // it has posted its result: it is returning
    return true;
  }
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::once_flag g_curl_init;

struct Easy {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~Easy() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
  }
};

// What the callbacks of one transfer share with the worker thread.
struct Progress {
  std::FILE* file = nullptr;
  std::int64_t bytes = 0;
  std::int64_t max_bytes = 0;
  bool too_large = false;
  std::atomic<bool>* stop = nullptr;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* p = static_cast<Progress*>(user);
  const std::size_t n = size * count;
  p->bytes += static_cast<std::int64_t>(n);
  // Stopped as soon as the body passes the limit, not after it has filled the disk.
  if (p->max_bytes > 0 && p->bytes > p->max_bytes) {
    p->too_large = true;
    return 0;
  }
  return std::fwrite(data, 1, n, p->file);
}

std::size_t read_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* p = static_cast<Progress*>(user);
  const std::size_t n = std::fread(data, 1, size * count, p->file);
  p->bytes += static_cast<std::int64_t>(n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Progress*>(user)->stop->load() ? 1 : 0;  // non-zero aborts: cancel()
}

void common_options(Easy& e, const CurlTransferOptions& o, const std::string& url, const std::string& ca_file,
                    Progress& progress, char* errbuf) {
  curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
  // Redirects stay on http(s): a CSMS's URL must not lead the pile to file:// or another scheme.
  curl_easy_setopt(e.h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e.h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e.h, CURLOPT_MAXREDIRS, o.max_redirects);
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(e.h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e.h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.stall_timeout.count()));
  curl_easy_setopt(e.h, CURLOPT_FAILONERROR, 1L);  // a status >= 400 fails the transfer
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file.empty()) curl_easy_setopt(e.h, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(e.h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e.h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e.h, CURLOPT_XFERINFODATA, &progress);
  curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, errbuf);
  errbuf[0] = '\0';
}

TransferResult outcome(Easy& e, CURLcode rc, const Progress& p, const char* errbuf, const std::string& url) {
  TransferResult r;
  curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &r.http_status);
  r.bytes = p.bytes;
  if (rc == CURLE_OK && r.http_status < 400) {
    r.ok = true;
    return r;
  }
  if (p.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    r.error = "larger than the limit of " + std::to_string(p.max_bytes) + " bytes: " + url;
  } else if (rc == CURLE_HTTP_RETURNED_ERROR || (rc == CURLE_OK && r.http_status >= 400)) {
    r.error = "HTTP status " + std::to_string(r.http_status) + ": " + url;
  } else {
    r.error = std::string(errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc)) + ": " + url;
  }
  return r;
}

// The part file reaches the disk before it takes the final name, and the rename itself too (the
// folder's entry): a power cut leaves the old state or the complete new file.
bool commit_file(std::FILE* f, const std::string& part, const std::string& destination, std::string& error) {
  const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!flushed || !closed || std::rename(part.c_str(), destination.c_str()) != 0) {
    error = "cannot write " + destination;
    std::remove(part.c_str());
    return false;
  }
  const auto slash = destination.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : destination.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return true;
}

TransferResult run_download(const DownloadRequest& req, const CurlTransferOptions& o, std::atomic<bool>& stop) {
  TransferResult r;
  if (auto why = unsupported_url(req.url); !why.empty()) {
    r.error = why;
    return r;
  }
  const std::string part = req.destination + ".part";
  Progress p;
  p.max_bytes = req.max_bytes;
  p.stop = &stop;
  p.file = std::fopen(part.c_str(), "wb");
  if (p.file == nullptr) {
    r.error = "cannot create " + part;
    return r;
  }
  Easy e;
  char errbuf[CURL_ERROR_SIZE];
  common_options(e, o, req.url, req.ca_file, p, errbuf);
  curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &p);
  // A Content-Length above the limit fails before the body is read.
  if (req.max_bytes > 0) curl_easy_setopt(e.h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.max_bytes));
  const CURLcode rc = curl_easy_perform(e.h);
  r = outcome(e, rc, p, errbuf, req.url);
  if (!r.ok) {
    std::fclose(p.file);
    std::remove(part.c_str());
    return r;
  }
  if (!commit_file(p.file, part, req.destination, r.error)) r.ok = false;
  return r;
}

TransferResult run_upload(const UploadRequest& req, const CurlTransferOptions& o, std::atomic<bool>& stop) {
  TransferResult r;
  if (auto why = unsupported_url(req.url); !why.empty()) {
    r.error = why;
    return r;
  }
  if (req.method != "PUT" && req.method != "POST") {
    r.error = "upload method must be PUT or POST, not \"" + req.method + "\"";
    return r;
  }
  Progress p;
  p.stop = &stop;
  p.file = std::fopen(req.file.c_str(), "rb");
  if (p.file == nullptr) {
    r.error = "cannot read " + req.file;
    return r;
  }
  std::fseek(p.file, 0, SEEK_END);
  const curl_off_t size = std::ftell(p.file);
  std::fseek(p.file, 0, SEEK_SET);
  Easy e;
  char errbuf[CURL_ERROR_SIZE];
  common_options(e, o, req.url, req.ca_file, p, errbuf);
  curl_easy_setopt(e.h, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(e.h, CURLOPT_READDATA, &p);
  e.headers = curl_slist_append(e.headers, "Content-Type: application/octet-stream");
  e.headers = curl_slist_append(e.headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
  if (req.method == "PUT") {
    curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e.h, CURLOPT_INFILESIZE_LARGE, size);
  } else {
    curl_easy_setopt(e.h, CURLOPT_POST, 1L);
    curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE_LARGE, size);
  }
  const CURLcode rc = curl_easy_perform(e.h);
  r = outcome(e, rc, p, errbuf, req.url);
  std::fclose(p.file);
  return r;
}

}  // namespace

std::string unsupported_url(const std::string& url) {
  const auto colon = url.find("://");
  const std::string scheme = colon == std::string::npos ? std::string() : lower(url.substr(0, colon));
  if (scheme == "http" || scheme == "https") return {};
  // 1.6 §5.18 allows FTP locations; this pile only fetches over HTTP(S) (issue 13).
  if (scheme == "ftp" || scheme == "ftps" || scheme == "sftp") return "FTP is not supported: " + url;
  return "only http:// and https:// URLs are supported: " + url;
}

CurlTransfer::CurlTransfer(EventLoop& loop, CurlTransferOptions options)
    : loop_(loop), options_(options), shared_(std::make_shared<Shared>()) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlTransfer::~CurlTransfer() {
  std::map<Id, Shared::Job> jobs;
  std::vector<std::thread> stopping;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    jobs.swap(shared_->jobs);  // results posted from now on find no job and are dropped
    stopping.swap(shared_->stopping);
  }
  for (auto& [id, job] : jobs) job.stop->store(true);
  for (auto& [id, job] : jobs) {
    if (job.thread.joinable()) job.thread.join();
  }
  for (auto& t : stopping) t.join();
}

namespace {

template <class Work>
FileTransfer::Id start(EventLoop& loop, const std::shared_ptr<CurlTransfer::Shared>& shared, Work work,
                       FileTransfer::Done done) {
  std::lock_guard<std::mutex> lock(shared->mutex);
  const auto id = shared->next_id++;
  auto& job = shared->jobs[id];
  auto stop = job.stop;
  job.thread = std::thread([&loop, shared, id, stop, work = std::move(work), done = std::move(done)]() mutable {
    TransferResult result = work(*stop);
    if (stop->load()) return;  // cancelled: nothing to report, and the loop may be going away
    loop.post([shared, id, stop, result = std::move(result), done = std::move(done)] {
      if (stop->load()) return;  // cancelled after the work ended
      if (shared->finish(id)) done(result);
    });
  });
  return id;
}

}  // namespace

FileTransfer::Id CurlTransfer::download(const DownloadRequest& request, Done done) {
  return start(
      loop_, shared_, [request, o = options_](std::atomic<bool>& stop) { return run_download(request, o, stop); },
      std::move(done));
}

FileTransfer::Id CurlTransfer::upload(const UploadRequest& request, Done done) {
  return start(
      loop_, shared_, [request, o = options_](std::atomic<bool>& stop) { return run_upload(request, o, stop); },
      std::move(done));
}

void CurlTransfer::cancel(Id id) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  auto it = shared_->jobs.find(id);
  if (it == shared_->jobs.end()) return;
  it->second.stop->store(true);
  // Not joined here: the loop must not wait for a stalled server to notice. The thread removes its
  // part file at its next progress callback and is joined with the others by the destructor.
  shared_->stopping.push_back(std::move(it->second.thread));
  shared_->jobs.erase(it);
}

}  // namespace ocpp::cp
