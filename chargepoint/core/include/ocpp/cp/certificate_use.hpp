#pragma once
// The kinds of certificate a pile keeps, and where each kind lives on disk: one folder per kind
// under `<state_dir>/certificates/`, one PEM file per certificate. The certificate store
// (InstallCertificate, DeleteCertificate, GetInstalledCertificateIds; 1.6 Security Whitepaper and
// 2.0.1 M03-M05) writes these folders; the TLS client reads CsmsRootCertificate, firmware
// verification reads ManufacturerRootCertificate (1.6 Security Whitepaper §5, 2.0.1 L01.FR.22).
#include <optional>
#include <string>
#include <string_view>

namespace ocpp::cp {

// The names are 2.0.1's GetCertificateIdUseEnumType / InstallCertificateUseEnumType values where one
// exists; 1.6's Whitepaper uses CentralSystemRootCertificate for the CSMS's root.
enum class CertificateUse {
  CsmsRootCertificate,
  ManufacturerRootCertificate,
  V2GRootCertificate,
  MORootCertificate,
  V2GCertificateChain,
  ChargingStationCertificate,  // the pile's own (security profile 3), with its private key
};

std::string_view to_string(CertificateUse use);
std::optional<CertificateUse> certificate_use_from_string(std::string_view text);
// `<state_dir>/certificates/<use>`.
std::string certificate_folder(const std::string& state_dir, CertificateUse use);

}  // namespace ocpp::cp
