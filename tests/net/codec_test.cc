// Codec: every engine command survives encode -> verify -> decode unchanged,
// replies too, and bad input is refused field by field.
#include "net/codec.h"

#include <gtest/gtest.h>

#include "engine/limits.h"
#include "net/messages.h"
#include "net/result_code.h"
#include "tests/net/net_test_support.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
namespace fb = flatbuffers;

// One command of every kind, with non-default values in every field.
std::vector<Command> one_of_each() {
  DefineProduct product{7, 2, 3, "Produit", ExpiryPolicy::kOverdueThenArchive, 86'400'000, 600'000, 5};
  DefineVenueLayout layout{3, "Grande salle", {1, 2},
                           {LayoutSection{"Orchestre", {LayoutRow{1, 101, {LayoutSeat{0, kSeatWheelchair, 1},
                                                                           LayoutSeat{0, kSeatCompanion, 2}}},
                                                        LayoutRow{2, 1, {LayoutSeat{1, 0, 9}}}}},
                            LayoutSection{"Balcon", {LayoutRow{1, 1, {LayoutSeat{1, kSeatRestrictedView, 40}}}}}}};
  const SeatRequest seats{1000, 1, 6, 0, 2, {10, 11}, 0};
  const SeatRequest best{
      1000, 2, 6, 10001, 3, {}, kSeatOptionAccessible | kSeatOptionAllowSplit | kSeatOptionAllowRestrictedView};
  return {
      Command{1, DefineSeason{1, "Saison"}},
      Command{2, DefineProductFamily{2, "Famille"}},
      Command{3, product},
      Command{4, DefineChannel{4, "Web"}},
      Command{5, DefineCategory{5, "Cat"}},
      Command{6, DefineTariff{6, 7, "Plein"}},
      Command{7, SetTariffPrice{6, 5, 4, 1234}},
      Command{8, SetChannelExpiryPolicy{7, 4, ExpiryPolicy::kKeepUntilReleased, 99}},
      Command{9, DefinePerformance{1000, 7, 1'800'000'000'000, 500, 6}},
      Command{10, SetGeneralAdmission{1000, 5, 250}},
      Command{11, DefineContingent{10001, 1000, 5, 20, {3, 4}}},
      Command{12, SetChannelCap{1000, 4, 100}},
      Command{13, Hold{42, 4, {LineRequest{1000, 5, 6, 2, 0}, LineRequest{1001, 1, 6, 1, 10011}}, 60'000}},
      Command{14, Book{BookingKind::kReservation, 42, 1, {LineRequest{1000, 5, 6, 3, 0}}, 1'800'000'000'000}},
      Command{15, ExtendHold{make_order_id(1, 2, 3), 30'000}},
      Command{16, ConvertHold{make_order_id(1, 2, 4), BookingKind::kOption, 1'800'000'000'000}},
      Command{17, Confirm{make_order_id(0, 1, 5), {2, 0}}},
      Command{18, Release{make_order_id(0, 1, 6)}},
      Command{19, Cancel{make_order_id(0, 1, 7)}},
      Command{20, Archive{make_order_id(0, 1, 8)}},
      Command{21, Reinstate{make_order_id(0, 1, 9), 1'800'000'000'000}},
      Command{22, SetReleaseMark{make_order_id(0, 1, 10), ReleaseMark::kKeep}},
      Command{23, SetLock{make_order_id(0, 1, 11), true}},
      Command{24, Advance{77}},
      Command{25, GetAvailability{1000, 5, 10001, 4, 42}},
      Command{26, GetOrder{make_order_id(1, 1, 1)}},
      Command{27, layout},
      Command{28, AssignLayout{1000, 3}},
      Command{29, HoldSeats{42, 2, seats, 60'000}},
      Command{30, BookSeats{BookingKind::kOption, 42, 1, best, 1'800'000'000'000}},
      Command{31, BlockSeats{1000, {1, 2, 3}}},
      Command{32, UnblockSeats{1000, {3}}},
      Command{33, MoveSeatsToContingent{1000, 10001, {7, 8}}},
      Command{34, DefineSubContingent{100011, 1000, 10001, 4, {3}}},
      Command{35, SetContingentReleaseBack{1000, 10001, 1'799'000'000'000}},
      // Issue 4 additions.
      Command{36, HoldSeatsWithLines{42, 2, seats, {LineRequest{1000, 5, 6, 2, 0}}, 60'000}},
      Command{37, BookSeatsWithLines{BookingKind::kReservation,
                                     42,
                                     1,
                                     best,
                                     {LineRequest{1000, 5, 6, 1, 0}, LineRequest{1000, 5, 6, 4, 10001}},
                                     1'800'000'000'000}},
  };
}

// Encodes `commands` as a request frame and returns the verified Request.
struct EncodedRequest {
  OutFrame frame;
  std::vector<uint64_t> aligned;
  const wire::Request* request = nullptr;
};
EncodedRequest encode(const std::vector<Command>& commands) {
  EncodedRequest e{request_frame(9, commands), {}, nullptr};
  e.aligned.resize((e.frame.body.size() + 7) / 8);
  std::memcpy(e.aligned.data(), e.frame.body.data(), e.frame.body.size());
  const auto* frame = verify_client_frame({reinterpret_cast<const uint8_t*>(e.aligned.data()), e.frame.body.size()});
  EXPECT_NE(frame, nullptr);
  if (frame) e.request = frame->message_as_Request();
  return e;
}

TEST(Codec, EveryCommandKindRoundTripsUnchanged) {
  const std::vector<Command> commands = one_of_each();
  ASSERT_EQ(commands.size(), std::variant_size_v<CommandBody>) << "add the new command kind here";
  const EncodedRequest e = encode(commands);
  ASSERT_NE(e.request, nullptr);
  EXPECT_EQ(e.request->request_id(), 9u);
  auto decoded = decode_request(*e.request, 1000);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), commands.size());
  for (size_t i = 0; i < commands.size(); ++i)
    EXPECT_TRUE(testing::deep_equal(commands[i], (*decoded)[i])) << "command " << i << " " << command_name(commands[i].body);
}

TEST(Codec, RepliesRoundTripWithProtocolCodes) {
  for (ReplyCode code : {ReplyCode::kOk, ReplyCode::kSoldOut, ReplyCode::kBusy, ReplyCode::kUnavailable, kForbidden,
                         kMalformed}) {
    Reply r;
    r.code = code;
    r.order = make_order_id(1, 2, 3);
    r.state = OrderState::kOverdue;
    r.value = -17;
    r.message = "why";
    fb::FlatBufferBuilder fbb;
    fbb.Finish(encode_reply(fbb, r));
    auto back = decode_reply(fb::GetRoot<wire::Result>(fbb.GetBufferPointer()));
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_TRUE(testing::deep_equal(r, *back)) << result_code_name(code);
  }
}

TEST(Codec, UnknownEnumValueIsRefusedWithTheFieldName) {
  fb::FlatBufferBuilder fbb;
  const auto body = wire::CreateBook(fbb, static_cast<wire::BookingKind>(9), 1, 1,
                                     fbb.CreateVectorOfStructs(std::vector<wire::LineRequest>{{1000, 1, 11, 1, 0}}), 5);
  fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::Book, body.Union()));
  auto c = decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer()));
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("booking kind"), std::string::npos) << c.status().message();
}

TEST(Codec, UnknownSeatFlagsAreRefused) {
  DefineVenueLayout layout{3, "Salle", {1}, {LayoutSection{"A", {LayoutRow{1, 1, {LayoutSeat{0, 0x40, 1}}}}}}};
  const EncodedRequest e = encode({Command{0, layout}});
  ASSERT_NE(e.request, nullptr);
  auto c = decode_command(e.request->commands()->Get(0));
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("seat flags"), std::string::npos) << c.status().message();
}

TEST(Codec, MissingBodyOrRequiredListIsRefused) {
  {
    fb::FlatBufferBuilder fbb;
    fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::NONE, 0));
    auto c = decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer()));
    ASSERT_FALSE(c.is_ok());
    EXPECT_NE(c.status().message().find("no body"), std::string::npos);
  }
  {
    fb::FlatBufferBuilder fbb;
    const auto hold = wire::CreateHold(fbb, 1, 2, 0, 60'000);  // no lines
    fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::Hold, hold.Union()));
    auto c = decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer()));
    ASSERT_FALSE(c.is_ok());
    EXPECT_NE(c.status().message().find("lines is required"), std::string::npos);
  }
  {
    fb::FlatBufferBuilder fbb;
    const auto season = wire::CreateDefineSeason(fbb, 1, 0);  // no name
    fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::DefineSeason, season.Union()));
    EXPECT_FALSE(decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer())).is_ok());
  }
}

TEST(Codec, OverLimitListsAreRefused) {
  Hold hold{1, 2, {}, 60'000};
  hold.lines.assign(kOrderLinesMax + 1, LineRequest{1000, 1, 11, 1, 0});
  DefineContingent contingent{1, 1000, 1, 5, std::vector<ChannelId>(kContingentChannelsMax + 1, 3)};
  BlockSeats block{1000, std::vector<uint32_t>(kSeatsPerCommandMax + 1, 1)};
  const EncodedRequest e = encode({Command{0, hold}, Command{0, contingent}, Command{0, block}});
  ASSERT_NE(e.request, nullptr);
  for (uint32_t i = 0; i < 3; ++i) {
    auto c = decode_command(e.request->commands()->Get(i));
    ASSERT_FALSE(c.is_ok());
    EXPECT_NE(c.status().message().find("max"), std::string::npos) << c.status().message();
  }
  EXPECT_FALSE(decode_request(*e.request, 1).is_ok()) << "3 commands over a limit of 1";
}

}  // namespace
}  // namespace tessera::net
