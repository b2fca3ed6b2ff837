#pragma once
// What the simulated pile's tests share: a listener that records what the core would hear, and a
// fresh directory per test for state files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ocpp/hal/hal.hpp"

namespace ocpp::hal::sim::test {

class RecordingListener : public HalListener {
 public:
  void on_pilot_changed(ConnectorId c, PilotState s) override {
    events.push_back("pilot " + std::to_string(c) + " " + std::string(to_string(s)));
  }
  void on_id_presented(ConnectorId c, const std::string& id_tag) override {
    events.push_back("id " + std::to_string(c) + " " + id_tag);
  }
  void on_code_entered(ConnectorId c, const std::string& code) override {
    events.push_back("code " + std::to_string(c) + " " + code);
  }
  void on_stop_pressed(ConnectorId c) override { events.push_back("stop " + std::to_string(c)); }
  void on_fault(ConnectorId c, ErrorCode code, const std::string& info) override {
    events.push_back("fault " + std::to_string(c) + " " + std::string(to_string(code)) +
                     (info.empty() ? "" : " " + info));
  }
  // Kept apart from `events`: the contactor's feedback follows every command.
  void on_power_path(ConnectorId c, bool closed) override {
    power_paths.push_back(std::to_string(c) + (closed ? " closed" : " open"));
  }
  std::vector<std::string> events;
  std::vector<std::string> power_paths;
};

// A directory of its own for each test, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-sim-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ocpp::hal::sim::test
