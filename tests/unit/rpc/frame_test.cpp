#include "ocpp/rpc/frame.hpp"

#include <gtest/gtest.h>

#include <set>

#include "ocpp/common/json.hpp"
#include "ocpp/rpc/message_id.hpp"

namespace ocpp::rpc {
namespace {

TEST(Frame, ParsesCall) {
  auto r = parse_frame(R"([2,"abc","BootNotification",{"chargePointVendor":"V"}])");
  auto& f = std::get<InboundFrame>(r);
  EXPECT_EQ(f.type(), MessageType::Call);
  EXPECT_EQ(f.id(), "abc");
  EXPECT_EQ(f.action(), "BootNotification");
  EXPECT_STREQ(f.payload()["chargePointVendor"].GetString(), "V");
}

TEST(Frame, ParsesCallResultAndCallError) {
  auto r = parse_frame(R"([3,"id1",{"currentTime":"2026-11-24T09:30:00Z"}])");
  EXPECT_EQ(std::get<InboundFrame>(r).type(), MessageType::CallResult);
  auto e = parse_frame(R"([4,"id2","NotSupported","no",{}])");
  auto& f = std::get<InboundFrame>(e);
  EXPECT_EQ(f.type(), MessageType::CallError);
  EXPECT_EQ(f.error_code(), "NotSupported");
  EXPECT_EQ(f.error_description(), "no");
}

TEST(Frame, InvalidJsonIsAnsweredWithUnknownId) {
  auto r = parse_frame("[2,\"abc\",\"Heartbeat\",{");
  auto& e = std::get<FrameError>(r);
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, RpcErrorCode::RpcFrameworkError);
  EXPECT_TRUE(e.answerable);
}

TEST(Frame, UnknownMessageTypeIsNotSupported) {
  auto r = parse_frame(R"([7,"abc","Heartbeat",{}])");
  auto& e = std::get<FrameError>(r);
  EXPECT_EQ(e.code, RpcErrorCode::MessageTypeNotSupported);
  EXPECT_EQ(e.id, "abc");
}

TEST(Frame, MessageIdOver36CharactersIsRefused) {
  const std::string id(37, 'x');
  auto r = parse_frame("[2,\"" + id + "\",\"Heartbeat\",{}]");
  EXPECT_EQ(std::get<FrameError>(r).id, "-1");
}

TEST(Frame, CallPayloadMustBeAnObject) {
  auto r = parse_frame(R"([2,"abc","Heartbeat",[]])");
  auto& e = std::get<FrameError>(r);
  EXPECT_EQ(e.code, RpcErrorCode::FormatViolation);
  EXPECT_EQ(e.id, "abc");
}

TEST(Frame, AnswersAreNeverAnswered) {
  auto r = parse_frame(R"([3,"abc"])");
  EXPECT_FALSE(std::get<FrameError>(r).answerable);
}

TEST(Frame, SerialisesAllThreeTypes) {
  rapidjson::Document p;
  p.SetObject();
  p.AddMember("a", 1, p.GetAllocator());
  EXPECT_EQ(serialize_call("i", "Heartbeat", p), R"([2,"i","Heartbeat",{"a":1}])");
  EXPECT_EQ(serialize_call_result("i", p), R"([3,"i",{"a":1}])");
  EXPECT_EQ(serialize_call_error("i", "NotSupported", "d"), R"([4,"i","NotSupported","d",{}])");
}

TEST(Frame, LongErrorDescriptionIsCutTo255Characters) {
  const std::string frame = serialize_call_error("i", "GenericError", std::string(300, 'x'));
  auto r = parse_frame(frame);
  EXPECT_EQ(std::get<InboundFrame>(r).error_description().size(), 255u);
}

TEST(Frame, PeeksIdOfATruncatedCall) {
  EXPECT_EQ(peek_message_id(R"( [ 2 , "id-7", "DataTransfer", {"data": "xxxxxxxx)"), "id-7");
  EXPECT_TRUE(peek_is_call(R"([2,"id-7","DataTransfer",{)"));
  EXPECT_FALSE(peek_is_call(R"([3,"id-7",{)"));
  EXPECT_EQ(peek_message_id("garbage"), "-1");
}

TEST(MessageId, UniqueUuidsOf36Characters) {
  MessageIdGenerator ids(42);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = ids.next();
    ASSERT_EQ(id.size(), kMaxMessageIdLength);
    ASSERT_EQ(id[14], '4');
    ASSERT_TRUE(seen.insert(id).second) << "duplicate id " << id;
  }
}

TEST(Frame, NestingBeyondTheBoundIsRefusedAndACallGetsItsOwnId) {
  // ocpp/common/json.hpp: the deepest OCPP message nests 14 levels in its frame; 32 are read.
  const auto deep = [](unsigned levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  auto ok = parse_frame(R"([2,"ok-1","DataTransfer",{"vendorId":"v","data":)" + deep(kMaxJsonDepth - 2) + "}]");
  EXPECT_TRUE(std::holds_alternative<InboundFrame>(ok));

  auto call = parse_frame(R"([2,"deep-1","DataTransfer",{"vendorId":"v","data":)" + deep(200000) + "}]");
  auto& e = std::get<FrameError>(call);
  EXPECT_EQ(e.code, RpcErrorCode::FormatViolation);
  EXPECT_EQ(e.id, "deep-1");
  EXPECT_TRUE(e.answerable);
  EXPECT_EQ(e.description, "frame is nested deeper than 32 levels");

  auto answer = parse_frame(R"([3,"deep-2",{"data":)" + deep(kMaxJsonDepth) + "}]");
  EXPECT_FALSE(std::get<FrameError>(answer).answerable) << "answers are never answered";
  auto garbage = parse_frame(deep(kMaxJsonDepth + 1));
  EXPECT_EQ(std::get<FrameError>(garbage).id, "-1");
}

}  // namespace
}  // namespace ocpp::rpc
