// CurlTransfer (chargepoint/transfer) against a small HTTP server on loopback written here: what a
// firmware download and a log upload meet in the field (a missing file, an oversized or cut body,
// a server that never answers), and that a failed download leaves nothing at its destination.
#include "ocpp/cp/curl_transfer.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loop_runner.hpp"
#include "ocpp/transport/lws_loop.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace ocpp::cp {
namespace {

// One connection at a time; the answer depends on the path.
class LoopbackHttp {
 public:
  LoopbackHttp() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackHttp() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string body = "firmware image bytes";
  struct Upload {
    std::string method;
    std::string body;
  };
  std::optional<Upload> upload() {
    std::lock_guard<std::mutex> lock(mutex_);
    return upload_;
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      answer(c);
      ::close(c);
    }
  }

  static void send_all(int c, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(c, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void answer(int c) {
    std::string in;
    char buf[4096];
    std::size_t header_end = std::string::npos;
    while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<std::size_t>(n));
    }
    std::istringstream first(in.substr(0, in.find("\r\n")));
    std::string method, path;
    first >> method >> path;
    std::size_t length = 0;
    const auto cl = in.find("Content-Length: ");
    if (cl != std::string::npos && cl < header_end) length = std::stoul(in.substr(cl + 16));
    std::string request_body = in.substr(header_end + 4);
    while (request_body.size() < length) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_body.append(buf, static_cast<std::size_t>(n));
    }
    if (path == "/upload") {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        upload_ = Upload{method, request_body};
      }
      send_all(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    } else if (path == "/image") {
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    } else if (path == "/no-length") {  // the body ends when the connection does
      send_all(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
    } else if (path == "/cut") {  // announces the whole body, sends a tenth of it
      send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                      body.substr(0, body.size() / 10));
    } else if (path == "/silent") {  // never answers
      while (!stop_ && ::recv(c, buf, sizeof buf, 0) > 0) {
      }
    } else {
      send_all(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::optional<Upload> upload_;
};

class CurlTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("curl_transfer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::optional<TransferResult> download(const std::string& path, std::int64_t max_bytes = 0) {
    DownloadRequest r;
    r.url = server_.url(path);
    r.destination = destination();
    r.max_bytes = max_bytes;
    std::optional<TransferResult> result;
    transfer_.download(r, [&](const TransferResult& t) { result = t; });
    test::run_until(loop_, [&] { return result.has_value(); }, 15s);
    return result;
  }
  std::string destination() const { return (dir_ / "image.bin").string(); }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // Nothing at the destination, and no part file left behind either.
  bool folder_empty() const { return fs::is_empty(dir_); }

  fs::path dir_;
  LoopbackHttp server_;
  transport::LwsLoop loop_;
  CurlTransfer transfer_{loop_, CurlTransferOptions{std::chrono::seconds{5}, std::chrono::seconds{1}, 5}};
};

TEST_F(CurlTransferTest, DownloadOfAnImageArrivesWhole) {
  server_.body = std::string(300000, 'x') + "end";
  const auto r = download("/image");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->error;
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->bytes, 300003);
  EXPECT_EQ(read(destination()), server_.body);
  EXPECT_FALSE(fs::exists(destination() + ".part"));
}

TEST_F(CurlTransferTest, NotFoundFailsWithTheStatusAndLeavesNothing) {
  const auto r = download("/missing");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->http_status, 404);
  EXPECT_NE(r->error.find("404"), std::string::npos) << r->error;
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, AnnouncedBodyOverTheLimitFails) {
  server_.body = std::string(10000, 'x');
  const auto r = download("/image", 1000);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_NE(r->error.find("limit of 1000 bytes"), std::string::npos) << r->error;
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, UnannouncedBodyIsStoppedOnceItPassesTheLimit) {
  server_.body = std::string(1000000, 'x');
  const auto r = download("/no-length", 1000);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_LT(r->bytes, 1000000);  // stopped early, not read to the end
  EXPECT_NE(r->error.find("limit"), std::string::npos) << r->error;
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, ConnectionCutMidBodyLeavesNothingAtTheDestination) {
  server_.body = std::string(100000, 'x');
  const auto r = download("/cut");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, ServerThatNeverAnswersFails) {
  const auto r = download("/silent");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->http_status, 0);
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, FtpIsRefusedWithAClearError) {
  DownloadRequest req;
  req.url = "ftp://example.com/fw.bin";
  req.destination = destination();
  std::optional<TransferResult> result;
  transfer_.download(req, [&](const TransferResult& t) { result = t; });
  ASSERT_TRUE(test::run_until(loop_, [&] { return result.has_value(); }));
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error, "FTP is not supported: ftp://example.com/fw.bin");
  EXPECT_TRUE(folder_empty());
}

TEST_F(CurlTransferTest, CancelledDownloadReportsNothingAndLeavesNothing) {
  DownloadRequest req;
  req.url = server_.url("/silent");
  req.destination = destination();
  bool called = false;
  const auto id = transfer_.download(req, [&](const TransferResult&) { called = true; });
  test::run_until(loop_, [] { return false; }, 200ms);
  transfer_.cancel(id);
  test::run_until(loop_, [] { return false; }, 2500ms);  // past the stall timeout
  EXPECT_FALSE(called);
  EXPECT_FALSE(fs::exists(destination()));
}

TEST_F(CurlTransferTest, UploadArrivesWithPutAndPost) {
  const std::string file = (dir_ / "log.tar.gz").string();
  std::ofstream(file, std::ios::binary) << std::string(50000, 'L');
  for (const std::string method : {"PUT", "POST"}) {
    UploadRequest req;
    req.url = server_.url("/upload");
    req.file = file;
    req.method = method;
    std::optional<TransferResult> result;
    transfer_.upload(req, [&](const TransferResult& t) { result = t; });
    ASSERT_TRUE(test::run_until(loop_, [&] { return result.has_value(); }, 15s));
    EXPECT_TRUE(result->ok) << result->error;
    EXPECT_EQ(result->http_status, 201);
    const auto got = server_.upload();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->method, method);
    EXPECT_EQ(got->body, std::string(50000, 'L'));
  }
}

TEST_F(CurlTransferTest, UploadToAMissingPathFails) {
  const std::string file = (dir_ / "log.txt").string();
  std::ofstream(file) << "log";
  UploadRequest req;
  req.url = server_.url("/nowhere");
  req.file = file;
  std::optional<TransferResult> result;
  transfer_.upload(req, [&](const TransferResult& t) { result = t; });
  ASSERT_TRUE(test::run_until(loop_, [&] { return result.has_value(); }, 15s));
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->http_status, 404);
}

TEST_F(CurlTransferTest, DestroyedWhileTransferringStopsCleanly) {
  auto transfer = std::make_unique<CurlTransfer>(loop_);
  DownloadRequest req;
  req.url = server_.url("/silent");
  req.destination = destination();
  transfer->download(req, [](const TransferResult&) { ADD_FAILURE() << "no result after destruction"; });
  test::run_until(loop_, [] { return false; }, 100ms);
  transfer.reset();  // joins its thread: returns within about a second
  test::run_until(loop_, [] { return false; }, 100ms);
  EXPECT_FALSE(fs::exists(destination()));
}

}  // namespace
}  // namespace ocpp::cp
