#pragma once
// One Modbus bus: a serial line (RTU: device, baud, parity, data and stop bits) or a TCP endpoint,
// with libmodbus on a thread of its own. Devices on the bus hand it jobs (a few reads and writes
// for one unit); the thread runs them one at a time, in order, and posts each result back to the
// event loop. A slave that does not answer costs the bus thread its response timeout, never the
// loop (DESIGN.md principle 2; bench/RESULTS.md, "Modbus").
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/modbus/register_codec.hpp"

namespace ocpp::hal::modbus {

struct RtuLink {
  std::string device;  // "/dev/ttyUSB0", "/dev/ttyS1"
  int baud = 9600;
  char parity = 'N';  // 'N', 'E' or 'O'
  int data_bits = 8;
  int stop_bits = 1;
};

struct TcpLink {
  std::string host;  // an IPv4 address or a name
  int port = 502;
};

struct BusConfig {
  std::string name;  // as the configuration names it, for log lines
  std::variant<RtuLink, TcpLink> link;
  // How long a request waits for its answer; also the TCP connect timeout.
  std::chrono::milliseconds response_timeout{500};
};

// One step of a job.
struct ReadRegisters {
  Table table = Table::holding;
  std::uint16_t address = 0;
  std::uint16_t count = 0;  // 1..125
};
struct WriteRegisters {  // function 16
  std::uint16_t address = 0;
  std::vector<std::uint16_t> values;  // 1..123
};
using Operation = std::variant<ReadRegisters, WriteRegisters>;

struct Job {
  int unit = 1;  // the slave address (RTU 1..247) or unit identifier (TCP)
  std::vector<Operation> operations;
};

struct JobResult {
  // The operations stop at the first that fails: a slave that does not answer one request will
  // not answer the next, and each try would cost a response timeout.
  bool ok = false;
  std::string error;  // what failed, e.g. "read input 72+2: Connection timed out"
  std::vector<std::vector<std::uint16_t>> reads;  // one per ReadRegisters, in order (when ok)
  std::chrono::microseconds duration{0};          // the job's time on the bus
};

class ModbusBus {
 public:
  // Checks the settings and starts the thread; the line is opened (or the TCP connection made) by
  // the first job, and again after a failure. Throws std::invalid_argument for settings libmodbus
  // refuses (parity, bits, baud), naming the bus.
  ModbusBus(EventLoop& loop, BusConfig config);
  // Waits for the job in progress (at most a response timeout) and stops the thread. Jobs not run
  // are dropped; results not yet delivered are never delivered.
  ~ModbusBus();
  ModbusBus(const ModbusBus&) = delete;
  ModbusBus& operator=(const ModbusBus&) = delete;

  // Queues `job`; `done` runs on the loop thread with its result. Any thread.
  void submit(Job job, std::function<void(JobResult)> done);
  // Runs `job` and waits for its result: for reading the devices once before the loop runs
  // (ModbusPile's constructor), never on the loop thread while it runs.
  JobResult run(Job job);

  const BusConfig& config() const { return config_; }
  // "rs485 (/dev/ttyUSB0 9600 8N1)", "meters (192.168.1.20:502)".
  std::string describe() const;

  struct Stats {
    std::uint64_t jobs = 0;
    std::uint64_t failed = 0;
    std::chrono::microseconds busy{0};  // time the bus spent in jobs
    std::chrono::microseconds longest{0};  // the longest job
  };
  Stats stats() const;

 private:
  struct Pending {
    Job job;
    std::function<void(JobResult)> done;  // posted to the loop
    std::function<void(JobResult)> direct;  // run on the bus thread (run())
  };
  void work();
  JobResult execute(const Job& job);
  bool ensure_connected(std::string& error);
  void drop_connection();

  EventLoop& loop_;
  const BusConfig config_;
  std::string description_;
  void* ctx_ = nullptr;  // modbus_t*, used by the bus thread only
  bool connected_ = false;
  bool reported_connect_failure_ = false;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted results hold it weakly
  std::thread thread_;
};

}  // namespace ocpp::hal::modbus
