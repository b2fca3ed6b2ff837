#include "ws_io.hpp"

#include <algorithm>
#include <cstring>

namespace ocpp::transport::detail {

bool MessageAssembler::append(lws* wsi, const char* data, std::size_t len) {
  current_.size += len;
  if (!current_.oversized && current_.size > limit_) {
    current_.oversized = true;
    current_.prefix.assign(current_.text.data(), std::min(current_.text.size(), kPrefixBytes));
    current_.text.clear();
    current_.text.shrink_to_fit();
  }
  if (current_.oversized) {
    if (current_.prefix.size() < kPrefixBytes) {
      current_.prefix.append(data, std::min(len, kPrefixBytes - current_.prefix.size()));
    }
  } else {
    // Room for the NUL that the in-situ parse appends (rpc::parse_frame), so the buffer is never
    // copied again after it is received; growth stays geometric for many fragments.
    const std::size_t needed = current_.text.size() + len + 1;
    if (current_.text.capacity() < needed) current_.text.reserve(std::max(needed, 2 * current_.text.capacity()));
    current_.text.insert(current_.text.end(), data, data + len);
  }
  if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) != 0) return false;
  current_.binary = lws_frame_is_binary(wsi) != 0;
  return true;
}

MessageAssembler::Message MessageAssembler::take() {
  Message m = std::move(current_);
  current_ = Message{};
  return m;
}

void MessageAssembler::reset() { current_ = Message{}; }

bool OutboundQueue::write_one(lws* wsi) {
  if (ping_due_) {
    ping_due_ = false;
    unsigned char buf[LWS_PRE + 4];
    if (lws_write(wsi, buf + LWS_PRE, 0, LWS_WRITE_PING) < 0) return false;
  } else if (!queue_.empty()) {
    const std::string& text = queue_.front();
    std::vector<unsigned char> buf(LWS_PRE + text.size());
    std::memcpy(buf.data() + LWS_PRE, text.data(), text.size());
    if (lws_write(wsi, buf.data() + LWS_PRE, text.size(), LWS_WRITE_TEXT) < static_cast<int>(text.size())) {
      return false;
    }
    queue_.pop_front();
  }
  if (pending()) lws_callback_on_writable(wsi);
  return true;
}

}  // namespace ocpp::transport::detail
