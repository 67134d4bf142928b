// Codec: wire tables <-> engine commands and replies, field by field.
//
// One encode and one decode function per command keeps each mapping visible
// next to its struct; the enum range checks live in small helpers so that a
// value added to an engine enum without its wire twin fails loudly here.
#include "net/codec.h"

#include <string>
#include <type_traits>

#include "engine/limits.h"
#include "net/limits.h"
#include "net/result_code.h"

namespace tessera::net {

namespace fb = flatbuffers;
using namespace tessera::engine;

namespace {

// ---- Encoding -------------------------------------------------------------------

fb::Offset<fb::Vector<const wire::LineRequest*>> lines_of(fb::FlatBufferBuilder& fbb, const std::vector<LineRequest>& lines) {
  std::vector<wire::LineRequest> out;
  out.reserve(lines.size());
  for (const LineRequest& l : lines) out.emplace_back(l.performance, l.category, l.tariff, l.quantity, l.contingent);
  return fbb.CreateVectorOfStructs(out);
}

wire::ExpiryPolicy wire_policy(ExpiryPolicy p) { return static_cast<wire::ExpiryPolicy>(p); }
wire::BookingKind wire_kind(BookingKind k) { return static_cast<wire::BookingKind>(k); }

struct Encoder {
  fb::FlatBufferBuilder& fbb;

  template <typename Off>
  static std::pair<wire::CommandBody, fb::Offset<void>> body(wire::CommandBody type, Off off) {
    return {type, off.Union()};
  }
  using Body = std::pair<wire::CommandBody, fb::Offset<void>>;

  Body operator()(const DefineSeason& c) {
    return body(wire::CommandBody::DefineSeason, wire::CreateDefineSeason(fbb, c.season, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineProductFamily& c) {
    return body(wire::CommandBody::DefineProductFamily,
                wire::CreateDefineProductFamily(fbb, c.family, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineProduct& c) {
    return body(wire::CommandBody::DefineProduct,
                wire::CreateDefineProduct(fbb, c.product, c.season, c.family, fbb.CreateString(c.name),
                                          wire_policy(c.expiry_policy), c.overdue_grace_ms, c.hold_lifetime_max_ms,
                                          c.hold_extensions_max));
  }
  Body operator()(const DefineChannel& c) {
    return body(wire::CommandBody::DefineChannel, wire::CreateDefineChannel(fbb, c.channel, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineCategory& c) {
    return body(wire::CommandBody::DefineCategory,
                wire::CreateDefineCategory(fbb, c.category, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineTariff& c) {
    return body(wire::CommandBody::DefineTariff,
                wire::CreateDefineTariff(fbb, c.tariff, c.product, fbb.CreateString(c.name)));
  }
  Body operator()(const SetTariffPrice& c) {
    return body(wire::CommandBody::SetTariffPrice,
                wire::CreateSetTariffPrice(fbb, c.tariff, c.category, c.channel, c.price_cents));
  }
  Body operator()(const SetChannelExpiryPolicy& c) {
    return body(wire::CommandBody::SetChannelExpiryPolicy,
                wire::CreateSetChannelExpiryPolicy(fbb, c.product, c.channel, wire_policy(c.expiry_policy),
                                                   c.overdue_grace_ms));
  }
  Body operator()(const DefinePerformance& c) {
    return body(wire::CommandBody::DefinePerformance,
                wire::CreateDefinePerformance(fbb, c.performance, c.product, c.starts_at_ms, c.capacity,
                                              c.contact_limit));
  }
  Body operator()(const SetGeneralAdmission& c) {
    return body(wire::CommandBody::SetGeneralAdmission,
                wire::CreateSetGeneralAdmission(fbb, c.performance, c.category, c.capacity));
  }
  Body operator()(const DefineContingent& c) {
    return body(wire::CommandBody::DefineContingent,
                wire::CreateDefineContingent(fbb, c.contingent, c.performance, c.category, c.allotment,
                                             fbb.CreateVector(c.channels)));
  }
  Body operator()(const SetChannelCap& c) {
    return body(wire::CommandBody::SetChannelCap, wire::CreateSetChannelCap(fbb, c.performance, c.channel, c.cap));
  }
  Body operator()(const Hold& c) {
    return body(wire::CommandBody::Hold, wire::CreateHold(fbb, c.contact, c.channel, lines_of(fbb, c.lines), c.ttl_ms));
  }
  Body operator()(const Book& c) {
    return body(wire::CommandBody::Book, wire::CreateBook(fbb, wire_kind(c.kind), c.contact, c.channel,
                                                          lines_of(fbb, c.lines), c.deadline_ms));
  }
  Body operator()(const ExtendHold& c) {
    return body(wire::CommandBody::ExtendHold, wire::CreateExtendHold(fbb, c.order, c.ttl_ms));
  }
  Body operator()(const ConvertHold& c) {
    return body(wire::CommandBody::ConvertHold,
                wire::CreateConvertHold(fbb, c.order, wire_kind(c.kind), c.deadline_ms));
  }
  Body operator()(const Confirm& c) {
    return body(wire::CommandBody::Confirm, wire::CreateConfirm(fbb, c.order, fbb.CreateVector(c.keep)));
  }
  Body operator()(const Release& c) { return body(wire::CommandBody::Release, wire::CreateRelease(fbb, c.order)); }
  Body operator()(const Cancel& c) { return body(wire::CommandBody::Cancel, wire::CreateCancel(fbb, c.order)); }
  Body operator()(const Archive& c) { return body(wire::CommandBody::Archive, wire::CreateArchive(fbb, c.order)); }
  Body operator()(const Reinstate& c) {
    return body(wire::CommandBody::Reinstate, wire::CreateReinstate(fbb, c.order, c.deadline_ms));
  }
  Body operator()(const SetReleaseMark& c) {
    return body(wire::CommandBody::SetReleaseMark,
                wire::CreateSetReleaseMark(fbb, c.order, static_cast<wire::ReleaseMark>(c.mark)));
  }
  Body operator()(const SetLock& c) {
    return body(wire::CommandBody::SetLock, wire::CreateSetLock(fbb, c.order, c.locked));
  }
  Body operator()(const Advance& c) { return body(wire::CommandBody::Advance, wire::CreateAdvance(fbb, c.budget)); }
  Body operator()(const GetAvailability& c) {
    return body(wire::CommandBody::GetAvailability,
                wire::CreateGetAvailability(fbb, c.performance, c.category, c.contingent, c.channel, c.contact));
  }
  Body operator()(const GetOrder& c) { return body(wire::CommandBody::GetOrder, wire::CreateGetOrder(fbb, c.order)); }

  // Seated inventory.
  Body operator()(const DefineVenueLayout& c) {
    std::vector<fb::Offset<wire::LayoutSection>> sections;
    sections.reserve(c.sections.size());
    for (const LayoutSection& section : c.sections) {
      std::vector<fb::Offset<wire::LayoutRow>> rows;
      rows.reserve(section.rows.size());
      for (const LayoutRow& row : section.rows) {
        std::vector<wire::LayoutSeat> seats;
        seats.reserve(row.seats.size());
        for (const LayoutSeat& seat : row.seats) seats.emplace_back(seat.category_slot, seat.flags, seat.rank);
        rows.push_back(wire::CreateLayoutRow(fbb, row.row_number, row.first_seat_number, fbb.CreateVectorOfStructs(seats)));
      }
      sections.push_back(wire::CreateLayoutSection(fbb, fbb.CreateString(section.name), fbb.CreateVector(rows)));
    }
    const auto name = fbb.CreateString(c.name);
    const auto categories = fbb.CreateVector(c.categories);
    return body(wire::CommandBody::DefineVenueLayout,
                wire::CreateDefineVenueLayout(fbb, c.layout, name, categories, fbb.CreateVector(sections)));
  }
  Body operator()(const AssignLayout& c) {
    return body(wire::CommandBody::AssignLayout, wire::CreateAssignLayout(fbb, c.performance, c.layout));
  }
  fb::Offset<wire::SeatRequest> seat_request(const SeatRequest& r) {
    return wire::CreateSeatRequest(fbb, r.performance, r.category, r.tariff, r.contingent, r.quantity,
                                   fbb.CreateVector(r.seats), r.options);
  }
  Body operator()(const HoldSeats& c) {
    return body(wire::CommandBody::HoldSeats,
                wire::CreateHoldSeats(fbb, c.contact, c.channel, seat_request(c.request), c.ttl_ms));
  }
  Body operator()(const BookSeats& c) {
    return body(wire::CommandBody::BookSeats, wire::CreateBookSeats(fbb, wire_kind(c.kind), c.contact, c.channel,
                                                                    seat_request(c.request), c.deadline_ms));
  }
  // Issue 4 additions.
  Body operator()(const HoldSeatsWithLines& c) {
    const auto request = seat_request(c.request);
    return body(wire::CommandBody::HoldSeatsWithLines,
                wire::CreateHoldSeatsWithLines(fbb, c.contact, c.channel, request, lines_of(fbb, c.lines), c.ttl_ms));
  }
  Body operator()(const BookSeatsWithLines& c) {
    const auto request = seat_request(c.request);
    return body(wire::CommandBody::BookSeatsWithLines,
                wire::CreateBookSeatsWithLines(fbb, wire_kind(c.kind), c.contact, c.channel, request,
                                               lines_of(fbb, c.lines), c.deadline_ms));
  }
  Body operator()(const BlockSeats& c) {
    return body(wire::CommandBody::BlockSeats, wire::CreateBlockSeats(fbb, c.performance, fbb.CreateVector(c.seats)));
  }
  Body operator()(const UnblockSeats& c) {
    return body(wire::CommandBody::UnblockSeats, wire::CreateUnblockSeats(fbb, c.performance, fbb.CreateVector(c.seats)));
  }
  Body operator()(const MoveSeatsToContingent& c) {
    return body(wire::CommandBody::MoveSeatsToContingent,
                wire::CreateMoveSeatsToContingent(fbb, c.performance, c.contingent, fbb.CreateVector(c.seats)));
  }
  Body operator()(const DefineSubContingent& c) {
    return body(wire::CommandBody::DefineSubContingent,
                wire::CreateDefineSubContingent(fbb, c.contingent, c.performance, c.parent, c.allotment,
                                                fbb.CreateVector(c.channels)));
  }
  Body operator()(const SetContingentReleaseBack& c) {
    return body(wire::CommandBody::SetContingentReleaseBack,
                wire::CreateSetContingentReleaseBack(fbb, c.performance, c.contingent, c.release_back_ms));
  }
};

// ---- Decoding -------------------------------------------------------------------

Status malformed(std::string_view what) { return Status::invalid_argument(std::string(what)); }

Result<ExpiryPolicy> policy_of(wire::ExpiryPolicy p) {
  if (p > wire::ExpiryPolicy::MAX) return malformed(cat("unknown expiry_policy ", static_cast<int>(p)));
  return static_cast<ExpiryPolicy>(p);
}
Result<BookingKind> kind_of(wire::BookingKind k) {
  if (k > wire::BookingKind::MAX) return malformed(cat("unknown booking kind ", static_cast<int>(k)));
  return static_cast<BookingKind>(k);
}

Result<std::string> name_of(const fb::String* s, std::string_view field) {
  if (s == nullptr) return malformed(cat(field, " is required"));
  if (s->size() > kNameLengthMax) return malformed(cat(field, " is longer than ", kNameLengthMax, " bytes"));
  return s->str();
}

Result<std::vector<LineRequest>> lines_from(const fb::Vector<const wire::LineRequest*>* v) {
  if (v == nullptr) return malformed("lines is required");
  if (v->size() > kOrderLinesMax) return malformed(cat("lines has ", v->size(), " entries (max ", kOrderLinesMax, ")"));
  std::vector<LineRequest> out;
  out.reserve(v->size());
  for (const wire::LineRequest* l : *v)
    out.push_back(LineRequest{l->performance(), l->category(), l->tariff(), l->quantity(), l->contingent()});
  return out;
}

template <typename T>
Result<std::vector<T>> list_from(const fb::Vector<T>* v, uint32_t max, std::string_view field) {
  if (v == nullptr) return std::vector<T>{};
  if (v->size() > max) return malformed(cat(field, " has ", v->size(), " entries (max ", max, ")"));
  return std::vector<T>(v->begin(), v->end());
}

// Each decoder gets a non-null table (checked by the dispatcher).
Result<CommandBody> decode(const wire::DefineSeason& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineSeason{t.season(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::DefineProductFamily& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineProductFamily{t.family(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::DefineProduct& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  auto policy = policy_of(t.expiry_policy());
  if (!policy.is_ok()) return policy.status();
  return CommandBody{DefineProduct{t.product(), t.season(), t.family(), std::move(*name), *policy,
                                   t.overdue_grace_ms(), t.hold_lifetime_max_ms(), t.hold_extensions_max()}};
}
Result<CommandBody> decode(const wire::DefineChannel& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineChannel{t.channel(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::DefineCategory& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineCategory{t.category(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::DefineTariff& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineTariff{t.tariff(), t.product(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::SetTariffPrice& t) {
  return CommandBody{SetTariffPrice{t.tariff(), t.category(), t.channel(), t.price_cents()}};
}
Result<CommandBody> decode(const wire::SetChannelExpiryPolicy& t) {
  auto policy = policy_of(t.expiry_policy());
  if (!policy.is_ok()) return policy.status();
  return CommandBody{SetChannelExpiryPolicy{t.product(), t.channel(), *policy, t.overdue_grace_ms()}};
}
Result<CommandBody> decode(const wire::DefinePerformance& t) {
  return CommandBody{DefinePerformance{t.performance(), t.product(), t.starts_at_ms(), t.capacity(), t.contact_limit()}};
}
Result<CommandBody> decode(const wire::SetGeneralAdmission& t) {
  return CommandBody{SetGeneralAdmission{t.performance(), t.category(), t.capacity()}};
}
Result<CommandBody> decode(const wire::DefineContingent& t) {
  auto channels = list_from(t.channels(), kContingentChannelsMax, "channels");
  if (!channels.is_ok()) return channels.status();
  return CommandBody{DefineContingent{t.contingent(), t.performance(), t.category(), t.allotment(), std::move(*channels)}};
}
Result<CommandBody> decode(const wire::SetChannelCap& t) {
  return CommandBody{SetChannelCap{t.performance(), t.channel(), t.cap()}};
}
Result<CommandBody> decode(const wire::Hold& t) {
  auto lines = lines_from(t.lines());
  if (!lines.is_ok()) return lines.status();
  return CommandBody{Hold{t.contact(), t.channel(), std::move(*lines), t.ttl_ms()}};
}
Result<CommandBody> decode(const wire::Book& t) {
  auto kind = kind_of(t.kind());
  if (!kind.is_ok()) return kind.status();
  auto lines = lines_from(t.lines());
  if (!lines.is_ok()) return lines.status();
  return CommandBody{Book{*kind, t.contact(), t.channel(), std::move(*lines), t.deadline_ms()}};
}
Result<CommandBody> decode(const wire::ExtendHold& t) { return CommandBody{ExtendHold{t.order(), t.ttl_ms()}}; }
Result<CommandBody> decode(const wire::ConvertHold& t) {
  auto kind = kind_of(t.kind());
  if (!kind.is_ok()) return kind.status();
  return CommandBody{ConvertHold{t.order(), *kind, t.deadline_ms()}};
}
Result<CommandBody> decode(const wire::Confirm& t) {
  auto keep = list_from(t.keep(), kOrderLinesMax, "keep");
  if (!keep.is_ok()) return keep.status();
  return CommandBody{Confirm{t.order(), std::move(*keep)}};
}
Result<CommandBody> decode(const wire::Release& t) { return CommandBody{Release{t.order()}}; }
Result<CommandBody> decode(const wire::Cancel& t) { return CommandBody{Cancel{t.order()}}; }
Result<CommandBody> decode(const wire::Archive& t) { return CommandBody{Archive{t.order()}}; }
Result<CommandBody> decode(const wire::Reinstate& t) { return CommandBody{Reinstate{t.order(), t.deadline_ms()}}; }
Result<CommandBody> decode(const wire::SetReleaseMark& t) {
  if (t.mark() > wire::ReleaseMark::MAX) return malformed(cat("unknown release mark ", static_cast<int>(t.mark())));
  return CommandBody{SetReleaseMark{t.order(), static_cast<ReleaseMark>(t.mark())}};
}
Result<CommandBody> decode(const wire::SetLock& t) { return CommandBody{SetLock{t.order(), t.locked()}}; }
Result<CommandBody> decode(const wire::Advance& t) { return CommandBody{Advance{t.budget()}}; }
Result<CommandBody> decode(const wire::GetAvailability& t) {
  return CommandBody{GetAvailability{t.performance(), t.category(), t.contingent(), t.channel(), t.contact()}};
}
Result<CommandBody> decode(const wire::GetOrder& t) { return CommandBody{GetOrder{t.order()}}; }

// ---- Seated inventory ------------------------------------------------------------

Result<std::vector<LayoutRow>> rows_from(const fb::Vector<fb::Offset<wire::LayoutRow>>* v, uint32_t* seats_total) {
  if (v == nullptr) return malformed("a section needs its rows");
  if (v->size() > kLayoutSeatsMax) return malformed(cat("a section has ", v->size(), " rows (max ", kLayoutSeatsMax, ")"));
  std::vector<LayoutRow> rows;
  rows.reserve(v->size());
  for (const wire::LayoutRow* row : *v) {
    const auto* seats = row->seats();
    if (seats == nullptr) return malformed("a row needs its seats");
    if (seats->size() > kRowSeatsMax) return malformed(cat("a row has ", seats->size(), " seats (max ", kRowSeatsMax, ")"));
    *seats_total += seats->size();
    if (*seats_total > kLayoutSeatsMax) return malformed(cat("the layout has more than ", kLayoutSeatsMax, " seats"));
    LayoutRow out{row->row_number(), row->first_seat_number(), {}};
    out.seats.reserve(seats->size());
    for (const wire::LayoutSeat* seat : *seats) {
      if ((seat->flags() & ~kSeatFlagsAll) != 0) return malformed(cat("unknown seat flags ", static_cast<int>(seat->flags())));
      out.seats.push_back(LayoutSeat{seat->category_slot(), seat->flags(), seat->rank()});
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

Result<CommandBody> decode(const wire::DefineVenueLayout& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  auto categories = list_from(t.categories(), kLayoutCategoriesMax, "categories");
  if (!categories.is_ok()) return categories.status();
  if (t.sections() == nullptr) return malformed("sections is required");
  if (t.sections()->size() > kLayoutSectionsMax)
    return malformed(cat("sections has ", t.sections()->size(), " entries (max ", kLayoutSectionsMax, ")"));
  DefineVenueLayout out{t.layout(), std::move(*name), std::move(*categories), {}};
  uint32_t seats_total = 0;
  for (const wire::LayoutSection* section : *t.sections()) {
    auto section_name = name_of(section->name(), "section name");
    if (!section_name.is_ok()) return section_name.status();
    auto rows = rows_from(section->rows(), &seats_total);
    if (!rows.is_ok()) return rows.status();
    out.sections.push_back(LayoutSection{std::move(*section_name), std::move(*rows)});
  }
  return CommandBody{std::move(out)};
}
Result<CommandBody> decode(const wire::AssignLayout& t) { return CommandBody{AssignLayout{t.performance(), t.layout()}}; }

Result<SeatRequest> seat_request_from(const wire::SeatRequest* r) {
  if (r == nullptr) return malformed("request is required");
  if ((r->options() & ~kSeatOptionsAll) != 0)
    return malformed(cat("unknown seat options ", static_cast<int>(r->options())));
  auto seats = list_from(r->seats(), kSeatsPerCommandMax, "seats");
  if (!seats.is_ok()) return seats.status();
  return SeatRequest{r->performance(), r->category(), r->tariff(), r->contingent(), r->quantity(), std::move(*seats),
                     r->options()};
}
Result<CommandBody> decode(const wire::HoldSeats& t) {
  auto request = seat_request_from(t.request());
  if (!request.is_ok()) return request.status();
  return CommandBody{HoldSeats{t.contact(), t.channel(), std::move(*request), t.ttl_ms()}};
}
Result<CommandBody> decode(const wire::BookSeats& t) {
  auto kind = kind_of(t.kind());
  if (!kind.is_ok()) return kind.status();
  auto request = seat_request_from(t.request());
  if (!request.is_ok()) return request.status();
  return CommandBody{BookSeats{*kind, t.contact(), t.channel(), std::move(*request), t.deadline_ms()}};
}
// Issue 4 additions.
Result<CommandBody> decode(const wire::HoldSeatsWithLines& t) {
  auto request = seat_request_from(t.request());
  if (!request.is_ok()) return request.status();
  auto lines = lines_from(t.lines());
  if (!lines.is_ok()) return lines.status();
  return CommandBody{HoldSeatsWithLines{t.contact(), t.channel(), std::move(*request), std::move(*lines), t.ttl_ms()}};
}
Result<CommandBody> decode(const wire::BookSeatsWithLines& t) {
  auto kind = kind_of(t.kind());
  if (!kind.is_ok()) return kind.status();
  auto request = seat_request_from(t.request());
  if (!request.is_ok()) return request.status();
  auto lines = lines_from(t.lines());
  if (!lines.is_ok()) return lines.status();
  return CommandBody{
      BookSeatsWithLines{*kind, t.contact(), t.channel(), std::move(*request), std::move(*lines), t.deadline_ms()}};
}
Result<CommandBody> decode(const wire::BlockSeats& t) {
  auto seats = list_from(t.seats(), kSeatsPerCommandMax, "seats");
  if (!seats.is_ok()) return seats.status();
  return CommandBody{BlockSeats{t.performance(), std::move(*seats)}};
}
Result<CommandBody> decode(const wire::UnblockSeats& t) {
  auto seats = list_from(t.seats(), kSeatsPerCommandMax, "seats");
  if (!seats.is_ok()) return seats.status();
  return CommandBody{UnblockSeats{t.performance(), std::move(*seats)}};
}
Result<CommandBody> decode(const wire::MoveSeatsToContingent& t) {
  auto seats = list_from(t.seats(), kSeatsPerCommandMax, "seats");
  if (!seats.is_ok()) return seats.status();
  return CommandBody{MoveSeatsToContingent{t.performance(), t.contingent(), std::move(*seats)}};
}
Result<CommandBody> decode(const wire::DefineSubContingent& t) {
  auto channels = list_from(t.channels(), kContingentChannelsMax, "channels");
  if (!channels.is_ok()) return channels.status();
  return CommandBody{DefineSubContingent{t.contingent(), t.performance(), t.parent(), t.allotment(), std::move(*channels)}};
}
Result<CommandBody> decode(const wire::SetContingentReleaseBack& t) {
  return CommandBody{SetContingentReleaseBack{t.performance(), t.contingent(), t.release_back_ms()}};
}

template <typename Table>
Result<CommandBody> decode_table(const void* table, std::string_view type_name) {
  if (table == nullptr) return malformed(cat("command body ", type_name, " is missing its table"));
  return decode(*static_cast<const Table*>(table));
}

Result<CommandBody> decode_body(wire::CommandBody type, const void* t) {
  using B = wire::CommandBody;
  switch (type) {
    case B::NONE: return malformed("command has no body");
    case B::DefineSeason: return decode_table<wire::DefineSeason>(t, "DefineSeason");
    case B::DefineProductFamily: return decode_table<wire::DefineProductFamily>(t, "DefineProductFamily");
    case B::DefineProduct: return decode_table<wire::DefineProduct>(t, "DefineProduct");
    case B::DefineChannel: return decode_table<wire::DefineChannel>(t, "DefineChannel");
    case B::DefineCategory: return decode_table<wire::DefineCategory>(t, "DefineCategory");
    case B::DefineTariff: return decode_table<wire::DefineTariff>(t, "DefineTariff");
    case B::SetTariffPrice: return decode_table<wire::SetTariffPrice>(t, "SetTariffPrice");
    case B::SetChannelExpiryPolicy: return decode_table<wire::SetChannelExpiryPolicy>(t, "SetChannelExpiryPolicy");
    case B::DefinePerformance: return decode_table<wire::DefinePerformance>(t, "DefinePerformance");
    case B::SetGeneralAdmission: return decode_table<wire::SetGeneralAdmission>(t, "SetGeneralAdmission");
    case B::DefineContingent: return decode_table<wire::DefineContingent>(t, "DefineContingent");
    case B::SetChannelCap: return decode_table<wire::SetChannelCap>(t, "SetChannelCap");
    case B::Hold: return decode_table<wire::Hold>(t, "Hold");
    case B::Book: return decode_table<wire::Book>(t, "Book");
    case B::ExtendHold: return decode_table<wire::ExtendHold>(t, "ExtendHold");
    case B::ConvertHold: return decode_table<wire::ConvertHold>(t, "ConvertHold");
    case B::Confirm: return decode_table<wire::Confirm>(t, "Confirm");
    case B::Release: return decode_table<wire::Release>(t, "Release");
    case B::Cancel: return decode_table<wire::Cancel>(t, "Cancel");
    case B::Archive: return decode_table<wire::Archive>(t, "Archive");
    case B::Reinstate: return decode_table<wire::Reinstate>(t, "Reinstate");
    case B::SetReleaseMark: return decode_table<wire::SetReleaseMark>(t, "SetReleaseMark");
    case B::SetLock: return decode_table<wire::SetLock>(t, "SetLock");
    case B::Advance: return decode_table<wire::Advance>(t, "Advance");
    case B::GetAvailability: return decode_table<wire::GetAvailability>(t, "GetAvailability");
    case B::GetOrder: return decode_table<wire::GetOrder>(t, "GetOrder");
    case B::DefineVenueLayout: return decode_table<wire::DefineVenueLayout>(t, "DefineVenueLayout");
    case B::AssignLayout: return decode_table<wire::AssignLayout>(t, "AssignLayout");
    case B::HoldSeats: return decode_table<wire::HoldSeats>(t, "HoldSeats");
    case B::BookSeats: return decode_table<wire::BookSeats>(t, "BookSeats");
    case B::BlockSeats: return decode_table<wire::BlockSeats>(t, "BlockSeats");
    case B::UnblockSeats: return decode_table<wire::UnblockSeats>(t, "UnblockSeats");
    case B::MoveSeatsToContingent: return decode_table<wire::MoveSeatsToContingent>(t, "MoveSeatsToContingent");
    case B::DefineSubContingent: return decode_table<wire::DefineSubContingent>(t, "DefineSubContingent");
    case B::SetContingentReleaseBack: return decode_table<wire::SetContingentReleaseBack>(t, "SetContingentReleaseBack");
    // Issue 4 additions.
    case B::HoldSeatsWithLines:
      return decode_table<wire::HoldSeatsWithLines>(t, "HoldSeatsWithLines");
    case B::BookSeatsWithLines:
      return decode_table<wire::BookSeatsWithLines>(t, "BookSeatsWithLines");
  }
  return malformed(cat("unknown command type ", static_cast<int>(type)));
}

}  // namespace

fb::Offset<wire::Command> encode_command(fb::FlatBufferBuilder& fbb, const Command& command) {
  const auto [type, body] = std::visit(Encoder{fbb}, command.body);
  return wire::CreateCommand(fbb, command.key, type, body);
}

Result<Command> decode_command(const wire::Command* command) {
  if (command == nullptr) return malformed("command is missing");
  auto body = decode_body(command->body_type(), command->body());
  if (!body.is_ok()) return body.status();
  return Command{command->key(), std::move(*body)};
}

Result<std::vector<Command>> decode_request(const wire::Request& request, uint32_t commands_max) {
  const auto* commands = request.commands();
  if (commands == nullptr) return malformed("request has no command list");
  if (commands->size() > commands_max)
    return malformed(cat("request has ", commands->size(), " commands (max ", commands_max, ")"));
  std::vector<Command> out;
  out.reserve(commands->size());
  for (uint32_t i = 0; i < commands->size(); ++i) {
    auto c = decode_command(commands->Get(i));
    if (!c.is_ok()) return malformed(cat("command ", i, ": ", c.status().message()));
    out.push_back(std::move(*c));
  }
  return out;
}

fb::Offset<wire::Result> encode_reply(fb::FlatBufferBuilder& fbb, const Reply& reply) {
  const auto message = reply.message.empty() ? fb::Offset<fb::String>() : fbb.CreateString(reply.message);
  return wire::CreateResult(fbb, static_cast<wire::ResultCode>(reply.code), reply.order,
                            static_cast<wire::OrderState>(reply.state), reply.value, message);
}

Result<Reply> decode_reply(const wire::Result* result) {
  if (result == nullptr) return malformed("result is missing");
  const auto code = static_cast<uint8_t>(result->code());
  if (!is_known_result_code(code)) return malformed(cat("unknown result code ", static_cast<int>(code)));
  if (result->state() > wire::OrderState::MAX)
    return malformed(cat("unknown order state ", static_cast<int>(result->state())));
  Reply r;
  r.code = ReplyCode{code};
  r.order = result->order();
  r.state = static_cast<OrderState>(result->state());
  r.value = result->value();
  if (result->message() != nullptr) r.message = result->message()->str().substr(0, kMessageBytesMax);
  return r;
}

// A new engine enum value must get its wire twin (and a decoder).
static_assert(static_cast<int>(wire::OrderState::MAX) == static_cast<int>(OrderState::kCancelled));
static_assert(static_cast<int>(wire::ExpiryPolicy::MAX) == static_cast<int>(ExpiryPolicy::kKeepUntilReleased));
static_assert(static_cast<int>(wire::BookingKind::MAX) == static_cast<int>(BookingKind::kReservation));
static_assert(static_cast<int>(wire::ReleaseMark::MAX) == static_cast<int>(ReleaseMark::kKeep));
static_assert(static_cast<int>(wire::ResultCode::Busy) == static_cast<int>(ReplyCode::kBusy));
static_assert(static_cast<int>(wire::ResultCode::Forbidden) == static_cast<int>(kForbidden));
static_assert(static_cast<int>(wire::ResultCode::Malformed) == static_cast<int>(kMalformed));
static_assert(static_cast<int>(wire::ResultCode::Unavailable) == static_cast<int>(ReplyCode::kUnavailable));
static_assert(static_cast<int>(ReplyCode::kUnavailable) < static_cast<int>(kForbidden));
// Union type = variant index + 1, so a command kind added to the engine fails here until it has a wire twin.
static_assert(static_cast<size_t>(wire::CommandBody::MAX) == std::variant_size_v<CommandBody>);
static_assert(static_cast<size_t>(wire::CommandBody::GetOrder) == CommandBody(GetOrder{}).index() + 1);
static_assert(static_cast<size_t>(wire::CommandBody::SetContingentReleaseBack) ==
              CommandBody(SetContingentReleaseBack{}).index() + 1);

}  // namespace tessera::net
