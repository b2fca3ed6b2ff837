// What it costs to take an inbound OCPP frame all the way through the RPC endpoint: parse in situ,
// validate against the official schema (DESIGN.md principle 5), convert into the generated struct,
// run the handler, convert and validate its response and serialise the CALLRESULT. Beside each
// message, a RapidJSON parse of the same bytes, so that the ratio of the two shows what validation
// and typing cost on whatever machine runs it (bench/RESULTS.md, bench/run_dispatch.sh).
//
// BM_ParseOnly_<msg>    the baseline: copy the bytes into a vector, terminate it, ParseInsitu.
// BM_Dispatch_<msg>     Endpoint::on_message with a typed handler (rpc::handle<Request>).
// BM_Stage_<stage>_<msg> attribution only: one stage of the dispatch path on its own, so that the
//                       stages show where the dispatch time goes. They are not part of the target.
//
// The charging station's side of 2.0.1 (issue 11): what a station receives in volume is the CSMS's
// GetVariables (a CALL, measured as above: BM_Dispatch_GetVariables with a fixed typed answer, and
// BM_Dispatch_GetVariablesDeviceModel answered by the 2.0.1 adapter's device model) and the
// answers to its own TransactionEvents (CALLRESULTs), which only exist after a CALL has gone out.
// So the outbound side is measured as an exchange:
// BM_Exchange_<msg>     rpc::call of a typed TransactionEventRequest (to_json, request schema,
//                       serialize_call, the frame to the sink), then Endpoint::on_message of the
//                       CSMS's CALLRESULT (parse, id match, response schema, from_json into the
//                       typed response, the callback): one outbox event's round as the station
//                       does it, without the socket.
// BM_WriteParse_<msg>   its baseline: RapidJSON Writer of the same CALL from a Document built
//                       beforehand, then the parse-only baseline of the same CALLRESULT bytes.
// BM_Render_<msg>       the outbound half alone: to_json + request schema + serialize_call.
// BM_WriteOnly_<msg>    its baseline: the RapidJSON Writer of the same CALL.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/common/version.hpp"
#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/rpc/frame.hpp"
#include "ocpp/rpc/message_id.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/schema/validator.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

#ifdef OCPP_BENCH_DEVICE_MODEL
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/topology.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#endif

namespace {

using ocpp::ProtocolVersion;
namespace rpc = ocpp::rpc;
namespace v16 = ocpp::v16;
namespace v201 = ocpp::v201;

// One inbound CALL as a charge point sends it to a CSMS. Each must be valid against its schema:
// the benchmarks refuse to run on a frame that is answered with a CALLERROR.
struct Message {
  const char* name;
  ProtocolVersion version;
  std::string_view frame;
};

// 1.6 BootNotification.req with every field a charge point usually fills in.
constexpr Message kBootNotification{
    "BootNotification", ProtocolVersion::v16,
    R"([2,"19223201","BootNotification",{"chargePointVendor":"Elektro Nord GmbH","chargePointModel":"WallBox-22-T2S","chargePointSerialNumber":"EN22-2026-0004711","chargeBoxSerialNumber":"EN22-CB-0004711","firmwareVersion":"1.4.2+build.318","iccid":"89490200001234567890","imsi":"262011234567890","meterType":"Eastron SDM630-MCT","meterSerialNumber":"SDM630-00458712"}])"};

// 1.6 MeterValues.req during a three-phase transaction: one meterValue of 10 sampledValues.
constexpr Message kMeterValues{
    "MeterValues", ProtocolVersion::v16,
    R"([2,"19223455","MeterValues",{"connectorId":1,"transactionId":4711,"meterValue":[{"timestamp":"2026-11-24T09:30:00.000Z","sampledValue":[)"
    R"({"value":"15432.7","context":"Sample.Periodic","format":"Raw","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},)"
    R"({"value":"11040","context":"Sample.Periodic","format":"Raw","measurand":"Power.Active.Import","location":"Outlet","unit":"W"},)"
    R"({"value":"16.02","context":"Sample.Periodic","format":"Raw","measurand":"Current.Import","phase":"L1","location":"Outlet","unit":"A"},)"
    R"({"value":"15.97","context":"Sample.Periodic","format":"Raw","measurand":"Current.Import","phase":"L2","location":"Outlet","unit":"A"},)"
    R"({"value":"16.05","context":"Sample.Periodic","format":"Raw","measurand":"Current.Import","phase":"L3","location":"Outlet","unit":"A"},)"
    R"({"value":"230.4","context":"Sample.Periodic","format":"Raw","measurand":"Voltage","phase":"L1-N","location":"Outlet","unit":"V"},)"
    R"({"value":"229.8","context":"Sample.Periodic","format":"Raw","measurand":"Voltage","phase":"L2-N","location":"Outlet","unit":"V"},)"
    R"({"value":"231.1","context":"Sample.Periodic","format":"Raw","measurand":"Voltage","phase":"L3-N","location":"Outlet","unit":"V"},)"
    R"({"value":"16","context":"Sample.Periodic","format":"Raw","measurand":"Current.Offered","location":"Outlet","unit":"A"},)"
    R"({"value":"67","context":"Sample.Periodic","format":"Raw","measurand":"SoC","location":"EV","unit":"Percent"}]}]}])"};

// 2.0.1 TransactionEvent.req (Updated, periodic) with evse, idToken, transactionInfo and one
// meterValue of 9 sampledValues.
constexpr Message kTransactionEvent{
    "TransactionEvent", ProtocolVersion::v201,
    R"([2,"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","TransactionEvent",{"eventType":"Updated","timestamp":"2026-11-24T09:30:00.000Z","triggerReason":"MeterValuePeriodic","seqNo":7,"offline":false,"numberOfPhasesUsed":3,"cableMaxCurrent":32,)"
    R"("transactionInfo":{"transactionId":"a1b2c3d4-e5f6-4789-abcd-0123456789ab","chargingState":"Charging","timeSpentCharging":1800},)"
    R"("evse":{"id":1,"connectorId":1},"idToken":{"idToken":"04A2B3C4D5E6F7","type":"ISO14443"},"meterValue":[{"timestamp":"2026-11-24T09:30:00.000Z","sampledValue":[)"
    R"({"value":15432.7,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unitOfMeasure":{"unit":"Wh","multiplier":0}},)"
    R"({"value":11040,"context":"Sample.Periodic","measurand":"Power.Active.Import","location":"Outlet","unitOfMeasure":{"unit":"W"}},)"
    R"({"value":16.02,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","location":"Outlet","unitOfMeasure":{"unit":"A"}},)"
    R"({"value":15.97,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L2","location":"Outlet","unitOfMeasure":{"unit":"A"}},)"
    R"({"value":16.05,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L3","location":"Outlet","unitOfMeasure":{"unit":"A"}},)"
    R"({"value":230.4,"context":"Sample.Periodic","measurand":"Voltage","phase":"L1-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},)"
    R"({"value":229.8,"context":"Sample.Periodic","measurand":"Voltage","phase":"L2-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},)"
    R"({"value":231.1,"context":"Sample.Periodic","measurand":"Voltage","phase":"L3-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},)"
    R"({"value":67,"context":"Sample.Periodic","measurand":"SoC","location":"EV","unitOfMeasure":{"unit":"Percent"}}]}]}])"};

// 2.0.1 GetVariables.req as a CSMS sends it to a charging station: four variables a CSMS polls,
// one with an instance and one on an EVSE.
constexpr Message kGetVariables{
    "GetVariables", ProtocolVersion::v201,
    R"([2,"9b1f0c2e-7d4a-4e3b-9c5d-2f6a8b0e1d37","GetVariables",{"getVariableData":[)"
    R"({"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},)"
    R"({"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"MessageAttempts","instance":"TransactionEvent"}},)"
    R"({"component":{"name":"SampledDataCtrlr"},"variable":{"name":"TxUpdatedInterval"}},)"
    R"({"attributeType":"Actual","component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"AvailabilityState"}}]}])"};
// The same bytes, answered by the adapter's device model instead of a fixed answer.
constexpr Message kGetVariablesDeviceModel{"GetVariablesDeviceModel", ProtocolVersion::v201, kGetVariables.frame};

// The charging station's own CALLs and the CSMS's answers to them (BM_Exchange_*, BM_Render_*).
// The CALL's message id is the station's (a UUID made by the endpoint); the answer's placeholder
// id, 36 characters at offset 4, is overwritten with it on each round.
struct Exchange {
  const char* name;
  std::string_view call;    // the CALL as the station renders it (its payload is the typed request)
  std::string_view answer;  // the CSMS's CALLRESULT
};

constexpr std::string_view kPlaceholderId = "00000000-0000-4000-8000-000000000000";

// TransactionEvent Updated, MeterValuePeriodic with 9 sampled values: the payload of the inbound
// fixture above, now sent by the station. The CSMS answers {}.
constexpr Exchange kTxEventPeriodic{"TxEventPeriodic", kTransactionEvent.frame,
                                    R"([3,"00000000-0000-4000-8000-000000000000",{}])"};

// TransactionEvent Updated as the station replays its offline backlog (bench/run_replay.sh): one
// energy register reading, offline, the shape chargepoint/v201 renders for a stored meter sample
// (no unitOfMeasure for Wh, a register value with all its digits).
constexpr Exchange kTxEventOffline{
    "TxEventOffline",
    R"([2,"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","TransactionEvent",{"eventType":"Updated","timestamp":"2026-11-24T09:31:00.000Z","triggerReason":"MeterValuePeriodic","seqNo":1234,"offline":true,)"
    R"("transactionInfo":{"transactionId":"a1b2c3d4-e5f6-4789-abcd-0123456789ab"},)"
    R"("meterValue":[{"timestamp":"2026-11-24T09:31:00.000Z","sampledValue":[{"value":1239432.7333333334,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register"}]}]}])",
    R"([3,"00000000-0000-4000-8000-000000000000",{}])"};

// TransactionEvent Started with the idToken: the CSMS answers with its verdict (idTokenInfo).
constexpr Exchange kTxEventStarted{
    "TxEventStarted",
    R"([2,"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","TransactionEvent",{"eventType":"Started","timestamp":"2026-11-24T09:00:00.000Z","triggerReason":"Authorized","seqNo":0,)"
    R"("transactionInfo":{"transactionId":"a1b2c3d4-e5f6-4789-abcd-0123456789ab","chargingState":"Charging"},)"
    R"("evse":{"id":1,"connectorId":1},"idToken":{"idToken":"04A2B3C4D5E6F7","type":"ISO14443"},)"
    R"("meterValue":[{"timestamp":"2026-11-24T09:00:00.000Z","sampledValue":[{"value":1234567.0,"context":"Transaction.Begin","measurand":"Energy.Active.Import.Register"}]}]}])",
    R"([3,"00000000-0000-4000-8000-000000000000",{"idTokenInfo":{"status":"Accepted"}}])"};

// The bytes as the transport hands them over: a vector holding exactly the WebSocket message.
// Both the baseline and the dispatch path pay this copy.
std::vector<char> received(std::string_view frame) { return {frame.begin(), frame.end()}; }

void set_counters(benchmark::State& state, const Message& m) {
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(m.frame.size());
}

// ---------------------------------------------------------------------------------------------
// Baseline: RapidJSON parse-only of the same bytes, prepared exactly as rpc::parse_frame prepares
// them (a vector, a terminating NUL pushed on it, ParseInsitu into a fresh Document).

void parse_only(benchmark::State& state, const Message& m) {
  {
    std::vector<char> text = received(m.frame);
    text.push_back('\0');
    rapidjson::Document doc;
    if (doc.ParseInsitu(text.data()).HasParseError()) {
      state.SkipWithError("fixture is not valid JSON");
      return;
    }
  }
  for (auto _ : state) {
    std::vector<char> text = received(m.frame);
    text.push_back('\0');
    rapidjson::Document doc;
    doc.ParseInsitu(text.data());
    benchmark::DoNotOptimize(doc);
    benchmark::ClobberMemory();
  }
  set_counters(state, m);
}

// ---------------------------------------------------------------------------------------------
// The full path: Endpoint::on_message -> parse_frame -> schema -> from_json -> handler -> to_json
// -> schema -> serialize_call_result -> FrameSink.

// Counts what the endpoint sends. Anything but a CALLRESULT means the fixture (or the handler's
// response) is wrong, and the benchmark must not report a number for it.
class CountingSink final : public rpc::FrameSink {
 public:
  void send_frame(std::string text) override {
    if (text.compare(0, 3, "[3,") == 0) {
      ++results;
    } else {
      ++others;
      last_other = std::move(text);
    }
  }
  std::int64_t results = 0;
  std::int64_t others = 0;
  std::string last_other;
};

// `answer(request)` is the typed handler's work: a fixed response, or the adapter's own.
template <class Request, class Answer>
void dispatch_with(benchmark::State& state, const Message& m, const Answer& answer) {
  ocpp::ManualClock clock;
  ocpp::ManualEventLoop loop{clock};
  rpc::Endpoint endpoint{loop, m.version, rpc::EndpointOptions{std::chrono::seconds{30}, "bench", false, {}, {}}};
  CountingSink sink;
  endpoint.attach(sink);
  std::int64_t handled = 0;
  rpc::handle<Request>(endpoint, [&](const Request& request) {
    ++handled;
    benchmark::DoNotOptimize(request);
    return answer(request);
  });

  // One frame before timing: compiles both schemas (cached per endpoint, as in a real connection)
  // and proves that the fixture is answered with a CALLRESULT by the handler.
  endpoint.on_message(received(m.frame));
  if (sink.others != 0 || sink.results != 1 || handled != 1) {
    state.SkipWithError(("fixture not answered with a CALLRESULT by the handler: " + sink.last_other).c_str());
    return;
  }

  for (auto _ : state) {
    endpoint.on_message(received(m.frame));
  }

  const std::int64_t expected = static_cast<std::int64_t>(state.iterations()) + 1;
  if (sink.others != 0 || sink.results != expected || handled != expected) {
    state.SkipWithError(("not every frame reached the handler and got a CALLRESULT: " + sink.last_other).c_str());
    return;
  }
  benchmark::DoNotOptimize(sink.results);
  set_counters(state, m);
}

template <class Request>
void dispatch(benchmark::State& state, const Message& m, const typename Request::Response& response) {
  dispatch_with<Request>(state, m, [&response](const Request&) -> const typename Request::Response& { return response; });
}

// ---------------------------------------------------------------------------------------------
// Attribution: the stages of the dispatch path one by one. Each works on a frame parsed once
// before timing, so its data is hot in cache; the stages add up to roughly the dispatch time.

// The parsed frame of a fixture, kept alive for the stages that start from its payload.
struct ParsedFixture {
  rpc::InboundFrame frame;
  bool ok = false;
};

ParsedFixture parse_fixture(const Message& m) {
  ParsedFixture p;
  auto parsed = rpc::parse_frame(received(m.frame));
  if (auto* frame = std::get_if<rpc::InboundFrame>(&parsed)) {
    p.frame = std::move(*frame);
    p.ok = true;
  }
  return p;
}

// rpc::parse_frame: the baseline plus the OCPP-J envelope checks and the InboundFrame.
void stage_parse_frame(benchmark::State& state, const Message& m) {
  if (!parse_fixture(m).ok) {
    state.SkipWithError("fixture is not a valid OCPP-J frame");
    return;
  }
  for (auto _ : state) {
    rpc::ParseResult parsed = rpc::parse_frame(received(m.frame));
    benchmark::DoNotOptimize(parsed);
    benchmark::ClobberMemory();
  }
  set_counters(state, m);
}

// SchemaValidator::validate of the request payload (RapidJSON schema + date-time checks).
void stage_validate_request(benchmark::State& state, const Message& m) {
  const ParsedFixture p = parse_fixture(m);
  if (!p.ok) {
    state.SkipWithError("fixture is not a valid OCPP-J frame");
    return;
  }
  ocpp::SchemaValidator validator{m.version};
  if (auto error = validator.validate(p.frame.action(), ocpp::MessageKind::Request, p.frame.payload())) {
    state.SkipWithError(("fixture fails its request schema: " + error->description).c_str());
    return;
  }
  for (auto _ : state) {
    auto error = validator.validate(p.frame.action(), ocpp::MessageKind::Request, p.frame.payload());
    benchmark::DoNotOptimize(error);
  }
  set_counters(state, m);
}

// The generated from_json into a fresh Request.
template <class Request>
void stage_from_json(benchmark::State& state, const Message& m) {
  const ParsedFixture p = parse_fixture(m);
  if (!p.ok) {
    state.SkipWithError("fixture is not a valid OCPP-J frame");
    return;
  }
  try {
    Request request;
    from_json(p.frame.payload(), request);
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("fixture does not convert into ") + Request::action + "Request: " + e.what()).c_str());
    return;
  }
  for (auto _ : state) {
    Request request;
    from_json(p.frame.payload(), request);
    benchmark::DoNotOptimize(request);
    benchmark::ClobberMemory();
  }
  set_counters(state, m);
}

// The way back: to_json of the handler's response, its schema check, serialize_call_result.
template <class Request>
void stage_reply(benchmark::State& state, const Message& m, const typename Request::Response& response) {
  const ParsedFixture p = parse_fixture(m);
  ocpp::SchemaValidator validator{m.version};
  if (!p.ok) {
    state.SkipWithError("fixture is not a valid OCPP-J frame");
    return;
  }
  for (auto _ : state) {
    rapidjson::Document out;
    to_json(response, out, out.GetAllocator());
    if (validator.validate(Request::action, ocpp::MessageKind::Response, out)) {
      state.SkipWithError("response fails its schema");
      return;
    }
    std::string text = rpc::serialize_call_result(p.frame.id(), out);
    benchmark::DoNotOptimize(text);
  }
  set_counters(state, m);
}

// ---------------------------------------------------------------------------------------------
// The charging station's own CALLs: rendering a typed TransactionEventRequest, and the whole round
// with the CSMS's answer (BM_Render_*, BM_Exchange_*), beside RapidJSON writing the same CALL and
// parsing the same answer (BM_WriteOnly_*, BM_WriteParse_*).

// The payload (element 3) of a CALL fixture, parsed once before timing.
bool call_payload(std::string_view frame, rapidjson::Document& out) {
  rapidjson::Document doc;
  doc.Parse(frame.data(), frame.size());
  if (doc.HasParseError() || !doc.IsArray() || doc.Size() != 4 || !doc[3].IsObject()) return false;
  out.CopyFrom(doc[3], out.GetAllocator());
  return true;
}

// The typed request an adapter would hold: from_json of the fixture's payload, once.
template <class Request>
bool typed_request(std::string_view frame, Request& out, std::string& why) {
  rapidjson::Document payload;
  if (!call_payload(frame, payload)) {
    why = "fixture is not a CALL with an object payload";
    return false;
  }
  ocpp::SchemaValidator validator{ProtocolVersion::v201};
  if (auto error = validator.validate(Request::action, ocpp::MessageKind::Request, payload)) {
    why = "fixture fails its request schema: " + error->description;
    return false;
  }
  try {
    from_json(payload, out);
  } catch (const std::exception& e) {
    why = std::string("fixture does not convert: ") + e.what();
    return false;
  }
  return true;
}

// The baseline writer: the CALL frame from a Document, as serialize_call writes it.
std::string write_call(std::string_view id, const char* action, const rapidjson::Value& payload) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  w.Int(2);
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.String(action);
  payload.Accept(w);
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

void set_exchange_counters(benchmark::State& state, std::size_t call_bytes, std::size_t answer_bytes) {
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(call_bytes);
  state.counters["answer_bytes"] = static_cast<double>(answer_bytes);
}

// Holds the station's CALL and puts its message id into the CSMS's answer (a copy of the fixture
// with the placeholder id), so that the endpoint takes the answer as the one it waits for.
class AnsweringSink final : public rpc::FrameSink {
 public:
  explicit AnsweringSink(std::string_view answer) : answer_(answer.begin(), answer.end()) {}
  void send_frame(std::string text) override {
    if (text.size() > 40 && text.compare(0, 4, "[2,\"") == 0 && text[40] == '"') {
      std::memcpy(answer_.data() + 4, text.data() + 4, kPlaceholderId.size());
      ++calls;
      call_bytes = text.size();
    } else {
      ++others;
      last_other = std::move(text);
    }
  }
  // The answer as the transport hands it over (a vector holding exactly the message).
  std::vector<char> answer() const { return answer_; }
  std::int64_t calls = 0;
  std::int64_t others = 0;
  std::size_t call_bytes = 0;
  std::string last_other;

 private:
  std::vector<char> answer_;
};

template <class Request>
void exchange(benchmark::State& state, const Exchange& x) {
  using Response = typename Request::Response;
  Request request;
  std::string why;
  if (!typed_request(x.call, request, why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  ocpp::ManualClock clock;
  ocpp::ManualEventLoop loop{clock};
  rpc::Endpoint endpoint{loop, ProtocolVersion::v201, rpc::EndpointOptions{std::chrono::seconds{30}, "bench", false, {}, {}}};
  AnsweringSink sink{x.answer};
  endpoint.attach(sink);
  std::int64_t results = 0;
  std::int64_t failures = 0;
  std::string failure;
  const auto done = [&](rpc::Typed<Response>& r) {
    if (r.ok()) {
      ++results;
      benchmark::DoNotOptimize(r.response);
    } else {
      ++failures;
      failure = r.error_code + " " + r.error_description;
    }
  };
  // One round before timing: compiles both schemas and proves that the answer is taken as a result.
  rpc::call(endpoint, request, done);
  endpoint.on_message(sink.answer());
  if (results != 1 || sink.calls != 1 || endpoint.queued() != 0) {
    state.SkipWithError(("the round did not complete with a result: " + failure + sink.last_other).c_str());
    return;
  }
  for (auto _ : state) {
    rpc::call(endpoint, request, done);
    endpoint.on_message(sink.answer());
  }
  const std::int64_t expected = static_cast<std::int64_t>(state.iterations()) + 1;
  if (results != expected || failures != 0 || sink.others != 0) {
    state.SkipWithError(("not every round completed with a result: " + failure + sink.last_other).c_str());
    return;
  }
  set_exchange_counters(state, sink.call_bytes, x.answer.size());
}

void write_parse(benchmark::State& state, const Exchange& x) {
  rapidjson::Document payload;
  if (!call_payload(x.call, payload)) {
    state.SkipWithError("fixture is not a CALL with an object payload");
    return;
  }
  const std::string id(kPlaceholderId);
  const std::string first = write_call(id, "TransactionEvent", payload);
  for (auto _ : state) {
    std::string text = write_call(id, "TransactionEvent", payload);
    benchmark::DoNotOptimize(text);
    std::vector<char> in = received(x.answer);
    std::memcpy(in.data() + 4, text.data() + 4, kPlaceholderId.size());
    in.push_back('\0');
    rapidjson::Document doc;
    doc.ParseInsitu(in.data());
    benchmark::DoNotOptimize(doc);
    benchmark::ClobberMemory();
  }
  set_exchange_counters(state, first.size(), x.answer.size());
}

template <class Request>
void render(benchmark::State& state, const Exchange& x) {
  Request request;
  std::string why;
  if (!typed_request(x.call, request, why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  ocpp::SchemaValidator validator{ProtocolVersion::v201};
  rpc::MessageIdGenerator ids;
  std::size_t bytes = 0;
  for (auto _ : state) {
    // What Endpoint::call does before the frame is queued: to_json, the request schema, a message
    // id, serialize_call.
    rapidjson::Document payload;
    to_json(request, payload, payload.GetAllocator());
    if (validator.validate(Request::action, ocpp::MessageKind::Request, payload)) {
      state.SkipWithError("the rendered request fails its schema");
      return;
    }
    std::string text = rpc::serialize_call(ids.next(), Request::action, payload);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  set_exchange_counters(state, bytes, x.answer.size());
}

void write_only(benchmark::State& state, const Exchange& x) {
  rapidjson::Document payload;
  if (!call_payload(x.call, payload)) {
    state.SkipWithError("fixture is not a CALL with an object payload");
    return;
  }
  const std::string id(kPlaceholderId);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = write_call(id, "TransactionEvent", payload);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  set_exchange_counters(state, bytes, x.answer.size());
}

template <class Request>
void register_exchange(const Exchange& x) {
  const std::string name = x.name;
  benchmark::RegisterBenchmark(("BM_WriteParse_" + name).c_str(), [&x](benchmark::State& s) { write_parse(s, x); });
  benchmark::RegisterBenchmark(("BM_Exchange_" + name).c_str(), [&x](benchmark::State& s) { exchange<Request>(s, x); });
  benchmark::RegisterBenchmark(("BM_WriteOnly_" + name).c_str(), [&x](benchmark::State& s) { write_only(s, x); });
  benchmark::RegisterBenchmark(("BM_Render_" + name).c_str(), [&x](benchmark::State& s) { render<Request>(s, x); });
}

#ifdef OCPP_BENCH_DEVICE_MODEL
// The adapter's device model on a pile of two EVSEs, its settings in an in-memory store; the run-time
// values the adapter takes from the core are constants here.
class BenchLive final : public ocpp::cp::v201::LiveValues {
 public:
  v201::ConnectorStatusEnumType availability_state(int, int) const override {
    return v201::ConnectorStatusEnumType::Available;
  }
  double power_w(int) const override { return 0; }
  ocpp::SystemTime now() const override { return ocpp::SystemTime{std::chrono::hours{24 * 365 * 56}}; }
  int local_auth_list_entries() const override { return 0; }
  int security_profile() const override { return 0; }
  int certificate_entries() const override { return 0; }
  std::string identity() const override { return "BENCH-CP-1"; }
};

struct DeviceModelPile {
  DeviceModelPile()
      : store(":memory:"),
        settings(store.db(), ocpp::cp::v201::all_setting_specs()),
        model(settings, ocpp::cp::Topology::uniform(2), live) {}
  ocpp::cp::Store store;
  ocpp::cp::Settings settings;
  BenchLive live;
  ocpp::cp::v201::DeviceModel model;
};
#endif

// ---------------------------------------------------------------------------------------------

std::string bench_name(const char* kind, const Message& m) {
  return std::string("BM_") + kind + "_" + m.name;
}

template <class Request>
void register_message(const Message& m, const typename Request::Response& response) {
  benchmark::RegisterBenchmark(bench_name("ParseOnly", m).c_str(), [&m](benchmark::State& s) { parse_only(s, m); });
  benchmark::RegisterBenchmark(bench_name("Dispatch", m).c_str(),
                               [&m, response](benchmark::State& s) { dispatch<Request>(s, m, response); });
  benchmark::RegisterBenchmark(bench_name("Stage_ParseFrame", m).c_str(),
                               [&m](benchmark::State& s) { stage_parse_frame(s, m); });
  benchmark::RegisterBenchmark(bench_name("Stage_ValidateRequest", m).c_str(),
                               [&m](benchmark::State& s) { stage_validate_request(s, m); });
  benchmark::RegisterBenchmark(bench_name("Stage_FromJson", m).c_str(),
                               [&m](benchmark::State& s) { stage_from_json<Request>(s, m); });
  benchmark::RegisterBenchmark(bench_name("Stage_Reply", m).c_str(),
                               [&m, response](benchmark::State& s) { stage_reply<Request>(s, m, response); });
}

}  // namespace

int main(int argc, char** argv) {
  // Minimal valid answers a CSMS gives. BootNotification carries the CSMS time, which to_json
  // formats as RFC 3339 on every reply.
  v16::BootNotificationResponse boot;
  boot.status = v16::BootNotificationStatus::Accepted;
  boot.currentTime = ocpp::DateTime::parse("2026-11-24T09:30:00.000Z");
  boot.interval = 300;
  register_message<v16::BootNotificationRequest>(kBootNotification, boot);
  register_message<v16::MeterValuesRequest>(kMeterValues, v16::MeterValuesResponse{});
  register_message<v201::TransactionEventRequest>(kTransactionEvent, v201::TransactionEventResponse{});

#ifdef OCPP_BENCH_DEVICE_MODEL
  // 2.0.1, the charging station's side (issue 11). GetVariables: the fixed answer is what the
  // device model answers to the fixture, computed once; the DeviceModel variant computes it on
  // every frame, as the adapter does.
  static DeviceModelPile pile;
  v201::GetVariablesResponse get_variables;
  {
    v201::GetVariablesRequest request;
    std::string why;
    if (typed_request(kGetVariables.frame, request, why)) get_variables = pile.model.get_variables(request);
  }
  register_message<v201::GetVariablesRequest>(kGetVariables, get_variables);
  benchmark::RegisterBenchmark(bench_name("ParseOnly", kGetVariablesDeviceModel).c_str(),
                               [](benchmark::State& s) { parse_only(s, kGetVariablesDeviceModel); });
  benchmark::RegisterBenchmark(bench_name("Dispatch", kGetVariablesDeviceModel).c_str(), [](benchmark::State& s) {
    dispatch_with<v201::GetVariablesRequest>(
        s, kGetVariablesDeviceModel, [](const v201::GetVariablesRequest& r) { return pile.model.get_variables(r); });
  });
#endif
  register_exchange<v201::TransactionEventRequest>(kTxEventPeriodic);
  register_exchange<v201::TransactionEventRequest>(kTxEventOffline);
  register_exchange<v201::TransactionEventRequest>(kTxEventStarted);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
