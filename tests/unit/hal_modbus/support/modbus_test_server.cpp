#include "modbus_test_server.hpp"

#include <modbus.h>
#include <netinet/in.h>
#include <pty.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ocpp::hal::modbus::test {

struct ModbusTestServer::Unit {
  modbus_mapping_t* mapping = nullptr;
  std::function<void(Registers&)> hook;
  Misbehaviour misbehaviour = Misbehaviour::none;
  int requests = 0;
  std::vector<std::pair<int, int>> input_reads;  // (address, count) of each function-04 request
  ~Unit() { modbus_mapping_free(mapping); }
};

namespace {

modbus_t* as_ctx(void* p) { return static_cast<modbus_t*>(p); }

// Modbus over serial line v1.02 §6.2.2: CRC-16, polynomial 0xA001 (reflected), initial 0xFFFF,
// sent low byte first.
std::uint16_t crc16(const std::uint8_t* data, std::size_t n) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::unique_ptr<ModbusTestServer> ModbusTestServer::tcp() {
  std::unique_ptr<ModbusTestServer> s(new ModbusTestServer());
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", 0);
  if (ctx == nullptr) throw std::runtime_error("modbus_new_tcp failed");
  s->ctx_ = ctx;
  s->listen_fd_ = modbus_tcp_listen(ctx, 8);
  if (s->listen_fd_ < 0) throw std::runtime_error(std::string("modbus_tcp_listen: ") + modbus_strerror(errno));
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.sin_port);
  s->thread_ = std::thread([p = s.get()] { p->serve_tcp(); });
  return s;
}

std::unique_ptr<ModbusTestServer> ModbusTestServer::rtu(int unit) {
  auto s = rtu();
  s->edit(unit, [](Registers&) {});
  return s;
}

std::unique_ptr<ModbusTestServer> ModbusTestServer::rtu() {
  std::unique_ptr<ModbusTestServer> s(new ModbusTestServer());
  s->rtu_ = true;
  char name[128] = {};
  if (::openpty(&s->master_fd_, &s->slave_fd_, name, nullptr, nullptr) != 0) {
    throw std::runtime_error(std::string("openpty: ") + std::strerror(errno));
  }
  s->device_ = name;
  // Raw on both ends from the start: no echo, no line editing, until the driver sets its own.
  termios raw{};
  ::tcgetattr(s->slave_fd_, &raw);
  ::cfmakeraw(&raw);
  ::tcsetattr(s->slave_fd_, TCSANOW, &raw);
  ::tcgetattr(s->master_fd_, &raw);
  ::cfmakeraw(&raw);
  ::tcsetattr(s->master_fd_, TCSANOW, &raw);
  // libmodbus answers (modbus_reply); the requests are framed here, because libmodbus's own
  // receiving side serves one slave address per line and drops the others' requests.
  modbus_t* ctx = modbus_new_rtu(name, 9600, 'N', 8, 1);
  if (ctx == nullptr) throw std::runtime_error("modbus_new_rtu failed");
  s->ctx_ = ctx;
  modbus_set_socket(ctx, s->master_fd_);
  s->thread_ = std::thread([p = s.get()] { p->serve_rtu(); });
  return s;
}

ModbusTestServer::~ModbusTestServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (master_fd_ >= 0) ::close(master_fd_);
  if (slave_fd_ >= 0) ::close(slave_fd_);
  modbus_set_socket(as_ctx(ctx_), -1);
  modbus_free(as_ctx(ctx_));
}

ModbusTestServer::Unit& ModbusTestServer::unit_locked(int unit) {
  auto& u = units_[unit];
  if (!u) {
    u = std::make_unique<Unit>();
    u->mapping = modbus_mapping_new(0, 0, 65536, 65536);
  }
  return *u;
}

void ModbusTestServer::set_holding(int unit, std::uint16_t address, const std::vector<std::uint16_t>& values) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& u = unit_locked(unit);
  std::copy(values.begin(), values.end(), u.mapping->tab_registers + address);
}

void ModbusTestServer::set_input(int unit, std::uint16_t address, const std::vector<std::uint16_t>& values) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& u = unit_locked(unit);
  std::copy(values.begin(), values.end(), u.mapping->tab_input_registers + address);
}

std::vector<std::uint16_t> ModbusTestServer::holding(int unit, std::uint16_t address, int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& u = unit_locked(unit);
  return {u.mapping->tab_registers + address, u.mapping->tab_registers + address + count};
}

std::vector<std::uint16_t> ModbusTestServer::input(int unit, std::uint16_t address, int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& u = unit_locked(unit);
  return {u.mapping->tab_input_registers + address, u.mapping->tab_input_registers + address + count};
}

void ModbusTestServer::edit(int unit, const std::function<void(Registers&)>& fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& u = unit_locked(unit);
  Registers r{u.mapping->tab_registers, u.mapping->tab_input_registers};
  fn(r);
}

void ModbusTestServer::on_request(int unit, std::function<void(Registers&)> hook) {
  std::lock_guard<std::mutex> lock(mutex_);
  unit_locked(unit).hook = std::move(hook);
}

void ModbusTestServer::misbehave(int unit, Misbehaviour m) {
  std::lock_guard<std::mutex> lock(mutex_);
  unit_locked(unit).misbehaviour = m;
}

int ModbusTestServer::requests(int unit) {
  std::lock_guard<std::mutex> lock(mutex_);
  return unit_locked(unit).requests;
}

std::vector<std::pair<int, int>> ModbusTestServer::input_reads(int unit) {
  std::lock_guard<std::mutex> lock(mutex_);
  return unit_locked(unit).input_reads;
}

void ModbusTestServer::serve_tcp() {
  std::vector<int> clients;
  std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  while (!stop_) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(listen_fd_, &set);
    int top = listen_fd_;
    for (int c : clients) {
      FD_SET(c, &set);
      top = std::max(top, c);
    }
    timeval tv{0, 20000};
    if (::select(top + 1, &set, nullptr, nullptr, &tv) <= 0) continue;
    if (FD_ISSET(listen_fd_, &set)) {
      const int c = ::accept(listen_fd_, nullptr, nullptr);
      if (c >= 0) clients.push_back(c);
    }
    for (auto it = clients.begin(); it != clients.end();) {
      if (!FD_ISSET(*it, &set)) {
        ++it;
        continue;
      }
      modbus_set_socket(as_ctx(ctx_), *it);
      const int rc = modbus_receive(as_ctx(ctx_), query);
      if (rc < 0) {
        ::close(*it);  // the driver closed, or sent something that is not Modbus TCP
        it = clients.erase(it);
        continue;
      }
      if (rc > 0) answer(query, rc, *it);
      ++it;
    }
  }
  for (int c : clients) ::close(c);
}

void ModbusTestServer::serve_rtu() {
  std::vector<std::uint8_t> line;
  while (!stop_) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(master_fd_, &set);
    timeval tv{0, 20000};
    const int ready = ::select(master_fd_ + 1, &set, nullptr, nullptr, &tv);
    if (ready <= 0) {
      // Modbus over serial line §2.5.1.1: a silence ends a frame; a partial one is dropped.
      line.clear();
      continue;
    }
    std::uint8_t chunk[256];
    const ssize_t n = ::read(master_fd_, chunk, sizeof chunk);
    if (n <= 0) continue;
    line.insert(line.end(), chunk, chunk + n);
    // Requests of the functions the driver uses: 03 and 04 are 8 bytes, 16 is 9 + its byte count.
    while (line.size() >= 8) {
      const std::uint8_t function = line[1];
      std::size_t length = 0;
      if (function == MODBUS_FC_READ_HOLDING_REGISTERS || function == MODBUS_FC_READ_INPUT_REGISTERS) {
        length = 8;
      } else if (function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
        length = 9 + std::size_t{line[6]};
      } else {
        line.clear();  // not a request of ours: resynchronise at the next silence
        break;
      }
      if (line.size() < length) break;
      const std::uint16_t crc = crc16(line.data(), length - 2);
      const bool intact = line[length - 2] == (crc & 0xFF) && line[length - 1] == (crc >> 8);
      bool present = false;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        present = units_.count(line[0]) != 0;
      }
      // A slave answers only intact requests to its own address (§2.4.1).
      if (intact && present) answer(line.data(), static_cast<int>(length), master_fd_);
      line.erase(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(length));
    }
  }
}

void ModbusTestServer::answer(const std::uint8_t* query, int length, int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int header = modbus_get_header_length(as_ctx(ctx_));
  const int unit = query[header - 1];
  Unit& u = unit_locked(unit);
  ++u.requests;
  if (query[header] == MODBUS_FC_READ_INPUT_REGISTERS) {
    const std::uint8_t* pdu = query + header;
    u.input_reads.emplace_back((pdu[1] << 8) | pdu[2], (pdu[3] << 8) | pdu[4]);
  }
  if (u.hook) {
    Registers r{u.mapping->tab_registers, u.mapping->tab_input_registers};
    u.hook(r);
  }
  switch (u.misbehaviour) {
    case Misbehaviour::none:
      modbus_reply(as_ctx(ctx_), query, length, u.mapping);
      return;
    case Misbehaviour::silent:
      return;
    case Misbehaviour::exception:
      modbus_reply_exception(as_ctx(ctx_), query, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
      return;
    default:
      send_tampered(query, length, fd, u, unit, u.misbehaviour);
  }
}

void ModbusTestServer::send_tampered(const std::uint8_t* query, int length, int fd, Unit& u, int unit, Misbehaviour m) {
  (void)length;
  const int header = modbus_get_header_length(as_ctx(ctx_));
  const std::uint8_t* pdu = query + header;
  const std::uint8_t function = pdu[0];
  const int address = (pdu[1] << 8) | pdu[2];
  const int count = (pdu[3] << 8) | pdu[4];
  // The PDU a correct slave would send (Modbus Application Protocol §6.3, §6.4, §6.12).
  std::vector<std::uint8_t> answer{function};
  if (function == MODBUS_FC_READ_HOLDING_REGISTERS || function == MODBUS_FC_READ_INPUT_REGISTERS) {
    const std::uint16_t* table = function == MODBUS_FC_READ_HOLDING_REGISTERS ? u.mapping->tab_registers
                                                                               : u.mapping->tab_input_registers;
    answer.push_back(static_cast<std::uint8_t>(2 * count));
    for (int i = 0; i < count; ++i) {
      answer.push_back(static_cast<std::uint8_t>(table[address + i] >> 8));
      answer.push_back(static_cast<std::uint8_t>(table[address + i] & 0xFF));
    }
  } else if (function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
    for (int i = 0; i < count; ++i) u.mapping->tab_registers[address + i] = static_cast<std::uint16_t>((pdu[6 + 2 * i] << 8) | pdu[7 + 2 * i]);
    answer.insert(answer.end(), pdu + 1, pdu + 5);
  }
  if (m == Misbehaviour::wrong_function) answer[0] = function == MODBUS_FC_READ_HOLDING_REGISTERS ? MODBUS_FC_READ_INPUT_REGISTERS
                                                                                                  : MODBUS_FC_READ_HOLDING_REGISTERS;
  if (m == Misbehaviour::wrong_byte_count && answer.size() > 4) {
    answer[1] = static_cast<std::uint8_t>(answer[1] - 2);  // a shorter, self-consistent answer
    answer.resize(answer.size() - 2);
  }
  const std::uint8_t answered_unit = static_cast<std::uint8_t>(m == Misbehaviour::wrong_unit ? unit + 1 : unit);
  std::vector<std::uint8_t> adu;
  if (rtu_) {
    adu.push_back(answered_unit);
    adu.insert(adu.end(), answer.begin(), answer.end());
    std::uint16_t crc = crc16(adu.data(), adu.size());
    if (m == Misbehaviour::bad_crc) crc ^= 0x5A5A;
    adu.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    adu.push_back(static_cast<std::uint8_t>(crc >> 8));
  } else {
    // Modbus messaging on TCP/IP v1.0b §3.1.3: MBAP header.
    const int tid = ((query[0] << 8) | query[1]) + (m == Misbehaviour::wrong_transaction ? 1 : 0);
    const std::size_t len = answer.size() + 1;
    adu = {static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid & 0xFF), 0, 0,
           static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len & 0xFF), answered_unit};
    adu.insert(adu.end(), answer.begin(), answer.end());
  }
  if (m == Misbehaviour::truncated) adu.resize(adu.size() > 6 ? adu.size() - 4 : adu.size());
  write_all(fd, adu);
}

}  // namespace ocpp::hal::modbus::test
