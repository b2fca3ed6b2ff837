// Certificate kinds and their folders (certificate_use.hpp).
#include "ocpp/cp/certificate_use.hpp"

namespace ocpp::cp {
namespace {

constexpr CertificateUse kAll[] = {CertificateUse::CsmsRootCertificate,       CertificateUse::ManufacturerRootCertificate,
                                   CertificateUse::V2GRootCertificate,        CertificateUse::MORootCertificate,
                                   CertificateUse::V2GCertificateChain,       CertificateUse::ChargingStationCertificate};

}  // namespace

std::string_view to_string(CertificateUse use) {
  switch (use) {
    case CertificateUse::CsmsRootCertificate: return "CSMSRootCertificate";
    case CertificateUse::ManufacturerRootCertificate: return "ManufacturerRootCertificate";
    case CertificateUse::V2GRootCertificate: return "V2GRootCertificate";
    case CertificateUse::MORootCertificate: return "MORootCertificate";
    case CertificateUse::V2GCertificateChain: return "V2GCertificateChain";
    case CertificateUse::ChargingStationCertificate: return "ChargingStationCertificate";
  }
  return "CSMSRootCertificate";
}

std::optional<CertificateUse> certificate_use_from_string(std::string_view text) {
  for (CertificateUse use : kAll) {
    if (to_string(use) == text) return use;
  }
  // 1.6 Security Whitepaper CertificateUseEnumType.
  if (text == "CentralSystemRootCertificate") return CertificateUse::CsmsRootCertificate;
  return std::nullopt;
}

std::string certificate_folder(const std::string& state_dir, CertificateUse use) {
  return state_dir + "/certificates/" + std::string(to_string(use));
}

}  // namespace ocpp::cp
