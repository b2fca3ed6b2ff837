#include "ocpp/cp/topology.hpp"

namespace ocpp::cp {

Topology Topology::uniform(int evses) {
  Topology t;
  for (int i = 1; i <= evses; ++i) {
    EvseInfo e;
    e.id = i;
    e.connectors.push_back(ConnectorInfo{});
    t.evses.push_back(std::move(e));
  }
  return t;
}

int Topology::connector_count() const {
  int n = 0;
  for (const auto& e : evses) n += static_cast<int>(e.connectors.size());
  return n;
}

std::optional<ConnectorId> Topology::flat(int evse, int connector) const {
  ConnectorId n = 0;
  for (const auto& e : evses) {
    if (e.id == evse) {
      if (connector < 1 || connector > static_cast<int>(e.connectors.size())) return std::nullopt;
      return n + connector;
    }
    n += static_cast<ConnectorId>(e.connectors.size());
  }
  return std::nullopt;
}

std::optional<std::pair<int, int>> Topology::located(ConnectorId flat) const {
  if (flat < 1) return std::nullopt;
  ConnectorId n = 0;
  for (const auto& e : evses) {
    const auto size = static_cast<ConnectorId>(e.connectors.size());
    if (flat <= n + size) return std::make_pair(e.id, static_cast<int>(flat - n));
    n += size;
  }
  return std::nullopt;
}

const EvseInfo* Topology::evse(int id) const {
  for (const auto& e : evses) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

}  // namespace ocpp::cp
