#pragma once
// A Modbus slave in the test process (DESIGN.md principle 6: a real libmodbus peer): libmodbus's
// own server code answers on a thread of its own, over TCP on loopback or over RTU through a
// pseudo-terminal pair (openpty) whose other end the driver opens as its serial device. Each unit
// has its own 65536 holding and input registers. It can be told to misbehave in every way a
// real slave or a noisy line does, per unit.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ocpp::hal::modbus::test {

// Names the two instantiations of a test run over both transports: /tcp and /rtu.
inline std::string transport_name(const ::testing::TestParamInfo<bool>& p) { return p.param ? "rtu" : "tcp"; }

enum class Misbehaviour {
  none,
  silent,             // no answer at all: the driver times out
  exception,          // exception 02, illegal data address
  bad_crc,            // RTU: the right answer with a wrong CRC
  wrong_unit,         // the answer names another unit
  wrong_function,     // the answer carries another function code
  truncated,          // the answer stops short of what its header announces
  wrong_byte_count,   // a complete frame whose byte count disagrees with the request
  wrong_transaction,  // TCP: the answer carries another transaction identifier
};

// The registers of one unit, as a simulated device sees them (under the server's lock).
struct Registers {
  std::uint16_t* holding;  // 65536
  std::uint16_t* input;    // 65536
};

class ModbusTestServer {
 public:
  // Listens on 127.0.0.1, on a port the kernel picks.
  static std::unique_ptr<ModbusTestServer> tcp();
  // Opens a pseudo-terminal pair and answers on its master side, as one RS-485 line with several
  // slaves: every unit that has registers (set_*, edit, on_request) answers, others stay silent as
  // absent slaves do. device() is the slave side for the driver.
  static std::unique_ptr<ModbusTestServer> rtu();
  // The same, with `unit` present from the start.
  static std::unique_ptr<ModbusTestServer> rtu(int unit);
  ~ModbusTestServer();
  ModbusTestServer(const ModbusTestServer&) = delete;
  ModbusTestServer& operator=(const ModbusTestServer&) = delete;

  bool is_rtu() const { return rtu_; }
  int port() const { return port_; }
  const std::string& device() const { return device_; }

  void set_holding(int unit, std::uint16_t address, const std::vector<std::uint16_t>& values);
  void set_input(int unit, std::uint16_t address, const std::vector<std::uint16_t>& values);
  std::vector<std::uint16_t> holding(int unit, std::uint16_t address, int count);
  std::vector<std::uint16_t> input(int unit, std::uint16_t address, int count);
  // Runs `fn` on the unit's registers under the server's lock.
  void edit(int unit, const std::function<void(Registers&)>& fn);
  // Runs under the lock before each answer to `unit`: a simulated device brings its inputs up to
  // date (a write is applied before the hook of the next request sees it).
  void on_request(int unit, std::function<void(Registers&)> hook);
  void misbehave(int unit, Misbehaviour m);
  // Requests that reached `unit` (answered or not).
  int requests(int unit);
  // The (address, count) of every function-04 request that reached `unit`, oldest first.
  std::vector<std::pair<int, int>> input_reads(int unit);

 private:
  ModbusTestServer() = default;
  struct Unit;
  Unit& unit_locked(int unit);
  void serve_tcp();
  void serve_rtu();
  void answer(const std::uint8_t* query, int length, int fd);
  void send_tampered(const std::uint8_t* query, int length, int fd, Unit& u, int unit, Misbehaviour m);

  bool rtu_ = false;
  int port_ = 0;
  std::string device_;
  void* ctx_ = nullptr;  // modbus_t*
  int listen_fd_ = -1;
  int master_fd_ = -1;
  int slave_fd_ = -1;  // kept open so that the master never sees a hang-up between driver opens
  std::mutex mutex_;
  std::map<int, std::unique_ptr<Unit>> units_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// IEC 61851 pilot register values (docs/io-board-modbus.md §3).
enum class Pilot : std::uint16_t { A = 0, B = 1, C = 2, D = 3, E = 4, F = 5 };

}  // namespace ocpp::hal::modbus::test
