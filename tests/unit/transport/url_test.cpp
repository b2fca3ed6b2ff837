#include "ocpp/transport/url.hpp"

#include <gtest/gtest.h>

namespace ocpp::transport {
namespace {

TEST(Url, ParsesSchemesHostsPortsAndPaths) {
  auto u = parse_url("wss://csms.example.com/ocpp/v16");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "csms.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/ocpp/v16");
  u = parse_url("ws://127.0.0.1:9000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->path, "/");
  u = parse_url("ws://[::1]:8080/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
}

TEST(Url, RefusesWhatIsNotAWebSocketUrl) {
  EXPECT_FALSE(parse_url("http://x"));
  EXPECT_FALSE(parse_url("ws://"));
  EXPECT_FALSE(parse_url("ws://host:99999/"));
  EXPECT_FALSE(parse_url("ws://host:12ab/"));
}

TEST(Url, AppendsThePercentEncodedChargePointId) {
  const auto base = parse_url("ws://h:1/ocpp/");
  EXPECT_EQ(charge_point_url(*base, "CP 1/ä").path, "/ocpp/CP%201%2F%C3%A4");
  EXPECT_EQ(charge_point_url(*parse_url("ws://h:1/ocpp"), "CP-1").path, "/ocpp/CP-1") << "no doubled slash";
}

}  // namespace
TEST(Url, PercentDecodingUndoesEncoding) {
  for (const std::string text : {"a b&c=d%e+f/é", "", "plain-._~"}) {
    EXPECT_EQ(percent_decode(percent_encode(text)), text);
  }
  EXPECT_EQ(percent_decode("a+b%2Bc", true), "a b+c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("100%", true), "100%") << "a lone percent sign stays";
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(Url, TheChargePointIdIsTheLastPathSegmentWhateverThePrefix) {
  // 1.6 OCPP-J §3.1.1, 2.0.1 Part 4 §3.2: a pile configured with ws://host/ocpp connects to /ocpp/ID.
  EXPECT_EQ(charge_point_id_from_path("/CP-1"), std::optional<std::string>("CP-1"));
  EXPECT_EQ(charge_point_id_from_path("/ocpp/CP-1"), std::optional<std::string>("CP-1"));
  EXPECT_EQ(charge_point_id_from_path("/a/b/c/CP-1"), std::optional<std::string>("CP-1"));
  EXPECT_EQ(charge_point_id_from_path("/ocpp/v16/CP-1", "/ocpp/"), std::optional<std::string>("CP-1"));
  // The path comes decoded once from libwebsockets; it is not decoded again.
  EXPECT_EQ(charge_point_id_from_path("/ocpp/CP 7%41"), std::optional<std::string>("CP 7%41"));
  EXPECT_FALSE(charge_point_id_from_path("/ocpp/"));
  EXPECT_FALSE(charge_point_id_from_path("/"));
  EXPECT_FALSE(charge_point_id_from_path("/other/CP-1", "/ocpp/"));
  EXPECT_FALSE(charge_point_id_from_path("/ocpp/", "/ocpp/"));
}

}  // namespace ocpp::transport
