#include "ocpp/transport/lws_loop.hpp"

#include <csignal>
#include <set>
#include <stdexcept>

#include "ocpp/common/log.hpp"

namespace ocpp::transport {
namespace {

void lws_log_to_ours(int level, const char* line) {
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (level & LLL_ERR) {
    log::warn("lws", text);
  } else if (level & (LLL_WARN | LLL_NOTICE)) {
    log::debug("lws", text);
  }
}

const lws_protocols kLoopProtocols[] = {
    {"ocpp-loop", nullptr, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

}  // namespace

const char* LwsLoop::persistent(const std::string& text) {
  static std::mutex mutex;
  static std::set<std::string> pool;
  std::lock_guard<std::mutex> lock(mutex);
  return pool.insert(text).first->c_str();
}

namespace {
std::sig_atomic_t volatile g_signalled = 0;
void on_stop_signal(int) { g_signalled = 1; }
}  // namespace

void LwsLoop::stop_on_signals(std::function<void()> on_signal) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  on_signal_ = std::move(on_signal);
  check_signals();
}

void LwsLoop::check_signals() {
  if (g_signalled) {
    if (on_signal_) on_signal_();
    stop();
    return;
  }
  schedule_after(std::chrono::milliseconds{100}, [this] { check_signals(); });
}

namespace {
std::mutex g_live_mutex;
std::set<const void*>& live_owners() {
  static std::set<const void*> owners;
  return owners;
}
}  // namespace

void LwsLoop::set_live(const void* owner, bool live) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  if (live) {
    live_owners().insert(owner);
  } else {
    live_owners().erase(owner);
  }
}

bool LwsLoop::is_live(const void* owner) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  return live_owners().count(owner) != 0;
}

const Clock& LwsLoop::default_clock() {
  static SystemClock clock;
  return clock;
}

LwsLoop::LwsLoop(const Clock& clock) : clock_(clock) {
  wakeup_.self = this;
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_to_ours);
  static lws_protocols protocols[2];
  protocols[0] = kLoopProtocols[0];
  protocols[0].callback = &LwsLoop::loop_callback;
  protocols[1] = kLoopProtocols[1];

  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.gid = -1;
  info.uid = -1;
  info.user = this;
  // Vhosts are created by each client and server with their own TLS settings.
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  context_ = lws_create_context(&info);
  if (context_ == nullptr) throw std::runtime_error("libwebsockets: cannot create context");
  // The default vhost carries the loop protocol, which receives EVENT_WAIT_CANCELLED for post().
  lws_context_creation_info vinfo{};
  vinfo.port = CONTEXT_PORT_NO_LISTEN;
  vinfo.protocols = protocols;
  vinfo.vhost_name = "ocpp-loop";
  if (lws_create_vhost(context_, &vinfo) == nullptr) {
    lws_context_destroy(context_);
    throw std::runtime_error("libwebsockets: cannot create loop vhost");
  }
}

LwsLoop::~LwsLoop() {
  lws_sul_cancel(&wakeup_.sul);
  lws_context_destroy(context_);
}

namespace {

// Work run from inside libwebsockets' service loop must not throw through its C frames: an
// exception there ends the process. It is logged as the bug it is, and the loop goes on.
std::function<void()> guarded(std::function<void()> fn) {
  return [fn = std::move(fn)] {
    try {
      fn();
    } catch (const std::exception& e) {
      log::error("loop", std::string("BUG: uncaught exception in event loop work: ") + e.what());
    }
  };
}

}  // namespace

TimerId LwsLoop::schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  const TimerId id = timers_.add(clock_.steady_now() + delay, guarded(std::move(fn)));
  arm_wakeup();
  return id;
}

void LwsLoop::cancel(TimerId id) { timers_.cancel(id); }

void LwsLoop::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(guarded(std::move(fn)));
  }
  lws_cancel_service(context_);
}

void LwsLoop::run() {
  stopping_ = false;
  while (!stopping_) run_once();
}

void LwsLoop::run_once() {
  drain();
  if (stopping_) return;
  if (lws_service(context_, 0) < 0) {
    log::error("loop", "libwebsockets service failed");
    stopping_ = true;
  }
  drain();
}

void LwsLoop::stop() {
  stopping_ = true;
  lws_cancel_service(context_);
}

void LwsLoop::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
  timers_.run_due(clock_.steady_now());
  arm_wakeup();
}

void LwsLoop::arm_wakeup() {
  const auto next = timers_.next_deadline();
  if (!next) {
    lws_sul_cancel(&wakeup_.sul);
    return;
  }
  const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(*next - clock_.steady_now());
  const lws_usec_t us = wait.count() > 0 ? static_cast<lws_usec_t>(wait.count()) : 1;
  lws_sul_schedule(context_, 0, &wakeup_.sul, &LwsLoop::on_wakeup, us);
}

void LwsLoop::on_wakeup(lws_sorted_usec_list_t* sul) {
  reinterpret_cast<Wakeup*>(sul)->self->drain();
}

int LwsLoop::loop_callback(lws* wsi, lws_callback_reasons reason, void*, void*, size_t) {
  if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
    auto* self = static_cast<LwsLoop*>(lws_context_user(lws_get_context(wsi)));
    if (self != nullptr) self->drain();
  }
  return 0;
}

std::string header_value(lws* wsi, lws_token_indexes token) {
  const int len = lws_hdr_total_length(wsi, token);
  if (len <= 0) return {};
  std::string value(static_cast<std::size_t>(len) + 1, '\0');
  const int n = lws_hdr_copy(wsi, value.data(), len + 1, token);
  value.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return value;
}

}  // namespace ocpp::transport
