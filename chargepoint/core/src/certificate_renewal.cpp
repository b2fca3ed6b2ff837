// Renewal of the pile's certificate before it ends (certificate_renewal.hpp).
#include "ocpp/cp/certificate_renewal.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

CertificateRenewal::~CertificateRenewal() {
  if (timer_ != 0) loop_.cancel(timer_);
  if (resend_timer_ != 0) loop_.cancel(resend_timer_);
}

void CertificateRenewal::awaiting_signature(std::chrono::seconds wait_minimum, int repeat_times) {
  signature_received();
  if (!resend_ || repeat_times <= 0 || wait_minimum.count() <= 0) return;
  resend_wait_ = wait_minimum;
  resends_left_ = repeat_times;
  schedule_resend();
}

void CertificateRenewal::signature_received() {
  if (resend_timer_ != 0) loop_.cancel(resend_timer_);
  resend_timer_ = 0;
  resends_left_ = 0;
}

void CertificateRenewal::schedule_resend() {
  resend_timer_ = loop_.schedule_after(resend_wait_, [this] {
    resend_timer_ = 0;
    if (resends_left_ <= 0) return;
    --resends_left_;
    log::info("certs", "no certificate came for the signing request: sending it again");
    resend_wait_ *= 2;
    if (resends_left_ > 0) schedule_resend();
    resend_();
  });
}

void CertificateRenewal::start() {
  timer_ = loop_.schedule_after(std::chrono::minutes(1), [this] {
    timer_ = 0;
    check();
  });
}

bool CertificateRenewal::due(SystemTime now) const {
  const auto expiry = store_.own_certificate_expiry();
  return expiry && *expiry - now < kRenewBefore;
}

void CertificateRenewal::check() {
  if (due(clock_.system_now())) {
    log::info("certs", "the charge point certificate ends within 30 days: asking the CSMS for a new one");
    request_();
  }
  timer_ = loop_.schedule_after(kCheckEvery, [this] {
    timer_ = 0;
    check();
  });
}

}  // namespace ocpp::cp
