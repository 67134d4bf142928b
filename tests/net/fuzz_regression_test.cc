// What the fuzz targets (tests/fuzz) found, replayed through the real path —
// the server over a socket, or the frame reader as the session drives it —
// with the clear answer the fixed code gives. Add each new finding here
// (tests/fuzz/README.md: "A crash").
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/ids.h"
#include "net/codec.h"
#include "net/frame.h"
#include "net/messages.h"
#include "net/result_code.h"
#include "runtime/clock.h"
#include "tests/net/net_test_support.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::one;
using testing::RawConnection;
using testing::start_server;

// client_frame_fuzz: a ClientFrame whose union type is Hello but whose Hello
// table is absent passes the FlatBuffers verifier; the session dereferenced
// the missing table (a null read before any Hello: one 13-byte frame crashed
// the server). Now verify_client_frame refuses it: BadFrame, and the server
// keeps serving. The same for Request and Admin, before and after a Hello.
TEST(FuzzRegression, MessageTypeWithoutItsTable_GetsBadFrameAndClose) {
  const uint8_t found[] = {0x08, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01};
  ASSERT_EQ(verify_client_frame(found), nullptr);

  auto app = start_server();
  {
    RawConnection raw(app->port());
    uint8_t header[kFrameHeaderBytes];
    put_frame_length(header, sizeof found);
    ASSERT_TRUE(raw.send_bytes(header) && raw.send_bytes(found));
    EXPECT_EQ(raw.read_error(), wire::ErrorCode::BadFrame);
    EXPECT_TRUE(raw.closed_by_server());
  }
  for (wire::ClientMessage type :
       {wire::ClientMessage::Hello, wire::ClientMessage::Request, wire::ClientMessage::Admin}) {
    for (bool after_hello : {false, true}) {
      RawConnection raw(app->port());
      if (after_hello) {
        ASSERT_TRUE(raw.hello());
      }
      flatbuffers::FlatBufferBuilder fbb;
      fbb.Finish(wire::CreateClientFrame(fbb, type, 0));
      ASSERT_TRUE(raw.send_frame(finish_frame(fbb)));
      EXPECT_EQ(raw.read_error(), wire::ErrorCode::BadFrame)
          << wire::EnumNameClientMessage(type) << " after_hello " << after_hello;
      EXPECT_TRUE(raw.closed_by_server());
    }
  }
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  EXPECT_TRUE(one(*shop, Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}).ok());
}

// frame_reader_fuzz: a payload that lands unaligned is copied into a buffer
// that the next unaligned payload reuses, so a payload is valid until the
// next next() call (frame.h), not until the next writable() as it said.
// Handled in turn, as the session does, every frame of one read is intact.
TEST(FuzzRegression, FrameReader_UnalignedPayloadsOfOneRead_AreIntactWhenHandledInTurn) {
  std::vector<std::string> payloads = {"abc", "defgh", "ijklmnopqrs", "", "tu", std::string(100, 'v')};
  std::vector<uint8_t> stream;
  for (const std::string& p : payloads) {
    uint8_t header[kFrameHeaderBytes];
    put_frame_length(header, static_cast<uint32_t>(p.size()));
    stream.insert(stream.end(), header, header + kFrameHeaderBytes);
    stream.insert(stream.end(), p.begin(), p.end());
  }
  FrameReader reader(kFrameBytesMin);
  const std::span<uint8_t> free = reader.writable();
  ASSERT_GE(free.size(), stream.size());
  std::memcpy(free.data(), stream.data(), stream.size());
  reader.commit(stream.size());
  for (const std::string& expected : payloads) {
    std::span<const uint8_t> payload;
    uint32_t announced = 0;
    ASSERT_EQ(reader.next(&payload, &announced), FrameReader::Next::kFrame);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(payload.data()) % alignof(uint64_t), 0u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(payload.data()), payload.size()), expected);
  }
  std::span<const uint8_t> payload;
  uint32_t announced = 0;
  EXPECT_EQ(reader.next(&payload, &announced), FrameReader::Next::kNeedMore);
  EXPECT_FALSE(reader.partial());
}

// client_frame_fuzz: the FlatBuffers verifier checks the alignment of a
// vector's length, not of its elements, so a Request can carry MarkOrders'
// [ulong] order ids 4 bytes off their alignment; the decoder loaded them in
// place (undefined behaviour: the ASan + UBSan server stopped). It copies
// them now: the ids decode and the request is answered, one result per
// command.
TEST(FuzzRegression, MisalignedOrderIdList_IsDecodedAndAnswered) {
  const uint8_t found[] = {
      0x0c, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x07, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x08, 0x00, 0x10, 0x00, 0x08, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00,
      0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x00, 0x00,
      0x07, 0x00, 0x08, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x0c, 0x00, 0x00, 0x00, 0x0c, 0x00,
      0x15, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x00,
      0x08, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x0c, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0c, 0x00,
      0x08, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00,
      0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  std::vector<uint64_t> aligned((sizeof found + 7) / 8);
  std::memcpy(aligned.data(), found, sizeof found);
  const wire::ClientFrame* frame =
      verify_client_frame({reinterpret_cast<const uint8_t*>(aligned.data()), sizeof found});
  ASSERT_NE(frame, nullptr);
  ASSERT_NE(frame->message_as_Request(), nullptr);
  const auto* commands = frame->message_as_Request()->commands();
  ASSERT_NE(commands, nullptr);
  bool misaligned_ids = false;
  for (const wire::Command* c : *commands) {
    const wire::MarkOrders* mark = c->body_as_MarkOrders();
    if (mark == nullptr || mark->orders() == nullptr) continue;
    misaligned_ids |= reinterpret_cast<uintptr_t>(mark->orders()->Data()) % alignof(uint64_t) != 0;
    Result<Command> decoded = decode_command(c);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(std::get<MarkOrders>(decoded->body).orders.size(), mark->orders()->size());
  }
  EXPECT_TRUE(misaligned_ids) << "the input no longer misaligns the ids: rebuild it";

  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello(testing::kBackofficeToken));
  uint8_t header[kFrameHeaderBytes];
  put_frame_length(header, sizeof found);
  ASSERT_TRUE(raw.send_bytes(header) && raw.send_bytes(found));
  ASSERT_TRUE(raw.read_frame());
  const wire::ServerFrame* reply = raw.verify();
  ASSERT_NE(reply, nullptr);
  ASSERT_EQ(reply->message_type(), wire::ServerMessage::Response);
  ASSERT_NE(reply->message_as_Response()->results(), nullptr);
  EXPECT_EQ(reply->message_as_Response()->results()->size(), commands->size());
}

// client_frame_fuzz: id 4294967295 is the empty marker of the engine's id
// indexes (FlatMap): looking it up failed an assertion (a test-build server
// aborted on a web shop's BookSeatsWithLines naming contingent 4294967295;
// a release build took the stock of whichever entity the empty slot held),
// and defining it broke the index. Now a lookup finds nothing and a
// definition is refused like id 0.
TEST(FuzzRegression, IdOfTheIndexesEmptyMarker_IsNotFoundOrRefused) {
  constexpr uint32_t kMarker = 0xFFFF'FFFFu;
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(admin && shop);
  const int64_t t = runtime::SystemClock().now_ms();
  const TariffId tariff = workload::demo_tariff(1, 1);
  std::vector<LayoutSeat> row(10, LayoutSeat{0, 0, 1});
  for (const Command& c :
       {Command{0, DefineVenueLayout{5, "Petite salle", {1}, {LayoutSection{"A", {LayoutRow{1, 1, row}}}}}},
        Command{0, DefinePerformance{9100, 1, t + 30 * 86'400'000LL, 0, 0}}, Command{0, AssignLayout{9100, 5}}}) {
    const Reply r = one(*admin, c);
    ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
  }

  const Reply seats =
      one(*shop, Command{0, HoldSeats{1, workload::kWeb, SeatRequest{9100, 1, tariff, kMarker, 2, {}, 0}, 60'000}});
  EXPECT_EQ(seats.code, ReplyCode::kNotFound) << seats.message;
  EXPECT_EQ(seats.message, "contingent 4294967295 not found");
  const Reply mixed = one(*shop, Command{0, BookSeatsWithLines{BookingKind::kReservation,
                                                               1,
                                                               workload::kWeb,
                                                               SeatRequest{9100, 1, tariff, kMarker, 2, {}, 0},
                                                               {workload::demo_line(9100, 1, 1, 1)},
                                                               t + 86'400'000}});
  EXPECT_NE(mixed.code, ReplyCode::kOk) << mixed.message;
  const Reply line =
      one(*shop, Command{0, Hold{1, workload::kWeb, {LineRequest{1000, 1, tariff, 1, kMarker}}, 60'000}});
  EXPECT_EQ(line.code, ReplyCode::kNotFound) << line.message;
  const Reply availability = one(*shop, Command{0, GetAvailability{kMarker, 1, kNone, workload::kWeb, kNone}});
  EXPECT_NE(availability.code, ReplyCode::kOk) << availability.message;

  for (const Command& c : {Command{0, DefineSeason{kMarker, "Saison"}}, Command{0, DefineChannel{kMarker, "Canal"}},
                           Command{0, DefinePerformance{kMarker, 1, t + 86'400'000, 10, 0}},
                           Command{0, DefineContingent{kMarker, 1000, 1, 1, {workload::kPartner}}},
                           Command{0, DefineContact{kMarker, 1, "NOM", "", "", kContactIndividual}}}) {
    const Reply r = one(*admin, c);
    EXPECT_EQ(r.code, ReplyCode::kInvalidArgument) << command_name(c.body) << ": " << r.message;
    EXPECT_NE(r.message.find("4294967295 is reserved"), std::string::npos) << r.message;
  }
  EXPECT_TRUE(one(*shop, Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}).ok());
}

// client_frame_fuzz: a selection (MarkOrders, LockOrders, ReleaseOrders,
// RemindOrders) naming order 18446744073709551615 — the empty marker of the
// FlatMap that put the shards' outcomes back in the client's order — failed
// an assertion while merging (a release build would have looped or dropped
// an outcome). Every id is a plain key now: the marker is NotFound like any
// unknown order, and the real order beside it is marked.
TEST(FuzzRegression, SelectionNamingTheEmptyMarkerOrder_GetsNotFoundForIt) {
  constexpr OrderId kMarker = ~uint64_t{0};
  auto app = start_server();
  auto office = connect_client(*app, testing::kBackofficeToken);
  ASSERT_TRUE(office);
  const int64_t t = runtime::SystemClock().now_ms();
  const Reply booked = one(
      *office,
      Command{
          0,
          Book{BookingKind::kOption, 1, workload::kBoxOffice, {workload::demo_line(1000, 1, 1, 1)}, t + 86'400'000}});
  ASSERT_TRUE(booked.ok()) << booked.message;
  const Reply marked = one(*office, Command{0, MarkOrders{{kMarker, booked.order}, ReleaseMark::kKeep}});
  ASSERT_TRUE(marked.ok()) << marked.message;
  EXPECT_EQ(marked.value, 1);
  ASSERT_TRUE(marked.detail);
  const auto& outcomes = std::get<BulkOutcomes>(marked.detail->value).orders;
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].order, kMarker);
  EXPECT_EQ(outcomes[0].outcome, Outcome::kNotFound);
  EXPECT_EQ(outcomes[1].order, booked.order);
  EXPECT_EQ(outcomes[1].outcome, Outcome::kDone);
  EXPECT_EQ(one(*office, Command{0, ReleaseOrders{{kMarker}}}).code, ReplyCode::kOk);
}

}  // namespace
}  // namespace tessera::net
