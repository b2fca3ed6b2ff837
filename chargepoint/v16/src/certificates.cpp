// Certificate management of the 1.6 Security Whitepaper (edition 3) over the core's certificate
// store: §4.1 InstallCertificate, DeleteCertificate, GetInstalledCertificateIds; §3.2 the charge
// point certificate: ExtendedTriggerMessage SignChargePointCertificate (and a certificate nearing
// its end), SignCertificate, CertificateSigned; the TLS client's files follow the store.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

CertificateUse use_of(m::CertificateUseEnumType type) {
  return type == m::CertificateUseEnumType::ManufacturerRootCertificate ? CertificateUse::ManufacturerRootCertificate
                                                                        : CertificateUse::CsmsRootCertificate;
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

}  // namespace

void Adapter::bind_certificates(CertificateStore& store) {
  certificates_ = &store;
  // The link may lose its only trust anchor with the last CSMS root (certificate_store.hpp).
  store.protect_last_csms_root(encrypted_);
  store.on_tls_change([this] { use_tls_files(); });
  use_tls_files();
  renewal_.emplace(loop_, store, clock_, [this] { send_sign_certificate(); }, [this] {
    if (const auto csr = certificates_->pending_csr(); csr && online()) send_csr(*csr);
  });
  renewal_->start();
}

// The next connection uses the store's CA bundle and the pile's certificate (a CSMS root installed
// or a CertificateSigned accepted): the connection in use is left as it is.
void Adapter::use_tls_files() {
  const auto files = certificates_->tls_files();
  link_options_.ca_file = files.ca_file;
  link_options_.cert_file = files.cert_file;
  link_options_.key_file = files.key_file;
  try {
    client_->retarget(link_options_);
  } catch (const std::invalid_argument& e) {
    log::error("v16", std::string("the TLS files of the certificate store cannot be used: ") + e.what());
  }
}

// DESIGN.md / issue 13: certificates are installed only over TLS (security profile 2 or 3), unless
// the lab's security.allow_plaintext_management.
bool Adapter::management_refused(const char* action) const {
  if (encrypted_ || allow_plaintext_management_) return false;
  log::warn("v16", std::string(action) + " refused: security profile 0 or 1 (no TLS) and "
                                         "security.allow_plaintext_management is false");
  return true;
}

void Adapter::send_sign_certificate() {
  if (certificates_ == nullptr || !online()) return;
  // Whitepaper §3.2 (and 2.0.1 Part 2 A00): CN = the charge point's serial number, O = CpoName.
  CsrSubject subject{identity_.serial, settings_.get("organization_name")};
  if (subject.organization.empty()) log::warn("v16", "CpoName is empty: the signing request has no organization");
  std::string error;
  const auto csr = certificates_->make_csr(subject, &error);
  if (!csr) return;
  send_csr(*csr);
  renewal_->awaiting_signature(std::chrono::seconds(settings_.get_int("cert_signing_wait_minimum_s")),
                               static_cast<int>(settings_.get_int("cert_signing_repeat_times")));
}

void Adapter::send_csr(const std::string& csr) {
  m::SignCertificateRequest req;
  req.csr = csr;
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [alive](rpc::Typed<m::SignCertificateResponse>& r) {
    if (!*alive) return;
    if (!r.ok() || r.response->status != m::GenericStatusEnumType::Accepted) {
      log::warn("v16", "SignCertificate not accepted by the Central System");
    }
  });
}


void Adapter::register_certificate_handlers() {
  auto& ep = client_->rpc();
  // §4.1.3 InstallCertificate.
  rpc::handle<m::InstallCertificateRequest>(ep, [this](const m::InstallCertificateRequest& req) {
    m::InstallCertificateResponse res;
    res.status = m::InstallCertificateStatusEnumType::Rejected;
    if (certificates_ == nullptr || management_refused("InstallCertificate")) return res;
    const auto outcome = certificates_->install(use_of(req.certificateType), req.certificate.str(), clock_.system_now());
    if (!outcome.ok()) log::warn("v16", "InstallCertificate not accepted: " + outcome.reason);
    using S = CertificateOutcome::Status;
    res.status = outcome.status == S::Accepted ? m::InstallCertificateStatusEnumType::Accepted
                 : outcome.status == S::Failed ? m::InstallCertificateStatusEnumType::Failed
                                               : m::InstallCertificateStatusEnumType::Rejected;
    return res;
  });
  // §4.1.2 DeleteCertificate.
  rpc::handle<m::DeleteCertificateRequest>(ep, [this](const m::DeleteCertificateRequest& req) {
    m::DeleteCertificateResponse res;
    res.status = m::DeleteCertificateStatusEnumType::NotFound;
    if (certificates_ == nullptr) return res;
    switch (certificates_->remove(core_hash(req.certificateHashData))) {
      case DeleteOutcome::Accepted: res.status = m::DeleteCertificateStatusEnumType::Accepted; break;
      case DeleteOutcome::Failed: res.status = m::DeleteCertificateStatusEnumType::Failed; break;
      case DeleteOutcome::NotFound: break;
    }
    return res;
  });
  // §4.1.4 GetInstalledCertificateIds.
  rpc::handle<m::GetInstalledCertificateIdsRequest>(ep, [this](const m::GetInstalledCertificateIdsRequest& req) {
    m::GetInstalledCertificateIdsResponse res;
    res.status = m::GetInstalledCertificateStatusEnumType::NotFound;
    if (certificates_ == nullptr) return res;
    const auto held = certificates_->list({use_of(req.certificateType)});
    if (held.empty()) return res;
    res.status = m::GetInstalledCertificateStatusEnumType::Accepted;
    res.certificateHashData.emplace();
    for (const auto& c : held) res.certificateHashData->push_back(wire_hash(c.hash));
    return res;
  });
  register_signing_handlers();
}

// The pile's certificate: the CSMS asks for a signing request and sends the signed chain.
void Adapter::register_signing_handlers() {
  auto& ep = client_->rpc();
  // ExtendedTriggerMessage: SignChargePointCertificate here, the others as TriggerMessage does.
  rpc::handle<m::ExtendedTriggerMessageRequest>(ep, [this](const m::ExtendedTriggerMessageRequest& req) {
    m::ExtendedTriggerMessageResponse res;
    std::function<void()> send;
    if (req.requestedMessage == m::MessageTriggerEnumType::SignChargePointCertificate) {
      if (certificates_ != nullptr) send = [this] { send_sign_certificate(); };
    } else {
      const std::optional<ConnectorId> connector =
          req.connectorId ? std::optional<ConnectorId>(*req.connectorId) : std::nullopt;
      send = triggered_message(m::to_string(req.requestedMessage), connector);
    }
    const bool known = req.requestedMessage != m::MessageTriggerEnumType::LogStatusNotification;
    res.status = send ? m::TriggerMessageStatusEnumType::Accepted
                 : known ? m::TriggerMessageStatusEnumType::Rejected
                         : m::TriggerMessageStatusEnumType::NotImplemented;
    if (send) {
      auto alive = alive_;
      loop_.post([alive, send] {
        if (*alive) send();
      });
    }
    return res;
  });
  // §3.2 CertificateSigned: the chain for the key of the last SignCertificate.
  rpc::handle<m::CertificateSignedRequest>(ep, [this](const m::CertificateSignedRequest& req) {
    m::CertificateSignedResponse res;
    res.status = m::CertificateSignedStatusEnumType::Rejected;
    if (certificates_ == nullptr || management_refused("CertificateSigned")) return res;
    const auto max = static_cast<std::size_t>(settings_.get_int("certificate_signed_max_chain_size"));
    const std::string chain = req.certificateChain.str();
    auto outcome = chain.size() > max ? CertificateOutcome::rejected("the chain is longer than CertificateSignedMaxChainSize")
                                      : certificates_->install_signed_chain(chain, clock_.system_now());
    if (outcome.ok()) {
      renewal_->signature_received();
      res.status = m::CertificateSignedStatusEnumType::Accepted;
      return res;
    }
    log::warn("v16", "CertificateSigned rejected: " + outcome.reason);
    if (security_events_ != nullptr) {
      security_events_->push("InvalidChargePointCertificate", outcome.reason, clock_.system_now());
    }
    return res;
  });
}

}  // namespace ocpp::cp::v16
