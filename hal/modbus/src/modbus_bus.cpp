#include "ocpp/hal/modbus/modbus_bus.hpp"

#include <modbus.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <future>
#include <stdexcept>

#include "ocpp/common/log.hpp"

namespace ocpp::hal::modbus {
namespace {

modbus_t* as_ctx(void* p) { return static_cast<modbus_t*>(p); }

bool standard_baud(int baud) {
  // The rates termios names (libmodbus falls back to 9600 for others, silently).
  constexpr int kRates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400};
  return std::find(std::begin(kRates), std::end(kRates), baud) != std::end(kRates);
}

std::string describe_link(const BusConfig& c) {
  if (const auto* rtu = std::get_if<RtuLink>(&c.link)) {
    return c.name + " (" + rtu->device + " " + std::to_string(rtu->baud) + " " + std::to_string(rtu->data_bits) +
           rtu->parity + std::to_string(rtu->stop_bits) + ")";
  }
  const auto& tcp = std::get<TcpLink>(c.link);
  return c.name + " (" + tcp.host + ":" + std::to_string(tcp.port) + ")";
}

bool is_exception(int error) { return error >= EMBXILFUN && error <= EMBXGTAR; }

// "20480 (0x5000)": manuals print addresses in hex, logs and configurations often in decimal.
std::string address_text(std::uint16_t address) {
  char text[24];
  std::snprintf(text, sizeof text, "%u (0x%04X)", static_cast<unsigned>(address), static_cast<unsigned>(address));
  return text;
}

}  // namespace

ModbusBus::ModbusBus(EventLoop& loop, BusConfig config)
    : loop_(loop), config_(std::move(config)), description_(describe_link(config_)) {
  modbus_t* ctx = nullptr;
  if (const auto* rtu = std::get_if<RtuLink>(&config_.link)) {
    if (rtu->device.empty()) throw std::invalid_argument("bus " + config_.name + ": the serial device is empty");
    if (!standard_baud(rtu->baud)) {
      throw std::invalid_argument("bus " + config_.name + ": baud " + std::to_string(rtu->baud) +
                                  " is not a standard rate (1200-230400)");
    }
    if (rtu->parity != 'N' && rtu->parity != 'E' && rtu->parity != 'O') {
      throw std::invalid_argument("bus " + config_.name + ": parity must be N, E or O");
    }
    if (rtu->data_bits < 5 || rtu->data_bits > 8) throw std::invalid_argument("bus " + config_.name + ": data bits must be 5-8");
    if (rtu->stop_bits != 1 && rtu->stop_bits != 2) throw std::invalid_argument("bus " + config_.name + ": stop bits must be 1 or 2");
    ctx = modbus_new_rtu(rtu->device.c_str(), rtu->baud, rtu->parity, rtu->data_bits, rtu->stop_bits);
  } else {
    const auto& tcp = std::get<TcpLink>(config_.link);
    if (tcp.host.empty()) throw std::invalid_argument("bus " + config_.name + ": the host is empty");
    if (tcp.port < 1 || tcp.port > 65535) throw std::invalid_argument("bus " + config_.name + ": port must be 1-65535");
    // The protocol-independent variant: names and IPv6 too, not only dotted IPv4.
    ctx = modbus_new_tcp_pi(tcp.host.c_str(), std::to_string(tcp.port).c_str());
  }
  if (ctx == nullptr) throw std::invalid_argument("bus " + config_.name + ": libmodbus refuses the settings: " + modbus_strerror(errno));
  if (config_.response_timeout.count() <= 0) {
    modbus_free(ctx);
    throw std::invalid_argument("bus " + config_.name + ": the response timeout must be > 0");
  }
  const auto ms = config_.response_timeout.count();
  modbus_set_response_timeout(ctx, static_cast<std::uint32_t>(ms / 1000), static_cast<std::uint32_t>((ms % 1000) * 1000));
  // A frame cut short waits at most this long for its missing bytes (libmodbus's default is
  // 500 ms whatever the response timeout; at 9600 baud a byte takes about 1 ms).
  const auto byte_ms = std::min<long long>(ms, 500);
  modbus_set_byte_timeout(ctx, 0, static_cast<std::uint32_t>(byte_ms * 1000));
  ctx_ = ctx;
  thread_ = std::thread([this] { work(); });
}

ModbusBus::~ModbusBus() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  drop_connection();
  modbus_free(as_ctx(ctx_));
}

std::string ModbusBus::describe() const { return description_; }

ModbusBus::Stats ModbusBus::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void ModbusBus::submit(Job job, std::function<void(JobResult)> done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({std::move(job), std::move(done), {}});
  }
  wake_.notify_one();
}

JobResult ModbusBus::run(Job job) {
  std::promise<JobResult> promise;
  auto future = promise.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({std::move(job), {}, [&promise](JobResult r) { promise.set_value(std::move(r)); }});
  }
  wake_.notify_one();
  return future.get();
}

void ModbusBus::work() {
  const std::weak_ptr<int> alive = alive_;
  for (;;) {
    Pending next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        // run() callers must not wait forever: they get a result saying why.
        for (auto& p : queue_) {
          if (p.direct) p.direct(JobResult{false, "bus " + config_.name + " is stopping", {}, {}});
        }
        queue_.clear();
        return;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    JobResult result = execute(next.job);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.jobs;
      if (!result.ok) ++stats_.failed;
      stats_.busy += result.duration;
      stats_.longest = std::max(stats_.longest, result.duration);
    }
    if (next.direct) {
      next.direct(std::move(result));
    } else if (next.done) {
      loop_.post([alive, done = std::move(next.done), result = std::move(result)]() mutable {
        if (alive.lock()) done(std::move(result));
      });
    }
  }
}

bool ModbusBus::ensure_connected(std::string& error) {
  if (connected_) return true;
  if (modbus_connect(as_ctx(ctx_)) != 0) {
    const bool rtu = std::holds_alternative<RtuLink>(config_.link);
    error = std::string(rtu ? "cannot open " : "cannot connect to ") + description_ + ": " + modbus_strerror(errno);
    if (!reported_connect_failure_) log::warn("modbus", error + " (retried at each poll)");
    reported_connect_failure_ = true;
    return false;
  }
  if (reported_connect_failure_) log::info("modbus", "bus " + description_ + " is open again");
  reported_connect_failure_ = false;
  connected_ = true;
  return true;
}

void ModbusBus::drop_connection() {
  if (!connected_) return;
  modbus_close(as_ctx(ctx_));
  connected_ = false;
}

JobResult ModbusBus::execute(const Job& job) {
  const auto started = std::chrono::steady_clock::now();
  JobResult result;
  auto finish = [&](JobResult r) {
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    return r;
  };
  std::string error;
  if (!ensure_connected(error)) {
    result.error = error;
    return finish(std::move(result));
  }
  modbus_t* ctx = as_ctx(ctx_);
  const bool rtu = std::holds_alternative<RtuLink>(config_.link);
  // A late answer to an earlier request that timed out would be read as this job's answer:
  // whatever is waiting on the line is dropped first.
  if (rtu) modbus_flush(ctx);
  if (modbus_set_slave(ctx, job.unit) != 0) {
    result.error = "unit " + std::to_string(job.unit) + " is not a valid address: " + modbus_strerror(errno);
    return finish(std::move(result));
  }
  for (const Operation& op : job.operations) {
    int rc = 0;
    int expected = 0;
    std::string what;
    if (const auto* read = std::get_if<ReadRegisters>(&op)) {
      std::vector<std::uint16_t> values(read->count);
      expected = read->count;
      what = "read " + std::string(to_string(read->table)) + " " + address_text(read->address) + " +" + std::to_string(read->count);
      rc = read->table == Table::holding ? modbus_read_registers(ctx, read->address, read->count, values.data())
                                         : modbus_read_input_registers(ctx, read->address, read->count, values.data());
      if (rc == expected) result.reads.push_back(std::move(values));
    } else {
      const auto& write = std::get<WriteRegisters>(op);
      expected = static_cast<int>(write.values.size());
      what = "write holding " + address_text(write.address) + " +" + std::to_string(write.values.size());
      rc = modbus_write_registers(ctx, write.address, expected, write.values.data());
    }
    if (rc != expected) {
      const int err = errno;
      result.reads.clear();
      result.error = "unit " + std::to_string(job.unit) + ": " + what + ": " +
                     (rc < 0 ? std::string(modbus_strerror(err)) : "answered " + std::to_string(rc) + " registers");
      // A Modbus exception is a well-formed answer: the link is fine. Anything else may have left
      // a TCP stream out of step (reconnect) or bytes on the line (flushed before the next job).
      if (rc >= 0 || !is_exception(err)) {
        if (rtu) {
          modbus_flush(ctx);
        } else {
          drop_connection();
        }
      }
      return finish(std::move(result));
    }
  }
  result.ok = true;
  return finish(std::move(result));
}

}  // namespace ocpp::hal::modbus
