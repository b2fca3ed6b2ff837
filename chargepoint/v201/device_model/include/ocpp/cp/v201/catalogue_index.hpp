#pragma once
// Lookup of the device model's entries by the address a request gives (component name, evse,
// connector, variable name and instance; names case-insensitive, CiString), in constant time:
// GetVariables and SetVariables look up every item, GetReport's criteria every entry.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ocpp/cp/v201/variable_catalogue.hpp"

namespace ocpp::cp::v201 {

// One variable of one component: a definition placed on the topology.
struct CatalogueEntry {
  const VariableDef* def = nullptr;
  int evse = 0;       // 0: not on an EVSE (a controller, ChargingStation)
  int connector = 0;  // 0: not a connector
};

// Where an entry is: evse 0 is the charging station itself, connector 0 no connector.
struct EntryAddress {
  std::string_view component;
  int evse = 0;
  int connector = 0;
};

class CatalogueIndex {
 public:
  // Indexes `entries`, which must not change while the index is used.
  explicit CatalogueIndex(const std::vector<CatalogueEntry>& entries);

  // The entry of that variable (its instance "" when it has none); nullptr when there is none.
  const CatalogueEntry* find(const EntryAddress& where, std::string_view variable, std::string_view instance) const;
  // Whether any entry is of that component.
  bool has_component(const EntryAddress& where) const;

 private:
  // Open addressing with linear probing; a slot holds an entry's position + 1, 0 when empty. Both
  // tables have the size table_for() gives for all entries, so slot() serves both.
  static std::vector<std::uint32_t> table_for(std::size_t count);
  std::size_t slot(std::uint64_t hash) const { return static_cast<std::size_t>(hash) & (variables_.size() - 1); }

  const std::vector<CatalogueEntry>& entries_;
  std::vector<std::uint32_t> variables_;   // keyed by component address, variable and instance
  std::vector<std::uint32_t> components_;  // keyed by component address; one entry of each
};

}  // namespace ocpp::cp::v201
