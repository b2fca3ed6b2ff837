#include "reservation_book.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "connector.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/settings.hpp"

namespace ocpp::cp {
namespace {

constexpr std::string_view kReservationsLog = "core";
// The expiry timer looks again at least this often, so that a clock set forward by the CSMS
// (a time sync) ends a reservation at most this late.
constexpr std::chrono::seconds kLongestWait{60};

bool contains(const std::vector<ConnectorId>& ids, ConnectorId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string join(const std::vector<ConnectorId>& ids) {
  std::string out;
  for (ConnectorId id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::string describe(const Reservation& r) {
  return "reservation " + std::to_string(r.id) + " (" +
         (r.any_connector() ? "any connector" + (r.connector_type ? " of type " + *r.connector_type : std::string())
                            : "connector " + join(r.connectors)) +
         ", for " + r.id_tag + ", until " + format_rfc3339(r.expiry) + ")";
}

}  // namespace

std::string_view to_string(ReserveAnswer a) {
  switch (a) {
    case ReserveAnswer::Accepted: return "Accepted";
    case ReserveAnswer::Faulted: return "Faulted";
    case ReserveAnswer::Occupied: return "Occupied";
    case ReserveAnswer::Rejected: return "Rejected";
    case ReserveAnswer::Unavailable: return "Unavailable";
  }
  return "?";
}

std::string_view to_string(ReservationEnd e) {
  switch (e) {
    case ReservationEnd::Used: return "Used";
    case ReservationEnd::Expired: return "Expired";
    case ReservationEnd::Cancelled: return "Cancelled";
    case ReservationEnd::Removed: return "Removed";
  }
  return "?";
}

Reservations::Reservations(ChargePoint& cp) : cp_(cp) {}

Reservations::~Reservations() {
  if (timer_ != 0) cp_.loop().cancel(timer_);
}

void Reservations::start() {
  auto st = cp_.store().db().prepare(
      "SELECT id, connectors, connector_type, id_tag, group_id, expiry FROM reservations ORDER BY rowid");
  while (st.step()) {
    Reservation r;
    r.id = static_cast<std::int32_t>(st.int64(0));
    for (const auto& item : split_list(st.text(1))) {
      // A connector this pile no longer has (reconfigured) holds nothing: the reservation is
      // then removed by refresh(), and reported.
      const int c = std::atoi(item.c_str());
      r.connectors.push_back(static_cast<ConnectorId>(cp_.valid_connector(c) ? c : 0));
    }
    r.connector_type = st.optional_text(2);
    r.id_tag = st.text(3);
    r.group_id = st.optional_text(4);
    // A row whose time cannot be read is ended at once rather than kept forever.
    r.expiry = parse_rfc3339(st.text(5)).value_or(SystemTime{});
    list_.push_back(std::move(r));
  }
  expire();  // 1.6 §5.13 (2), 2.0.1 H04: those whose time passed while the pile was down
  refresh();
}

ReserveAnswer Reservations::reserve(const Reservation& r) {
  const auto refuse = [&](ReserveAnswer a, const std::string& why) {
    log::info(kReservationsLog, describe(r) + ": " + std::string(to_string(a)) + ", " + why);
    return a;
  };
  // 1.6 §5.13: a charge point not configured to accept reservations answers Rejected (2.0.1
  // ReservationCtrlr.Enabled false likewise).
  if (!cp_.settings().get_bool("reservation_enabled")) return refuse(ReserveAnswer::Rejected, "reservations are off");
  if (r.expiry <= cp_.now()) return refuse(ReserveAnswer::Rejected, "its expiry has passed");
  for (ConnectorId c : r.connectors) {
    if (!cp_.valid_connector(c)) return refuse(ReserveAnswer::Rejected, "no such connector");
  }
  const ReserveAnswer answer = r.any_connector() ? check_any(r) : check_connectors(r);
  if (answer != ReserveAnswer::Accepted) return refuse(answer, "not reserved");
  // 1.6 §5.13, 2.0.1 H01.FR.02: the same reservationId replaces the reservation it names.
  try {
    store(r);
  } catch (const db::DbError& e) {
    return refuse(ReserveAnswer::Rejected, std::string("cannot be stored: ") + e.what());
  }
  const auto old = std::find_if(list_.begin(), list_.end(), [&](const Reservation& o) { return o.id == r.id; });
  const bool replaces = old != list_.end();
  if (replaces) {
    *old = r;
  } else {
    list_.push_back(r);
  }
  log::info(kReservationsLog, describe(r) + ": accepted" + (replaces ? " (replaces the one of that id)" : ""));
  schedule_expiry();
  refresh();
  return ReserveAnswer::Accepted;
}

// A connector (1.6) or the connectors of an EVSE (2.0.1): the answer of the first one that cannot
// be reserved, a fault first (ReservationStatus Faulted), then one in use (Occupied: a session, a
// cable, another reservation), then one out of service (Unavailable).
ReserveAnswer Reservations::check_connectors(const Reservation& r) const {
  if (cp_.state(0).availability == Availability::Faulted) return ReserveAnswer::Faulted;
  if (!cp_.pile_operative()) return ReserveAnswer::Unavailable;
  for (ConnectorId c : r.connectors) {
    if (cp_.connector(c).error() != ErrorCode::NoError) return ReserveAnswer::Faulted;
  }
  for (ConnectorId c : r.connectors) {
    const Connector& k = cp_.connector(c);
    const bool in_use = !k.idle() || k.plugged() || k.has_transaction() || (k.operative() && !k.usable());
    if (in_use || !holders(c, r.id).empty()) return ReserveAnswer::Occupied;
  }
  for (ConnectorId c : r.connectors) {
    if (!cp_.connector(c).operative()) return ReserveAnswer::Unavailable;
  }
  return ReserveAnswer::Accepted;
}

// 1.6 §5.13 connectorId 0 (ReserveConnectorZeroSupported), 2.0.1 H01 without evseId
// (ReservationCtrlr.NonEvseSpecific): accepted while more EVSEs (of the type asked for) are free
// than reservations of any connector already compete for them, so one stays free for each.
ReserveAnswer Reservations::check_any(const Reservation& r) const {
  if (!cp_.settings().get_bool("reservation_any_connector")) return ReserveAnswer::Rejected;
  if (cp_.state(0).availability == Availability::Faulted) return ReserveAnswer::Faulted;
  if (!cp_.pile_operative()) return ReserveAnswer::Unavailable;
  if (free_evses(r.connector_type, r.id) > competing(r.connector_type, r.id)) return ReserveAnswer::Accepted;
  bool any = false;
  bool all_faulted = true;
  bool all_out = true;
  for (ConnectorId c = 1; c <= cp_.connector_count(); ++c) {
    if (!has_type(c, r.connector_type)) continue;
    any = true;
    const Connector& k = cp_.connector(c);
    all_faulted = all_faulted && k.error() != ErrorCode::NoError;
    all_out = all_out && (k.error() != ErrorCode::NoError || !k.operative());
  }
  // 2.0.1 H01: a connectorType the station does not have cannot be reserved.
  if (!any) return ReserveAnswer::Rejected;
  if (all_faulted) return ReserveAnswer::Faulted;
  return all_out ? ReserveAnswer::Unavailable : ReserveAnswer::Occupied;
}

bool Reservations::cancel(std::int32_t id) {
  if (!exists(id)) {
    log::info(kReservationsLog, "CancelReservation " + std::to_string(id) + ": no such reservation");
    return false;
  }
  end(id, ReservationEnd::Cancelled);
  refresh();
  return true;
}

bool Reservations::exists(std::int32_t id) const {
  return std::any_of(list_.begin(), list_.end(), [&](const Reservation& r) { return r.id == id; });
}

void Reservations::used(std::int32_t id) {
  if (!exists(id)) return;
  end(id, ReservationEnd::Used);
  refresh();
}

bool Reservations::free(ConnectorId c) const {
  const Connector& k = cp_.connector(c);
  return k.usable() && k.idle() && !k.plugged();
}

bool Reservations::has_type(ConnectorId c, const std::optional<std::string>& type) const {
  if (!type) return true;
  const auto where = cp_.topology().located(c);
  const EvseInfo* evse = where ? cp_.topology().evse(where->first) : nullptr;
  if (evse == nullptr) return false;
  for (const auto& info : evse->connectors) {
    if (info.id == where->second) return info.type == *type;
  }
  return false;
}

bool Reservations::specifically_reserved(ConnectorId c, std::optional<std::int32_t> ignore) const {
  return std::any_of(list_.begin(), list_.end(), [&](const Reservation& r) {
    return r.id != ignore && !r.any_connector() && contains(r.connectors, c);
  });
}

int Reservations::free_evses(const std::optional<std::string>& type, std::optional<std::int32_t> ignore) const {
  // 2.0.1 Part 1 §7: an EVSE serves one EV at a time, so free EVSEs are counted, not connectors.
  std::set<int> evses;
  for (ConnectorId c = 1; c <= cp_.connector_count(); ++c) {
    if (!free(c) || !has_type(c, type) || specifically_reserved(c, ignore)) continue;
    const auto where = cp_.topology().located(c);
    evses.insert(where ? where->first : c);
  }
  return static_cast<int>(evses.size());
}

int Reservations::competing(const std::optional<std::string>& type, std::optional<std::int32_t> ignore) const {
  // A reservation of any type competes with every other; two of different types do not.
  return static_cast<int>(std::count_if(list_.begin(), list_.end(), [&](const Reservation& r) {
    return r.id != ignore && r.any_connector() && (!type || !r.connector_type || *type == *r.connector_type);
  }));
}

std::vector<const Reservation*> Reservations::holders(ConnectorId c, std::optional<std::int32_t> ignore) const {
  std::vector<const Reservation*> out;
  for (const auto& r : list_) {
    if (r.id != ignore && !r.any_connector() && contains(r.connectors, c)) out.push_back(&r);
  }
  if (!out.empty() || !free(c)) return out;
  // 2.0.1 H01: once the free EVSEs are no more than the reservations of any EVSE, each free one
  // is held for them (1.6 §5.13: one connector must stay available for the reserved id).
  for (const auto& r : list_) {
    if (r.id == ignore || !r.any_connector() || !has_type(c, r.connector_type)) continue;
    if (free_evses(r.connector_type, ignore) <= competing(r.connector_type, ignore)) out.push_back(&r);
  }
  return out;
}

std::optional<std::int32_t> Reservations::usable_by(ConnectorId c, const std::string& id_tag,
                                                     const std::optional<std::string>& group) const {
  const auto mine = [&](const Reservation& r) {
    // 1.6 §5.13: the reserved idTag, or one whose parentIdTag is the reservation's; 2.0.1 H03:
    // the idToken, or one of its groupIdToken.
    return iequals(r.id_tag, id_tag) || (r.group_id && group && iequals(*r.group_id, *group));
  };
  const bool specific = specifically_reserved(c, std::nullopt);
  for (const auto& r : list_) {
    // A connector reserved for someone is theirs: a reservation of any connector does not take it.
    const bool applies = r.any_connector() ? !specific && has_type(c, r.connector_type) : contains(r.connectors, c);
    if (applies && mine(r)) return r.id;
  }
  return std::nullopt;
}

bool Reservations::accepts_groups(ConnectorId c) const {
  const auto h = holders(c);
  return std::any_of(h.begin(), h.end(), [](const Reservation* r) { return r->group_id.has_value(); });
}

void Reservations::remove_broken() {
  std::vector<std::int32_t> broken;
  const bool pile_down = !cp_.pile_operative() || cp_.state(0).availability == Availability::Faulted;
  for (const auto& r : list_) {
    bool down = pile_down;
    for (ConnectorId c : r.connectors) {
      if (!cp_.valid_connector(c)) {
        down = true;
        continue;
      }
      const Connector& k = cp_.connector(c);
      down = down || k.error() != ErrorCode::NoError || !k.operative();
    }
    if (down) broken.push_back(r.id);
  }
  for (std::int32_t id : broken) end(id, ReservationEnd::Removed);
}

void Reservations::refresh() {
  // A connector fed Reserved reports its status, which brings us back here: that pass is done by
  // the loop below instead, until nothing changes.
  if (refreshing_) {
    again_ = true;
    return;
  }
  refreshing_ = true;
  do {
    again_ = false;
    remove_broken();
    for (ConnectorId c = 1; c <= cp_.connector_count(); ++c) cp_.connector(c).set_reserved(held(c));
  } while (again_);
  refreshing_ = false;
}

void Reservations::end(std::int32_t id, ReservationEnd why) {
  const auto it = std::find_if(list_.begin(), list_.end(), [&](const Reservation& r) { return r.id == id; });
  if (it == list_.end()) return;
  log::info(kReservationsLog, describe(*it) + " ended: " + std::string(to_string(why)));
  list_.erase(it);
  try {
    cp_.store().db().prepare("DELETE FROM reservations WHERE id=?1").bind(1, static_cast<std::int64_t>(id)).run();
  } catch (const db::DbError& e) {
    // Left in the table, it is read again at the next start and ends then (expired, or refused
    // by its connector's state): logged, not worth stopping anything for.
    log::error(kReservationsLog, "reservation " + std::to_string(id) + " not removed from the store: " + e.what());
  }
  cp_.csms().reservation_ended(id, why);
  schedule_expiry();
}

void Reservations::store(const Reservation& r) {
  cp_.store()
      .db()
      .prepare("INSERT INTO reservations(id, connectors, connector_type, id_tag, group_id, expiry) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET connectors=?2, connector_type=?3, "
               "id_tag=?4, group_id=?5, expiry=?6")
      .bind(1, static_cast<std::int64_t>(r.id))
      .bind(2, join(r.connectors))
      .bind(3, r.connector_type)
      .bind(4, r.id_tag)
      .bind(5, r.group_id)
      .bind(6, format_rfc3339(r.expiry))
      .run();
}

void Reservations::schedule_expiry() {
  if (timer_ != 0) cp_.loop().cancel(timer_);
  timer_ = 0;
  if (list_.empty()) return;
  SystemTime first = list_.front().expiry;
  for (const auto& r : list_) first = std::min(first, r.expiry);
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(first - cp_.now());
  wait = std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(kLongestWait));
  timer_ = cp_.loop().schedule_after(wait, [this] {
    timer_ = 0;
    expire();
    refresh();
  });
}

void Reservations::expire() {
  const SystemTime now = cp_.now();
  std::vector<std::int32_t> due;
  for (const auto& r : list_) {
    if (r.expiry <= now) due.push_back(r.id);
  }
  for (std::int32_t id : due) end(id, ReservationEnd::Expired);
  schedule_expiry();
}

}  // namespace ocpp::cp
