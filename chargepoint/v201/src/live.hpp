#pragma once
// The device model's run-time values (live_values.hpp), read from the core. Private to the adapter.
#include "conversions.hpp"
#include "ocpp/cp/charging_limits.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/v201/live_values.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

// The device model's run-time values, read from the core when a value is read or reported.
class Adapter::Live final : public LiveValues {
 public:
  explicit Live(Adapter& adapter) : a_(adapter) {}
  m::ConnectorStatusEnumType availability_state(int evse, int connector) const override {
    if (evse == 0) return to_v201(a_.core_->availability(0));
    if (connector != 0) {
      const auto flat = a_.topology_.flat(evse, connector);
      return to_v201(flat ? a_.core_->availability(*flat) : Availability::Unavailable);
    }
    // An EVSE is as its connectors are: Occupied if one is, Faulted or Unavailable only if all are.
    const EvseInfo* info = a_.topology_.evse(evse);
    if (info == nullptr || info->connectors.empty()) return m::ConnectorStatusEnumType::Unavailable;
    Availability worst = Availability::Faulted;
    for (const auto& c : info->connectors) {
      const Availability each = a_.core_->availability(*a_.topology_.flat(evse, c.id));
      if (each == Availability::Occupied || each == Availability::Available || each == Availability::Reserved) {
        return to_v201(each);
      }
      if (each == Availability::Unavailable) worst = Availability::Unavailable;
    }
    return to_v201(worst);
  }
  double power_w(int evse) const override {
    const EvseInfo* info = a_.topology_.evse(evse);
    if (info == nullptr) return 0;
    double total = 0;
    for (const auto& c : info->connectors) {
      const auto flat = a_.topology_.flat(evse, c.id);
      if (!flat) continue;
      const auto reading = a_.core_->hal().connector(*flat).read_meter();
      if (reading && reading->power_w) total += *reading->power_w;
    }
    return total;
  }
  SystemTime now() const override { return a_.core_->now(); }
  int local_auth_list_entries() const override { return static_cast<int>(a_.local_list_->size()); }
  int charging_profile_entries() const override {
    return static_cast<int>(a_.core_->limits().installed(ProfileCriteria{}).size());
  }
  int security_profile() const override { return a_.security_profile_; }
  // M03-M05: the root certificates installed (certificate_store.hpp).
  int certificate_entries() const override {
    return a_.certificates_ != nullptr ? static_cast<int>(a_.certificates_->count()) : 0;
  }
  std::string identity() const override { return a_.charge_point_id_; }

 private:
  Adapter& a_;
};

}  // namespace ocpp::cp::v201
