// The modbus driver's cost and its effect on the event loop (issue 7), as whole-process figures:
//
// 1. Poll cycle: two meters (Eastron SDM630, ABB B23) and one two-connector I/O board polled every
//    second by ModbusPile on the event loop, over Modbus TCP (loopback) and Modbus RTU (a pty),
//    against the same run's baseline: a bare libmodbus client doing the same requests once a second
//    in a plain loop (no event loop, no driver). Reported: time per poll cycle (the three devices'
//    jobs) and CPU use of the process.
// 2. Timer latency: a 5 ms timer on the event loop while a Modbus RTU slave never answers (each
//    poll runs into the response timeout on the bus thread), against the same timer with no Modbus
//    at all. Target: lateness under 10 ms.
//
// The slaves run in a child process (forked before any thread exists), so the CPU measured is the
// driver's alone. Run with bench/run_modbus.sh; results in bench/RESULTS.md.
#include <modbus.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/common/log.hpp"
#include "ocpp/hal/modbus/io_board_map.hpp"
#include "ocpp/hal/modbus/meter_decoder.hpp"
#include "ocpp/hal/modbus/modbus_pile.hpp"
#include "ocpp/transport/lws_loop.hpp"
#include "support/meter_players.hpp"
#include "support/modbus_test_server.hpp"
#include "support/simulated_board.hpp"

namespace {

using namespace std::chrono_literals;
using namespace ocpp::hal::modbus;
using Clock = std::chrono::steady_clock;

constexpr int kMeterUnits[2] = {1, 2};
constexpr int kBoardUnit = 10;
const char* kModels[2] = {"eastron_sdm630", "abb_b23"};

std::string meter_dir() { return std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters"; }

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// --- the slaves, in the child process ---

struct SlaveAddresses {
  int tcp_port = 0;
  std::string rtu_device;   // board and meters on one line
  std::string dead_device;  // a line where nobody answers
};

[[noreturn]] void run_slaves(int report_fd, int control_fd) {
  using namespace ocpp::hal::modbus::test;
  auto tcp = ModbusTestServer::tcp();
  auto rtu = ModbusTestServer::rtu();
  auto dead = ModbusTestServer::rtu();  // no unit present: every request times out
  std::vector<std::unique_ptr<SimulatedBoard>> boards;
  for (ModbusTestServer* s : {tcp.get(), rtu.get()}) {
    const auto players = shipped_meters();
    MeterValues v;
    v.energy_wh = 1234500;
    v.power_w = 7360;
    for (int p = 0; p < 3; ++p) {
      v.voltage_v[p] = 230;
      v.current_a[p] = 10.7;
    }
    players[0].play(*s, kMeterUnits[0], v);
    players[1].play(*s, kMeterUnits[1], v);
    boards.push_back(std::make_unique<SimulatedBoard>(*s, kBoardUnit, 2));
    boards.back()->set_pilot(1, Pilot::C);
  }
  char line[512];
  const int n = std::snprintf(line, sizeof line, "%d %s %s\n", tcp->port(), rtu->device().c_str(), dead->device().c_str());
  if (::write(report_fd, line, static_cast<std::size_t>(n)) != n) std::_Exit(3);
  ::close(report_fd);
  char byte = 0;
  while (::read(control_fd, &byte, 1) > 0) {
  }  // the parent closes its end when it is done
  boards.clear();
  std::_Exit(0);
}

// --- phase 1: poll cycle ---

struct CycleResult {
  double cycle_ms_mean = 0;
  double job_ms_max = 0;
  double cpu_percent = 0;
  std::uint64_t jobs = 0;
  std::uint64_t failed = 0;
};

BusConfig bus_config(bool rtu, const SlaveAddresses& a, const std::string& device) {
  BusConfig b;
  b.name = rtu ? "rs485" : "lan";
  if (rtu) {
    b.link = RtuLink{device, 19200, 'E', 8, 1};
  } else {
    b.link = TcpLink{"127.0.0.1", a.tcp_port};
  }
  b.response_timeout = 500ms;
  return b;
}

CycleResult driver_cycle(bool rtu, const SlaveAddresses& a, int seconds) {
  ocpp::transport::LwsLoop loop;
  PileConfig c;
  c.buses.push_back(bus_config(rtu, a, a.rtu_device));
  c.meter_dirs = {meter_dir()};
  for (int i = 0; i < 2; ++i) {
    MeterSetup m;
    m.connector = i + 1;
    m.bus = c.buses[0].name;
    m.model = kModels[i];
    m.config.unit = kMeterUnits[i];
    m.config.poll_interval = 1000ms;
    c.meters.push_back(m);
  }
  c.io_board.bus = c.buses[0].name;
  c.io_board.config.unit = kBoardUnit;
  c.io_board.config.connectors = 2;
  c.io_board.config.poll_interval = 1000ms;
  ModbusPile pile(loop, c);
  auto& bus = pile.bus(c.buses[0].name);
  const auto before = bus.stats();
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  loop.schedule_after(std::chrono::seconds(seconds), [&] { loop.stop(); });
  loop.run();
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  const auto after = bus.stats();
  CycleResult r;
  r.jobs = after.jobs - before.jobs;
  r.failed = after.failed - before.failed;
  const double busy_ms = static_cast<double>((after.busy - before.busy).count()) / 1000.0;
  const double cycles = static_cast<double>(r.jobs) / 3.0;  // a cycle: meter, meter, board
  r.cycle_ms_mean = cycles > 0 ? busy_ms / cycles : 0;
  r.job_ms_max = static_cast<double>(after.longest.count()) / 1000.0;
  r.cpu_percent = 100.0 * cpu / wall;
  return r;
}

// The same requests with libmodbus alone, once a second, in this thread.
CycleResult bare_cycle(bool rtu, const SlaveAddresses& a, int seconds) {
  modbus_t* ctx = rtu ? modbus_new_rtu(a.rtu_device.c_str(), 19200, 'E', 8, 1)
                      : modbus_new_tcp("127.0.0.1", a.tcp_port);
  modbus_set_response_timeout(ctx, 0, 500000);
  if (modbus_connect(ctx) != 0) {
    std::fprintf(stderr, "baseline: cannot connect: %s\n", modbus_strerror(errno));
    std::exit(1);
  }
  std::vector<std::vector<ReadBlock>> meter_blocks;
  for (const char* m : kModels) meter_blocks.push_back(MeterDecoder(load_meter_model(find_meter_model(m, {meter_dir()}))).blocks());
  std::vector<std::uint16_t> buffer(125);
  std::vector<std::uint16_t> commands(io_board::holding::size(2), 0);
  CycleResult r;
  double busy_ms = 0;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  auto next = t0;
  int cycles = 0;
  while (Clock::now() - t0 < std::chrono::seconds(seconds)) {
    const auto start = Clock::now();
    for (int i = 0; i < 2; ++i) {
      const auto job = Clock::now();
      modbus_set_slave(ctx, kMeterUnits[i]);
      for (const auto& b : meter_blocks[static_cast<std::size_t>(i)]) {
        const int rc = b.table == Table::holding ? modbus_read_registers(ctx, b.address, b.count, buffer.data())
                                                 : modbus_read_input_registers(ctx, b.address, b.count, buffer.data());
        if (rc != b.count) ++r.failed;
      }
      r.job_ms_max = std::max(r.job_ms_max, std::chrono::duration<double, std::milli>(Clock::now() - job).count());
      ++r.jobs;
    }
    const auto job = Clock::now();
    modbus_set_slave(ctx, kBoardUnit);
    commands[0] = static_cast<std::uint16_t>(commands[0] + 1);
    if (modbus_write_registers(ctx, 0, static_cast<int>(commands.size()), commands.data()) != static_cast<int>(commands.size())) ++r.failed;
    if (modbus_read_input_registers(ctx, 0, io_board::input::block(3), buffer.data()) != io_board::input::block(3)) ++r.failed;
    r.job_ms_max = std::max(r.job_ms_max, std::chrono::duration<double, std::milli>(Clock::now() - job).count());
    ++r.jobs;
    busy_ms += std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    ++cycles;
    next += 1s;
    std::this_thread::sleep_until(next);
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu_percent = 100.0 * (cpu_seconds() - cpu0) / wall;
  r.cycle_ms_mean = cycles > 0 ? busy_ms / cycles : 0;
  modbus_close(ctx);
  modbus_free(ctx);
  return r;
}

// --- phase 2: timer latency ---

struct Latency {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t samples = 0;
  std::uint64_t timeouts = 0;  // Modbus jobs that failed meanwhile
};

Latency timer_latency(const SlaveAddresses* dead, int seconds) {
  ocpp::transport::LwsLoop loop;
  std::unique_ptr<ModbusBus> bus;
  std::unique_ptr<ModbusMeter> meter;
  if (dead != nullptr) {
    bus = std::make_unique<ModbusBus>(loop, bus_config(true, *dead, dead->dead_device));
    MeterConfig m;
    m.unit = 1;
    m.poll_interval = 100ms;  // back to back: the bus thread is always waiting for an answer
    meter = std::make_unique<ModbusMeter>(loop, *bus, load_meter_model(find_meter_model("eastron_sdm630", {meter_dir()})), m,
                                          nullptr);
    meter->start();
  }
  constexpr auto kPeriod = 5ms;
  std::vector<double> late;
  late.reserve(static_cast<std::size_t>(seconds) * 250);
  Clock::time_point due = Clock::now() + kPeriod;
  std::function<void()> tick = [&] {
    late.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    due = Clock::now() + kPeriod;
    loop.schedule_after(kPeriod, tick);
  };
  loop.schedule_after(kPeriod, tick);
  loop.schedule_after(std::chrono::seconds(seconds), [&] { loop.stop(); });
  loop.run();
  Latency l;
  std::sort(late.begin(), late.end());
  l.samples = late.size();
  if (!late.empty()) {
    l.p50_ms = late[late.size() / 2];
    l.p99_ms = late[late.size() * 99 / 100];
    l.max_ms = late.back();
  }
  if (bus) l.timeouts = bus->stats().failed;
  return l;
}

void print_cycle(const char* what, const CycleResult& r) {
  std::printf("  %-28s cycle %7.3f ms  longest job %7.3f ms  cpu %6.3f %%  jobs %llu failed %llu\n", what, r.cycle_ms_mean,
              r.job_ms_max, r.cpu_percent, static_cast<unsigned long long>(r.jobs), static_cast<unsigned long long>(r.failed));
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 30;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::max(3, std::atoi(argv[i + 1]));
  }
  ocpp::log::set_level(ocpp::log::Level::error);
  int report[2], control[2];
  if (::pipe(report) != 0 || ::pipe(control) != 0) return 1;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(report[0]);
    ::close(control[1]);
    run_slaves(report[1], control[0]);
  }
  ::close(report[1]);
  ::close(control[0]);
  char line[512] = {};
  std::size_t got = 0;
  while (got < sizeof line - 1) {
    const ssize_t n = ::read(report[0], line + got, sizeof line - 1 - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
    if (std::memchr(line, '\n', got) != nullptr) break;
  }
  SlaveAddresses a;
  char rtu[256] = {}, dead[256] = {};
  if (std::sscanf(line, "%d %255s %255s", &a.tcp_port, rtu, dead) != 3) {
    std::fprintf(stderr, "the slaves did not start\n");
    return 1;
  }
  a.rtu_device = rtu;
  a.dead_device = dead;

  std::printf("poll cycle: 2 meters (SDM630: 3 reads, B23: 2 reads) + 1 I/O board (2 connectors: 1 write, 1 read) "
              "every 1 s, %d s per run\n", seconds);
  for (const bool over_rtu : {false, true}) {
    std::printf(" %s\n", over_rtu ? "Modbus RTU (pty, 19200 8E1; a pty does not pace bytes)" : "Modbus TCP (loopback)");
    const CycleResult base = bare_cycle(over_rtu, a, seconds);
    const CycleResult drv = driver_cycle(over_rtu, a, seconds);
    print_cycle("baseline: bare libmodbus", base);
    print_cycle("ModbusPile on the event loop", drv);
    std::printf("  ratio driver/baseline: cycle %.2f, cpu %.2f\n", base.cycle_ms_mean > 0 ? drv.cycle_ms_mean / base.cycle_ms_mean : 0,
                base.cpu_percent > 0 ? drv.cpu_percent / base.cpu_percent : 0);
  }
  std::printf("timer latency of a 5 ms event-loop timer, %d s per run\n", seconds);
  const Latency quiet = timer_latency(nullptr, seconds);
  const Latency busy = timer_latency(&a, seconds);
  std::printf("  %-44s p50 %6.3f ms  p99 %6.3f ms  max %6.3f ms  (%zu samples)\n", "baseline: no Modbus", quiet.p50_ms, quiet.p99_ms,
              quiet.max_ms, quiet.samples);
  std::printf("  %-44s p50 %6.3f ms  p99 %6.3f ms  max %6.3f ms  (%zu samples, %llu timed-out polls)\n",
              "an RTU slave timing out at every poll", busy.p50_ms, busy.p99_ms, busy.max_ms, busy.samples,
              static_cast<unsigned long long>(busy.timeouts));
  std::printf("  ratio p99 busy/baseline: %.2f; max under 10 ms: %s\n", quiet.p99_ms > 0 ? busy.p99_ms / quiet.p99_ms : 0,
              busy.max_ms < 10 ? "yes" : "NO");

  ::close(control[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return busy.max_ms < 10 ? 0 : 2;
}
