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
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <exception>
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
#include "ocpp/rpc/typed.hpp"
#include "ocpp/schema/validator.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

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

template <class Request>
void dispatch(benchmark::State& state, const Message& m, const typename Request::Response& response) {
  ocpp::ManualClock clock;
  ocpp::ManualEventLoop loop{clock};
  rpc::Endpoint endpoint{loop, m.version, rpc::EndpointOptions{std::chrono::seconds{30}, "bench", false, {}}};
  CountingSink sink;
  endpoint.attach(sink);
  std::int64_t handled = 0;
  rpc::handle<Request>(endpoint, [&](const Request& request) {
    ++handled;
    benchmark::DoNotOptimize(request);
    return response;
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

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
