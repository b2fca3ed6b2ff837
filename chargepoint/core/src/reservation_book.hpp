#pragma once
// The reservations in force (reservations.hpp says what they do), their table and their expiry
// timer. Private to the core: ChargePoint owns it, connectors ask it who may use them.
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/reservations.hpp"

namespace ocpp::cp {

class ChargePoint;

class Reservations {
 public:
  explicit Reservations(ChargePoint& cp);
  ~Reservations();
  Reservations(const Reservations&) = delete;
  Reservations& operator=(const Reservations&) = delete;

  // Loads the table; those that expired while the pile was down end now, and are reported.
  void start();
  ReserveAnswer reserve(const Reservation& r);
  bool cancel(std::int32_t id);
  const std::vector<Reservation>& all() const { return list_; }

  // Whether connector `c` is held for someone now (it shows Reserved, and refuses other ids).
  bool held(ConnectorId c) const { return !holders(c).empty(); }
  // The reservation holding `c` that `id_tag` may use: its own, or one of its group.
  std::optional<std::int32_t> usable_by(ConnectorId c, const std::string& id_tag,
                                        const std::optional<std::string>& group) const;
  // Whether the holders of `c` would accept an id of some group (only its authorization tells).
  bool accepts_groups(ConnectorId c) const;
  bool exists(std::int32_t id) const;
  // Its id's transaction started: the reservation is used.
  void used(std::int32_t id);
  // Derives which connectors show Reserved, and ends reservations whose connector became Faulted
  // or Unavailable. Called after every change of a connector's state.
  void refresh();

 private:
  // The reservations holding `c`, leaving out the one with id `ignore` (a replacement's own).
  std::vector<const Reservation*> holders(ConnectorId c, std::optional<std::int32_t> ignore = std::nullopt) const;
  // Free for a new driver: in service, no fault, no session, no cable.
  bool free(ConnectorId c) const;
  bool has_type(ConnectorId c, const std::optional<std::string>& type) const;
  bool specifically_reserved(ConnectorId c, std::optional<std::int32_t> ignore) const;
  // The EVSEs that could take a driver of `type` now (one free connector of that type).
  int free_evses(const std::optional<std::string>& type, std::optional<std::int32_t> ignore) const;
  // Reservations of any connector that compete with one of `type` for the same EVSEs.
  int competing(const std::optional<std::string>& type, std::optional<std::int32_t> ignore) const;
  ReserveAnswer check_connectors(const Reservation& r) const;
  ReserveAnswer check_any(const Reservation& r) const;
  // The reservations that cannot hold any more (1.6 §5.13 (3)).
  void remove_broken();
  void end(std::int32_t id, ReservationEnd why);
  void store(const Reservation& r);
  void schedule_expiry();
  void expire();

  ChargePoint& cp_;
  std::vector<Reservation> list_;
  TimerId timer_ = 0;
  bool refreshing_ = false;
  bool again_ = false;
};

}  // namespace ocpp::cp
