#include "ocpp/cp/v201/catalogue_index.hpp"

#include "ocpp/cp/settings.hpp"

namespace ocpp::cp::v201 {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

// FNV-1a over the ASCII-lowercased bytes, so that names that iequals() calls equal hash equal;
// a separator ends each part so that ("ab","c") and ("a","bc") differ.
std::uint64_t fold(std::uint64_t h, std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    h ^= (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
    h *= kFnvPrime;
  }
  h ^= 0x100;
  return h * kFnvPrime;
}

std::uint64_t fold(std::uint64_t h, int number) {
  h ^= static_cast<std::uint32_t>(number);
  return h * kFnvPrime;
}

std::uint64_t component_hash(const EntryAddress& a) {
  return fold(fold(fold(kFnvOffset, a.component), a.evse), a.connector);
}

bool at(const CatalogueEntry& e, const EntryAddress& a) {
  return e.evse == a.evse && e.connector == a.connector && iequals(e.def->component, a.component);
}

EntryAddress address_of(const CatalogueEntry& e) { return {e.def->component, e.evse, e.connector}; }

}  // namespace

std::vector<std::uint32_t> CatalogueIndex::table_for(std::size_t count) {
  std::size_t size = 16;
  while (size < 2 * count) size *= 2;  // at most half full: short probes
  return std::vector<std::uint32_t>(size, 0);
}

CatalogueIndex::CatalogueIndex(const std::vector<CatalogueEntry>& entries)
    : entries_(entries), variables_(table_for(entries.size())), components_(table_for(entries.size())) {
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    const auto& e = entries_[k];
    const auto where = address_of(e);
    const auto marker = static_cast<std::uint32_t>(k + 1);
    if (find(where, e.def->variable, e.def->instance) == nullptr) {
      auto s = slot(fold(fold(component_hash(where), e.def->variable), e.def->instance));
      while (variables_[s] != 0) s = (s + 1) & (variables_.size() - 1);
      variables_[s] = marker;
    }
    if (!has_component(where)) {
      auto s = slot(component_hash(where));
      while (components_[s] != 0) s = (s + 1) & (components_.size() - 1);
      components_[s] = marker;
    }
  }
}

const CatalogueEntry* CatalogueIndex::find(const EntryAddress& where, std::string_view variable,
                                           std::string_view instance) const {
  for (auto s = slot(fold(fold(component_hash(where), variable), instance)); variables_[s] != 0;
       s = (s + 1) & (variables_.size() - 1)) {
    const auto& e = entries_[variables_[s] - 1];
    if (at(e, where) && iequals(e.def->variable, variable) && iequals(e.def->instance, instance)) return &e;
  }
  return nullptr;
}

bool CatalogueIndex::has_component(const EntryAddress& where) const {
  for (auto s = slot(component_hash(where)); components_[s] != 0; s = (s + 1) & (components_.size() - 1)) {
    if (at(entries_[components_[s] - 1], where)) return true;
  }
  return false;
}

}  // namespace ocpp::cp::v201
