// 1.6 §3 feature profile Reservation: §5.13 ReserveNow and §5.1 CancelReservation. The core keeps
// the reservations (reservations.hpp); here they are read from and answered in 1.6 terms.
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

m::ReserveNowStatus to_v16(ReserveAnswer a) {
  switch (a) {
    case ReserveAnswer::Accepted: return m::ReserveNowStatus::Accepted;
    case ReserveAnswer::Faulted: return m::ReserveNowStatus::Faulted;
    case ReserveAnswer::Occupied: return m::ReserveNowStatus::Occupied;
    case ReserveAnswer::Rejected: return m::ReserveNowStatus::Rejected;
    case ReserveAnswer::Unavailable: return m::ReserveNowStatus::Unavailable;
  }
  return m::ReserveNowStatus::Rejected;
}

}  // namespace

void Adapter::register_reservation_handlers() {
  auto& ep = client_->rpc();
  // §5.13 ReserveNow: connectorId 0 is any connector, only with ReserveConnectorZeroSupported
  // (the core answers Rejected otherwise); a known reservationId replaces that reservation.
  rpc::handle<m::ReserveNowRequest>(ep, [this](const m::ReserveNowRequest& req) {
    m::ReserveNowResponse res;
    // §4.2: while the registration is Pending the CSMS may not make the pile act for a driver.
    if (registration_ != Registration::Accepted || req.connectorId < 0) {
      res.status = m::ReserveNowStatus::Rejected;
      return res;
    }
    Reservation r;
    r.id = req.reservationId;
    if (req.connectorId != 0) r.connectors.push_back(req.connectorId);
    r.id_tag = req.idTag.str();
    if (req.parentIdTag) r.group_id = req.parentIdTag->str();
    r.expiry = req.expiryDate.time();
    res.status = to_v16(core_->reserve(r));
    return res;
  });
  // §5.1 CancelReservation: Rejected when no reservation has that id.
  rpc::handle<m::CancelReservationRequest>(ep, [this](const m::CancelReservationRequest& req) {
    m::CancelReservationResponse res;
    const bool ok = registration_ == Registration::Accepted && core_->cancel_reservation(req.reservationId);
    res.status = ok ? m::CancelReservationStatus::Accepted : m::CancelReservationStatus::Rejected;
    return res;
  });
}

}  // namespace ocpp::cp::v16
