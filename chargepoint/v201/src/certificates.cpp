// 2.0.1 certificate management over the core's certificate store: A02/A03 the Charging Station
// certificate (TriggerMessage SignChargingStationCertificate in remote_control.cpp, a certificate
// nearing its end, SignCertificate, CertificateSigned), M03 GetInstalledCertificateIds,
// M04 DeleteCertificate, M05 InstallCertificate. The TLS files of every network profile come from
// the store (network_profiles.cpp's link_options).
#include "ocpp/common/log.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

std::optional<m::StatusInfoType> status_info(const std::string& code, const std::string& why) {
  if (why.empty()) return std::nullopt;
  m::StatusInfoType si;
  si.reasonCode = code;
  si.additionalInfo = why.substr(0, 512);
  return si;
}

CertificateHash core_hash(const m::CertificateHashDataType& in) {
  return CertificateHash{std::string(m::to_string(in.hashAlgorithm)), in.issuerNameHash.str(), in.issuerKeyHash.str(),
                         in.serialNumber.str()};
}

m::CertificateHashDataType wire_hash(const CertificateHash& in) {
  m::CertificateHashDataType out;
  m::from_string(in.algorithm, out.hashAlgorithm);
  out.issuerNameHash = in.issuer_name_hash;
  out.issuerKeyHash = in.issuer_key_hash;
  out.serialNumber = in.serial_number;
  return out;
}

// The enums of InstallCertificateUseEnumType and GetCertificateIdUseEnumType spell the kinds as
// certificate_use.hpp does; V2GCertificateChain is a kind the store does not install.
template <class Enum>
std::optional<CertificateUse> use_of(Enum type) {
  return certificate_use_from_string(m::to_string(type));
}

}  // namespace

void Adapter::bind_certificates(CertificateStore& store) {
  certificates_ = &store;
  // The plan made at construction (B10.FR.04) could not see the store's certificates: a profile-3
  // slot first in NetworkConfigurationPriority is usable now.
  new_plan(static_cast<int>(settings_.get_int("active_network_profile")));
  if (const auto first = link_options(plan_->slot())) {
    link_slot_ = plan_->slot();
    security_profile_ = first->security_profile;
  }
  store.protect_last_csms_root(encrypted());
  store.on_tls_change([this] { use_tls_files(); });
  use_tls_files();
  renewal_.emplace(loop_, store, clock_, [this] { send_sign_certificate(); }, [this] {
    if (const auto csr = certificates_->pending_csr(); csr && online()) send_csr(*csr);
  });
  renewal_->start();
}

// A new CSMS root or pile certificate: the next connection of the current profile uses it.
void Adapter::use_tls_files() {
  const auto options = link_options(link_slot_);
  if (!options) return;
  try {
    client_->retarget(*options);
  } catch (const std::invalid_argument& e) {
    log::error("v201", std::string("the TLS files of the certificate store cannot be used: ") + e.what());
  }
}

// Issue 13: certificates only over TLS (security profile 2 or 3), unless the lab's
// security.allow_plaintext_management.
bool Adapter::management_refused(const char* action) const {
  if (encrypted() || allow_plaintext_management_) return false;
  log::warn("v201", std::string(action) + " refused: security profile 0 or 1 (no TLS) and "
                                          "security.allow_plaintext_management is false");
  return true;
}

// A02/A03: a new key pair and a CSR; CN = the station's serial number, O =
// SecurityCtrlr.OrganizationName (Part 2 A00, the Charging Station certificate's subject).
void Adapter::send_sign_certificate() {
  if (certificates_ == nullptr || !online()) return;
  CsrSubject subject{identity_.serial, settings_.get("organization_name")};
  if (subject.organization.empty()) {
    log::warn("v201", "SecurityCtrlr.OrganizationName is empty: the signing request has no organization");
  }
  const auto csr = certificates_->make_csr(subject, nullptr);
  if (!csr) return;
  send_csr(*csr);
  renewal_->awaiting_signature(std::chrono::seconds(settings_.get_int("cert_signing_wait_minimum_s")),
                               static_cast<int>(settings_.get_int("cert_signing_repeat_times")));
}

void Adapter::send_csr(const std::string& csr) {
  m::SignCertificateRequest req;
  req.csr = csr;
  req.certificateType = m::CertificateSigningUseEnumType::ChargingStationCertificate;
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [alive](rpc::Typed<m::SignCertificateResponse>& r) {
    if (*alive && (!r.ok() || r.response->status != m::GenericStatusEnumType::Accepted)) {
      log::warn("v201", "SignCertificate not accepted by the CSMS");
    }
  });
}


void Adapter::register_certificate_handlers() {
  auto& ep = client_->rpc();
  // M05 InstallCertificate.
  rpc::handle<m::InstallCertificateRequest>(ep, [this](const m::InstallCertificateRequest& req) {
    m::InstallCertificateResponse res;
    res.status = m::InstallCertificateStatusEnumType::Rejected;
    if (certificates_ == nullptr || management_refused("InstallCertificate")) {
      res.statusInfo = status_info("NoSecurity", "certificates are installed over TLS only");
      return res;
    }
    const auto outcome = certificates_->install(*use_of(req.certificateType), req.certificate.str(), clock_.system_now());
    using S = CertificateOutcome::Status;
    res.status = outcome.status == S::Accepted ? m::InstallCertificateStatusEnumType::Accepted
                 : outcome.status == S::Failed ? m::InstallCertificateStatusEnumType::Failed
                                               : m::InstallCertificateStatusEnumType::Rejected;
    if (!outcome.ok()) {
      log::warn("v201", "InstallCertificate not accepted: " + outcome.reason);
      res.statusInfo = status_info(outcome.status == S::Failed ? "InternalError" : "InvalidCertificate", outcome.reason);
    }
    return res;
  });
  // M04 DeleteCertificate.
  rpc::handle<m::DeleteCertificateRequest>(ep, [this](const m::DeleteCertificateRequest& req) {
    m::DeleteCertificateResponse res;
    res.status = m::DeleteCertificateStatusEnumType::NotFound;
    if (certificates_ == nullptr) return res;
    std::string why;
    switch (certificates_->remove(core_hash(req.certificateHashData), &why)) {
      case DeleteOutcome::Accepted: res.status = m::DeleteCertificateStatusEnumType::Accepted; break;
      case DeleteOutcome::Failed:
        res.status = m::DeleteCertificateStatusEnumType::Failed;
        res.statusInfo = status_info("NotAllowed", why);
        break;
      case DeleteOutcome::NotFound: break;
    }
    return res;
  });
  // M03 GetInstalledCertificateIds: every root kind when certificateType is absent.
  rpc::handle<m::GetInstalledCertificateIdsRequest>(ep, [this](const m::GetInstalledCertificateIdsRequest& req) {
    m::GetInstalledCertificateIdsResponse res;
    res.status = m::GetInstalledCertificateStatusEnumType::NotFound;
    if (certificates_ == nullptr) return res;
    std::vector<CertificateUse> uses;
    bool only_unheld_kinds = false;
    if (req.certificateType) {
      for (auto type : *req.certificateType) {
        if (auto use = use_of(type); use && *use != CertificateUse::V2GCertificateChain) uses.push_back(*use);
      }
      only_unheld_kinds = uses.empty();
    }
    const auto held = only_unheld_kinds ? std::vector<InstalledCertificate>{} : certificates_->list(uses);
    if (held.empty()) return res;
    res.status = m::GetInstalledCertificateStatusEnumType::Accepted;
    res.certificateHashDataChain.emplace();
    for (const auto& c : held) {
      m::CertificateHashDataChainType entry;
      entry.certificateHashData = wire_hash(c.hash);
      m::from_string(to_string(c.use), entry.certificateType);
      res.certificateHashDataChain->push_back(std::move(entry));
    }
    return res;
  });
  register_signing_handlers();
}

// The pile's certificate: the CSMS asks for a signing request and sends the signed chain.
void Adapter::register_signing_handlers() {
  auto& ep = client_->rpc();
  // A02/A03 CertificateSigned: the chain for the key of the last SignCertificate.
  rpc::handle<m::CertificateSignedRequest>(ep, [this](const m::CertificateSignedRequest& req) {
    m::CertificateSignedResponse res;
    res.status = m::CertificateSignedStatusEnumType::Rejected;
    if (certificates_ == nullptr || management_refused("CertificateSigned")) {
      res.statusInfo = status_info("NoSecurity", "certificates are installed over TLS only");
      return res;
    }
    CertificateOutcome outcome;
    const std::string chain = req.certificateChain.str();
    const auto max = static_cast<std::size_t>(settings_.get_int("certificate_signed_max_chain_size"));
    if (req.certificateType == m::CertificateSigningUseEnumType::V2GCertificate) {
      outcome = CertificateOutcome::rejected("V2G certificates are not supported");
    } else if (chain.size() > max) {
      outcome = CertificateOutcome::rejected("the chain is longer than MaxCertificateChainSize");
    } else {
      outcome = certificates_->install_signed_chain(chain, clock_.system_now());
    }
    if (outcome.ok()) {
      renewal_->signature_received();
      res.status = m::CertificateSignedStatusEnumType::Accepted;
      return res;
    }
    // A02/A03: a certificate that does not verify is rejected and reported.
    log::warn("v201", "CertificateSigned rejected: " + outcome.reason);
    res.statusInfo = status_info("InvalidCertificate", outcome.reason);
    if (security_events_ != nullptr) {
      security_events_->push("InvalidChargingStationCertificate", outcome.reason, clock_.system_now());
    }
    return res;
  });
}

}  // namespace ocpp::cp::v201
