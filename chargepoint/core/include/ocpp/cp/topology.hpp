#pragma once
// What the pile is made of (2.0.1 Part 1 §7 "Charging Station, EVSE, Connector"): EVSEs, each with
// one or more connectors. The core counts connectors 1..N in EVSE order (the flat id that 1.6
// calls connectorId); the 2.0.1 adapter addresses the same connector as (evseId, connectorId).
// The configuration file's `connectors: N` is N EVSEs with one connector each.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

struct ConnectorInfo {
  int id = 1;                      // 1..M within its EVSE, no gaps
  std::string type = "cType2";     // 2.0.1 ConnectorEnumType spelling (cType2, cCCS2, sType2, ...)
  int phases = 3;                  // supply phases wired to it
};

struct EvseInfo {
  int id = 1;                      // 1..N, no gaps
  std::vector<ConnectorInfo> connectors;
  int phases = 3;                  // SupplyPhases of the EVSE
  double max_power_w = 22080;      // EVSE.Power maxLimit: 32 A x 230 V x 3 phases
};

struct Topology {
  std::vector<EvseInfo> evses;

  // N EVSEs with one connector each (the `connectors: N` of the configuration file).
  static Topology uniform(int evses);
  // Connectors 1..N in EVSE order.
  int connector_count() const;
  // The flat id of (evse, connector); nullopt when there is no such connector.
  std::optional<ConnectorId> flat(int evse, int connector) const;
  // The (evse, connector) of a flat id; nullopt when out of range.
  std::optional<std::pair<int, int>> located(ConnectorId flat) const;
  const EvseInfo* evse(int id) const;
};

}  // namespace ocpp::cp
