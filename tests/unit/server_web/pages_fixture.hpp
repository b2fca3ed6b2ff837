#pragma once
#include <gtest/gtest.h>

#include "fake_backend.hpp"
#include "ocpp/common/datetime.hpp"
#include "page_client.hpp"

namespace ocpp::server::web::test {

// Wall clock at 2026-11-24T09:30:00Z; one user alice/s3cret; an offline two-connector pile CP-1
// that can take codes.
class DriverPagesTest : public ::testing::Test {
 protected:
  DriverPagesTest() {
    backend.passwords["alice"] = "s3cret";
    backend.add_pile("CP-1", false, 2);
  }

  ManualClock clock{*parse_rfc3339("2026-11-24T09:30:00Z")};
  FakeBackend backend;
  DriverPages pages{backend, clock};
  PageClient client{pages};
};

}  // namespace ocpp::server::web::test
