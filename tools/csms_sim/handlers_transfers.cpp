// The reference CSMS's side of firmware updates, log uploads and certificate signing, both
// versions (issue 13): status notifications are recorded for the API (operations.hpp), CSRs are
// signed with the test CA (test_pki.hpp).
#include "csms.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::csms {
namespace {


OperationStatus status_of(std::string_view status, const std::optional<std::int32_t>& request_id) {
  return OperationStatus{std::string(status), request_id ? std::optional<int>(*request_id) : std::nullopt, DateTime::now().str(), ""};
}

using Kind = OperationBoard::Kind;

}  // namespace

bool Csms::on_csr(const std::string& id, const std::string& csr, ProtocolVersion version) {
  if (!ca_) {
    log::warn("csms", "SignCertificate of " + id + " rejected: no --ca-cert and --ca-key given");
    operations_.record(id, Kind::Certificate, OperationStatus{"CsrRejected", std::nullopt, DateTime::now().str(), "no CA configured"});
    return false;
  }
  std::string why;
  const auto issued = ca_->sign_csr(csr, id, &why);
  if (!issued) {
    log::warn("csms", "SignCertificate of " + id + " rejected: " + why);
    operations_.record(id, Kind::Certificate, OperationStatus{"CsrRejected", std::nullopt, DateTime::now().str(), why});
    return false;
  }
  log::info("csms", "signed a certificate for " + id + " (serial " + issued->serial_hex + ", one year)");
  operations_.record(id, Kind::Certificate, OperationStatus{"CsrAccepted", std::nullopt, DateTime::now().str(), issued->serial_hex});
  // Posted, so that the SignCertificate answer leaves first (Whitepaper §2.2: the CSMS answers,
  // then sends the signed chain; A02.FR.08).
  loop_.post([this, id, chain = issued->chain_pem, version] {
    rapidjson::Document payload;
    if (version == ProtocolVersion::v16) {
      v16::CertificateSignedRequest req;
      req.certificateChain = chain;
      to_json(req, payload, payload.GetAllocator());
    } else {
      v201::CertificateSignedRequest req;
      req.certificateChain = chain;
      req.certificateType = v201::CertificateSigningUseEnumType::ChargingStationCertificate;
      to_json(req, payload, payload.GetAllocator());
    }
    const bool sent = call(id, "CertificateSigned", std::move(payload), [this, id](rpc::CallOutcome& o) {
      std::string status = "NoAnswer";
      if (o.status == rpc::CallOutcome::Status::Result && o.payload.IsObject() && o.payload.HasMember("status") &&
          o.payload["status"].IsString()) {
        status = o.payload["status"].GetString();
      }
      log::info("csms", id + " answered CertificateSigned with " + status);
      operations_.record(id, Kind::Certificate, OperationStatus{"CertificateSigned" + status, std::nullopt, DateTime::now().str(), ""});
    });
    if (!sent) log::warn("csms", id + " went away before its signed certificate could be sent");
  });
  return true;
}

void Csms::register_transfers_v16(transport::Session& session) {
  auto& ep = session.rpc;
  const std::string cp = session.charge_point_id();
  // 1.6 §4.5 / §4.4: the FirmwareManagement profile's notifications.
  rpc::handle<v16::FirmwareStatusNotificationRequest>(ep, [this, cp](const v16::FirmwareStatusNotificationRequest& req) {
    operations_.record(cp, Kind::Firmware, status_of(to_string(req.status), std::nullopt));
    return v16::FirmwareStatusNotificationResponse{};
  });
  rpc::handle<v16::DiagnosticsStatusNotificationRequest>(
      ep, [this, cp](const v16::DiagnosticsStatusNotificationRequest& req) {
        operations_.record(cp, Kind::Log, status_of(to_string(req.status), std::nullopt));
        return v16::DiagnosticsStatusNotificationResponse{};
      });
  // Security Whitepaper §3 (signed firmware) and §4 (GetLog).
  rpc::handle<v16::SignedFirmwareStatusNotificationRequest>(
      ep, [this, cp](const v16::SignedFirmwareStatusNotificationRequest& req) {
        operations_.record(cp, Kind::Firmware, status_of(to_string(req.status), req.requestId));
        return v16::SignedFirmwareStatusNotificationResponse{};
      });
  rpc::handle<v16::LogStatusNotificationRequest>(ep, [this, cp](const v16::LogStatusNotificationRequest& req) {
    operations_.record(cp, Kind::Log, status_of(to_string(req.status), req.requestId));
    return v16::LogStatusNotificationResponse{};
  });
  // Security Whitepaper §2.2.
  rpc::handle<v16::SignCertificateRequest>(ep, [this, cp](const v16::SignCertificateRequest& req) {
    v16::SignCertificateResponse res;
    res.status = on_csr(cp, req.csr.str(), ProtocolVersion::v16) ? v16::GenericStatusEnumType::Accepted
                                                                 : v16::GenericStatusEnumType::Rejected;
    return res;
  });
}

void Csms::register_transfers_v201(transport::Session& session) {
  auto& ep = session.rpc;
  const std::string cp = session.charge_point_id();
  // L01 / L02.
  rpc::handle<v201::FirmwareStatusNotificationRequest>(ep, [this, cp](const v201::FirmwareStatusNotificationRequest& req) {
    operations_.record(cp, Kind::Firmware, status_of(to_string(req.status), req.requestId));
    return v201::FirmwareStatusNotificationResponse{};
  });
  // N01.
  rpc::handle<v201::LogStatusNotificationRequest>(ep, [this, cp](const v201::LogStatusNotificationRequest& req) {
    operations_.record(cp, Kind::Log, status_of(to_string(req.status), req.requestId));
    return v201::LogStatusNotificationResponse{};
  });
  // A02 / A03: the station's own certificate. V2G certificates need a V2G CA, which this CSMS has not.
  rpc::handle<v201::SignCertificateRequest>(ep, [this, cp](const v201::SignCertificateRequest& req) {
    v201::SignCertificateResponse res;
    if (req.certificateType && *req.certificateType != v201::CertificateSigningUseEnumType::ChargingStationCertificate) {
      log::warn("csms", "SignCertificate of " + cp + " rejected: only ChargingStationCertificate is signed here");
      operations_.record(cp, Kind::Certificate,
                         OperationStatus{"CsrRejected", std::nullopt, DateTime::now().str(), "V2GCertificate is not signed here"});
      res.status = v201::GenericStatusEnumType::Rejected;
      return res;
    }
    res.status = on_csr(cp, req.csr.str(), ProtocolVersion::v201) ? v201::GenericStatusEnumType::Accepted
                                                                  : v201::GenericStatusEnumType::Rejected;
    return res;
  });
}

}  // namespace ocpp::csms
