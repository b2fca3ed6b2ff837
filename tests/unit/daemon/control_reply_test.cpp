// The answer lines of the control socket: {"ok":true,...fields} or {"ok":false,"reason":...}.
#include <gtest/gtest.h>

#include "control_socket.hpp"

namespace ocpp::cp::daemon {
namespace {

TEST(ControlReply, SuccessCarriesTheFieldsAfterOk) {
  EXPECT_EQ(render_reply(ControlReply::success()), R"({"ok":true})");
  EXPECT_EQ(render_reply(ControlReply::success(R"({"outbox":3,"connectors":[{"id":1,"transaction":null}]})")),
            R"({"ok":true,"outbox":3,"connectors":[{"id":1,"transaction":null}]})");
}

TEST(ControlReply, FieldsCannotOverrideOk) {
  EXPECT_EQ(render_reply(ControlReply::success(R"({"a":1,"ok":false})")), R"({"ok":true,"a":1})");
}

TEST(ControlReply, RefusalSaysWhy) {
  EXPECT_EQ(render_reply(ControlReply::refused("unknown connector 9")), R"({"ok":false,"reason":"unknown connector 9"})");
  EXPECT_EQ(render_reply(ControlReply::refused("quote \" and\nnewline")),
            R"({"ok":false,"reason":"quote \" and\nnewline"})");
  EXPECT_EQ(render_reply(ControlReply{false, "", ""}), R"({"ok":false,"reason":"refused"})");
  ControlReply with_fields{false, "locked out", R"({"retry_after_s":60,"reason":"other"})"};
  EXPECT_EQ(render_reply(with_fields), R"({"ok":false,"reason":"locked out","retry_after_s":60})");
}

TEST(ControlReply, FieldsThatAreNotAnObjectBecomeARefusal) {
  for (const char* bad : {"[1]", "3", "{\"a\":", "not json"}) {
    EXPECT_EQ(render_reply(ControlReply::success(bad)),
              R"({"ok":false,"reason":"internal error: the charge point produced a malformed answer"})")
        << bad;
  }
}

}  // namespace
}  // namespace ocpp::cp::daemon
