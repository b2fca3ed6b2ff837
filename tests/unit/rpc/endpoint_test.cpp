#include "ocpp/rpc/endpoint.hpp"

#include <gtest/gtest.h>

#include "ocpp/common/json.hpp"
#include "ocpp/common/timer_queue.hpp"

namespace ocpp::rpc {
namespace {

using namespace std::chrono_literals;

class RecordingSink : public FrameSink {
 public:
  void send_frame(std::string text) override { frames.push_back(std::move(text)); }
  std::vector<std::string> frames;
};

rapidjson::Document json(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  return d;
}

std::vector<char> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// The parsed form of a sent frame, for assertions.
rapidjson::Document sent(const RecordingSink& sink, std::size_t i) { return json(sink.frames.at(i)); }

class EndpointTest : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  ManualClock clock;
  ManualEventLoop loop{clock};
  RecordingSink sink;
  Endpoint ep{loop, GetParam(), EndpointOptions{5s, "test", false, {}, {}}};
  bool v16() const { return GetParam() == ProtocolVersion::v16; }
};

TEST_P(EndpointTest, OneCallInFlightAtATime) {
  ep.attach(sink);
  int done = 0;
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { done += o.ok(); });
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { done += o.ok(); });
  ASSERT_EQ(sink.frames.size(), 1u) << "the second CALL must wait for the first answer";
  const std::string id = sent(sink, 0)[1].GetString();
  ep.on_message(bytes(R"([3,")" + id + R"(",{"currentTime":"2026-11-24T09:30:00Z"}])"));
  EXPECT_EQ(done, 1);
  ASSERT_EQ(sink.frames.size(), 2u);
  EXPECT_NE(std::string(sent(sink, 1)[1].GetString()), id);
}

TEST_P(EndpointTest, TimeoutCompletesTheCallAndSendsTheNext) {
  ep.attach(sink);
  CallOutcome::Status first{};
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { first = o.status; });
  ep.call("Heartbeat", json("{}"), [](CallOutcome&) {});
  loop.advance(4999ms);
  EXPECT_EQ(sink.frames.size(), 1u);
  loop.advance(1ms);
  EXPECT_EQ(first, CallOutcome::Status::Timeout);
  EXPECT_EQ(sink.frames.size(), 2u);
}

TEST_P(EndpointTest, LateAnswerForATimedOutCallIsDropped) {
  ep.attach(sink);
  int calls = 0;
  ep.call("Heartbeat", json("{}"), [&](CallOutcome&) { ++calls; });
  const std::string id = sent(sink, 0)[1].GetString();
  loop.advance(6s);
  ep.on_message(bytes(R"([3,")" + id + R"(",{"currentTime":"2026-11-24T09:30:00Z"}])"));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(sink.frames.size(), 1u) << "an answer is never answered";
}

TEST_P(EndpointTest, PeerCallIsAnsweredWhileOurCallWaits) {
  ep.attach(sink);
  ep.handle("Reset", [](const rapidjson::Value&) { return HandlerReply::ok(json(R"({"status":"Accepted"})")); });
  ep.call("Heartbeat", json("{}"), [](CallOutcome&) {});
  const std::string reset = v16() ? R"([2,"r1","Reset",{"type":"Soft"}])"
                                  : R"([2,"r1","Reset",{"type":"Immediate"}])";
  ep.on_message(bytes(reset));
  ASSERT_EQ(sink.frames.size(), 2u);
  EXPECT_EQ(sink.frames[1], R"([3,"r1",{"status":"Accepted"}])");
}

TEST_P(EndpointTest, UnknownActionIsNotImplementedKnownWithoutHandlerNotSupported) {
  ep.attach(sink);
  ep.on_message(bytes(R"([2,"a","Frobnicate",{}])"));
  ep.on_message(bytes(R"([2,"b","Heartbeat",{}])"));
  EXPECT_STREQ(sent(sink, 0)[2].GetString(), "NotImplemented");
  EXPECT_STREQ(sent(sink, 1)[2].GetString(), "NotSupported");
}

TEST_P(EndpointTest, InvalidPayloadGetsTheVersionsErrorCode) {
  ep.attach(sink);
  ep.handle("Authorize", [](const rapidjson::Value&) { return HandlerReply::ok(json("{}")); });
  ep.on_message(bytes(R"([2,"a","Authorize",{}])"));
  auto f = sent(sink, 0);
  EXPECT_STREQ(f[1].GetString(), "a");
  EXPECT_STREQ(f[2].GetString(), v16() ? "OccurenceConstraintViolation" : "OccurrenceConstraintViolation");
  EXPECT_NE(std::string(f[3].GetString()).find(v16() ? "idTag" : "idToken"), std::string::npos)
      << "the description names the field: " << f[3].GetString();
}

TEST_P(EndpointTest, UnparseableFrameIsAnsweredWithMinusOne) {
  ep.attach(sink);
  ep.on_message(bytes("[2,\"x\",\"Heartbeat\",{oops}]"));
  auto f = sent(sink, 0);
  EXPECT_EQ(f[0].GetInt(), 4);
  EXPECT_STREQ(f[1].GetString(), "-1");
  EXPECT_STREQ(f[2].GetString(), v16() ? "FormationViolation" : "RpcFrameworkError");
}

TEST_P(EndpointTest, UnsupportedMessageType) {
  ep.attach(sink);
  ep.on_message(bytes(R"([6,"x","Heartbeat",{}])"));
  EXPECT_STREQ(sent(sink, 0)[2].GetString(), v16() ? "FormationViolation" : "MessageTypeNotSupported");
}

TEST_P(EndpointTest, InvalidOutboundCallIsNotSent) {
  ep.attach(sink);
  CallOutcome::Status status{};
  ep.call("Authorize", json(R"({"wrong":1})"), [&](CallOutcome& o) { status = o.status; });
  EXPECT_EQ(status, CallOutcome::Status::NotSent);
  EXPECT_TRUE(sink.frames.empty());
}

TEST_P(EndpointTest, InvalidHandlerResponseBecomesInternalError) {
  ep.attach(sink);
  ep.handle("Heartbeat", [](const rapidjson::Value&) { return HandlerReply::ok(json(R"({"currentTime":"yesterday"})")); });
  ep.on_message(bytes(R"([2,"h","Heartbeat",{}])"));
  EXPECT_STREQ(sent(sink, 0)[2].GetString(), "InternalError");
}

TEST_P(EndpointTest, InvalidCallResultIsReportedToTheCaller) {
  ep.attach(sink);
  CallOutcome::Status status{};
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { status = o.status; });
  const std::string id = sent(sink, 0)[1].GetString();
  ep.on_message(bytes(R"([3,")" + id + R"(",{"currentTime":"not-a-date"}])"));
  EXPECT_EQ(status, CallOutcome::Status::InvalidResponse);
}

TEST_P(EndpointTest, CallErrorReachesTheCaller) {
  ep.attach(sink);
  CallOutcome got;
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { got = std::move(o); });
  const std::string id = sent(sink, 0)[1].GetString();
  ep.on_message(bytes(R"([4,")" + id + R"(","InternalError","db down",{}])"));
  EXPECT_EQ(got.status, CallOutcome::Status::Error);
  EXPECT_EQ(got.error_code, "InternalError");
  EXPECT_EQ(got.error_description, "db down");
}

TEST_P(EndpointTest, DetachFailsTheCallInFlightAndQueuedCallsWaitForTheLink) {
  ep.attach(sink);
  CallOutcome::Status first{};
  bool second_done = false;
  ep.call("Heartbeat", json("{}"), [&](CallOutcome& o) { first = o.status; });
  ep.call("Heartbeat", json("{}"), [&](CallOutcome&) { second_done = true; });
  ep.detach();
  EXPECT_EQ(first, CallOutcome::Status::Disconnected);
  EXPECT_FALSE(second_done);
  EXPECT_EQ(sink.frames.size(), 1u);
  RecordingSink again;
  ep.attach(again);
  EXPECT_EQ(again.frames.size(), 1u) << "the queued CALL goes out on the new link";
}

TEST_P(EndpointTest, OversizedCallIsAnsweredWithItsId) {
  ep.attach(sink);
  ep.on_oversized_message(R"([2,"big-1","DataTransfer",{"vendorId":"x","data":"xxxxxx)", 1 << 20, 65536);
  auto f = sent(sink, 0);
  EXPECT_STREQ(f[1].GetString(), "big-1");
  EXPECT_STREQ(f[2].GetString(), v16() ? "FormationViolation" : "FormatViolation");
}

TEST_P(EndpointTest, HandlerExceptionBecomesInternalError) {
  ep.attach(sink);
  ep.handle("Heartbeat", [](const rapidjson::Value&) -> HandlerReply { throw std::runtime_error("boom"); });
  ep.on_message(bytes(R"([2,"h","Heartbeat",{}])"));
  EXPECT_STREQ(sent(sink, 0)[2].GetString(), "InternalError");
}

TEST_P(EndpointTest, PayloadsRefusedOnTheWayOutAreLoggedThroughTheSecretFilter) {
  // A key being provisioned is a secret (docs/offline-code.md §6), also when our own payload is wrong.
  Endpoint secretive{loop, GetParam(),
                     EndpointOptions{5s, "test", false, [](std::string_view t) { return t.find("OfflineCodeKey") != t.npos; }, {}}};
  secretive.attach(sink);
  secretive.handle("Heartbeat", [](const rapidjson::Value&) {
    return HandlerReply::ok(json(R"({"key":"OfflineCodeKey","value":"1:00112233deadbeef"})"));
  });
  testing::internal::CaptureStderr();
  CallOutcome::Status status{};
  secretive.call("ChangeConfiguration", json(R"({"key":"OfflineCodeKey","value":"1:00112233deadbeef","x":1})"),
                 [&](CallOutcome& o) { status = o.status; });
  secretive.on_message(bytes(R"([2,"h","Heartbeat",{}])"));
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, CallOutcome::Status::NotSent);
  EXPECT_NE(log.find("BUG: outgoing ChangeConfiguration"), std::string::npos) << log;
  EXPECT_NE(log.find("BUG: our Heartbeat response"), std::string::npos) << log;
  EXPECT_EQ(log.find("deadbeef"), std::string::npos) << log;
  EXPECT_NE(log.find("bytes withheld"), std::string::npos) << log;
}

TEST_P(EndpointTest, ACallNestedTooDeepIsAnsweredWithItsIdAndTheLinkGoesOn) {
  ep.attach(sink);
  ep.handle("Heartbeat", [](const rapidjson::Value&) { return HandlerReply::ok(json(R"({"currentTime":"2026-11-24T09:30:00Z"})")); });
  ep.on_message(bytes(R"([2,"deep","Heartbeat",{"a":)" + std::string(100000, '[') + "}]"));
  auto f = sent(sink, 0);
  EXPECT_EQ(f[0].GetInt(), 4);
  EXPECT_STREQ(f[1].GetString(), "deep");
  EXPECT_STREQ(f[2].GetString(), v16() ? "FormationViolation" : "FormatViolation");
  ep.on_message(bytes(R"([2,"next","Heartbeat",{}])"));
  EXPECT_EQ(sent(sink, 1)[0].GetInt(), 3);
}

INSTANTIATE_TEST_SUITE_P(BothVersions, EndpointTest,
                         ::testing::Values(ProtocolVersion::v16, ProtocolVersion::v201),
                         [](const ::testing::TestParamInfo<ProtocolVersion>& p) { return p.param == ProtocolVersion::v16 ? "v16" : "v201"; });

}  // namespace
}  // namespace ocpp::rpc
