#pragma once
// What the server side needs from the CSMS that hosts it: facts about the piles it knows, and a way
// to send a CALL to a connected pile. The reference CSMS (tools/csms_sim) implements both; tests use
// fakes.
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "ocpp/common/version.hpp"
#include "ocpp/rpc/endpoint.hpp"

namespace ocpp::server {

struct PileFacts {
  ProtocolVersion version = ProtocolVersion::v16;
  bool connected = false;
  // The highest connector the pile has reported (1.6 connectorId, 2.0.1 EVSE id, as the code's
  // connector field counts them, docs/offline-code.md §2); 0 when it has reported none yet.
  int connectors = 0;
};

class PileDirectory {
 public:
  virtual ~PileDirectory() = default;
  // nullopt: the pile never booted here.
  virtual std::optional<PileFacts> find(const std::string& charge_point_id) = 0;
};

class PileLink {
 public:
  virtual ~PileLink() = default;
  // Sends a CALL to the pile; false when it is not connected (then `done` is not called). Otherwise
  // `done` runs exactly once, on the event loop's thread.
  virtual bool call(const std::string& charge_point_id, const std::string& action, rapidjson::Document payload,
                    rpc::ResultHandler done) = 0;
};

}  // namespace ocpp::server
