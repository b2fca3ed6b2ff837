#pragma once
// Shared by the authorization block's tests: a real SQLite store in a fresh temporary directory
// (reopenable, to test persistence) and a manual clock.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp::auth_test {

using namespace std::chrono_literals;

inline IdTagInfo info(AuthorizationStatus status, std::optional<SystemTime> expiry = std::nullopt,
                      std::optional<std::string> parent = std::nullopt) {
  IdTagInfo i;
  i.status = status;
  i.expiry = expiry;
  i.parent_id_tag = std::move(parent);
  return i;
}

inline IdTagInfo accepted(std::optional<SystemTime> expiry = std::nullopt) {
  return info(AuthorizationStatus::Accepted, expiry);
}

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-auth-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store_ = std::make_unique<Store>((dir_ / "cp.db").string());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  // Closes and reopens the database file, as a reboot does.
  void reopen() {
    store_.reset();
    store_ = std::make_unique<Store>((dir_ / "cp.db").string());
  }
  db::Database& db() { return store_->db(); }
  SystemTime now() const { return clock_.system_now(); }

  ManualClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace ocpp::cp::auth_test
