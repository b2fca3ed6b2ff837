#pragma once
// Unique message ids for outgoing CALLs: random UUIDs (36 characters, the most OCPP-J allows).
#include <random>
#include <string>

namespace ocpp::rpc {

class MessageIdGenerator {
 public:
  MessageIdGenerator();
  explicit MessageIdGenerator(std::uint64_t seed) : rng_(seed) {}
  std::string next();  // RFC 4122 version 4 UUID, lower-case

 private:
  std::mt19937_64 rng_;
};

}  // namespace ocpp::rpc
