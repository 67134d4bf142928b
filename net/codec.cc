// Codec: wire tables <-> engine commands and replies, field by field.
//
// One encode and one decode function per command keeps each mapping visible
// next to its struct; the enum range checks live in small helpers so that a
// value added to an engine enum without its wire twin fails loudly here.
#include "net/codec.h"

#include <cstdlib>
#include <string>
#include <type_traits>

#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
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
wire::Delivery wire_delivery(Delivery d) { return static_cast<wire::Delivery>(d); }

// Shared by the DefineReminderFormat command and the format of a ReminderBatch.
fb::Offset<wire::DefineReminderFormat> reminder_format(fb::FlatBufferBuilder& fbb, const DefineReminderFormat& f) {
  std::vector<wire::ReminderField> columns;
  columns.reserve(f.columns.size());
  for (ReminderField c : f.columns) columns.push_back(static_cast<wire::ReminderField>(c));
  const auto name = fbb.CreateString(f.name), separator = fbb.CreateString(f.separator),
             extension = fbb.CreateString(f.extension);
  return wire::CreateDefineReminderFormat(fbb, f.format, name, static_cast<wire::FormatType>(f.type), separator,
                                          extension, f.title_in_file_name, fbb.CreateVector(columns));
}

struct Encoder {
  fb::FlatBufferBuilder& fbb;

  // The union type comes from the registry (encode_command); each function
  // builds the command's table.
  template <typename Off>
  static fb::Offset<void> body(Off off) {
    return off.Union();
  }
  using Body = fb::Offset<void>;

  Body operator()(const DefineSeason& c) {
    return body(wire::CreateDefineSeason(fbb, c.season, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineProductFamily& c) {
    return body(wire::CreateDefineProductFamily(fbb, c.family, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineProduct& c) {
    return body(wire::CreateDefineProduct(fbb, c.product, c.season, c.family, fbb.CreateString(c.name),
                                          wire_policy(c.expiry_policy), c.overdue_grace_ms, c.hold_lifetime_max_ms,
                                          c.hold_extensions_max));
  }
  Body operator()(const DefineChannel& c) {
    return body(wire::CreateDefineChannel(fbb, c.channel, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineCategory& c) {
    return body(wire::CreateDefineCategory(fbb, c.category, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineTariff& c) {
    return body(wire::CreateDefineTariff(fbb, c.tariff, c.product, fbb.CreateString(c.name)));
  }
  Body operator()(const SetTariffPrice& c) {
    return body(wire::CreateSetTariffPrice(fbb, c.tariff, c.category, c.channel, c.price_cents));
  }
  Body operator()(const SetChannelExpiryPolicy& c) {
    return body(wire::CreateSetChannelExpiryPolicy(fbb, c.product, c.channel, wire_policy(c.expiry_policy),
                                                   c.overdue_grace_ms));
  }
  Body operator()(const DefinePerformance& c) {
    return body(wire::CreateDefinePerformance(fbb, c.performance, c.product, c.starts_at_ms, c.capacity,
                                              c.contact_limit));
  }
  Body operator()(const SetGeneralAdmission& c) {
    return body(wire::CreateSetGeneralAdmission(fbb, c.performance, c.category, c.capacity));
  }
  Body operator()(const DefineContingent& c) {
    return body(wire::CreateDefineContingent(fbb, c.contingent, c.performance, c.category, c.allotment,
                                             fbb.CreateVector(c.channels)));
  }
  Body operator()(const SetChannelCap& c) {
    return body(wire::CreateSetChannelCap(fbb, c.performance, c.channel, c.cap));
  }
  Body operator()(const Hold& c) {
    return body(wire::CreateHold(fbb, c.contact, c.channel, lines_of(fbb, c.lines), c.ttl_ms));
  }
  Body operator()(const Book& c) {
    return body(wire::CreateBook(fbb, wire_kind(c.kind), c.contact, c.channel,
                                                          lines_of(fbb, c.lines), c.deadline_ms));
  }
  Body operator()(const ExtendHold& c) {
    return body(wire::CreateExtendHold(fbb, c.order, c.ttl_ms));
  }
  Body operator()(const ConvertHold& c) {
    return body(wire::CreateConvertHold(fbb, c.order, wire_kind(c.kind), c.deadline_ms));
  }
  Body operator()(const Confirm& c) {
    return body(wire::CreateConfirm(fbb, c.order, fbb.CreateVector(c.keep)));
  }
  Body operator()(const Release& c) { return body(wire::CreateRelease(fbb, c.order)); }
  Body operator()(const Cancel& c) { return body(wire::CreateCancel(fbb, c.order)); }
  Body operator()(const Archive& c) { return body(wire::CreateArchive(fbb, c.order)); }
  Body operator()(const Reinstate& c) {
    return body(wire::CreateReinstate(fbb, c.order, c.deadline_ms));
  }
  Body operator()(const SetReleaseMark& c) {
    return body(wire::CreateSetReleaseMark(fbb, c.order, static_cast<wire::ReleaseMark>(c.mark)));
  }
  Body operator()(const SetLock& c) {
    return body(wire::CreateSetLock(fbb, c.order, c.locked));
  }
  Body operator()(const Advance& c) { return body(wire::CreateAdvance(fbb, c.budget)); }
  Body operator()(const GetAvailability& c) {
    return body(wire::CreateGetAvailability(fbb, c.performance, c.category, c.contingent, c.channel, c.contact));
  }
  Body operator()(const GetOrder& c) { return body(wire::CreateGetOrder(fbb, c.order)); }

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
    return body(wire::CreateDefineVenueLayout(fbb, c.layout, name, categories, fbb.CreateVector(sections)));
  }
  Body operator()(const AssignLayout& c) {
    return body(wire::CreateAssignLayout(fbb, c.performance, c.layout));
  }
  fb::Offset<wire::SeatRequest> seat_request(const SeatRequest& r) {
    return wire::CreateSeatRequest(fbb, r.performance, r.category, r.tariff, r.contingent, r.quantity,
                                   fbb.CreateVector(r.seats), r.options);
  }
  Body operator()(const HoldSeats& c) {
    return body(wire::CreateHoldSeats(fbb, c.contact, c.channel, seat_request(c.request), c.ttl_ms));
  }
  Body operator()(const BookSeats& c) {
    return body(wire::CreateBookSeats(fbb, wire_kind(c.kind), c.contact, c.channel,
                                                                    seat_request(c.request), c.deadline_ms));
  }
  Body operator()(const HoldSeatsWithLines& c) {
    const auto request = seat_request(c.request);
    return body(wire::CreateHoldSeatsWithLines(fbb, c.contact, c.channel, request, lines_of(fbb, c.lines), c.ttl_ms));
  }
  Body operator()(const BookSeatsWithLines& c) {
    const auto request = seat_request(c.request);
    return body(wire::CreateBookSeatsWithLines(fbb, wire_kind(c.kind), c.contact, c.channel, request,
                                               lines_of(fbb, c.lines), c.deadline_ms));
  }
  Body operator()(const BlockSeats& c) {
    return body(wire::CreateBlockSeats(fbb, c.performance, fbb.CreateVector(c.seats)));
  }
  Body operator()(const UnblockSeats& c) {
    return body(wire::CreateUnblockSeats(fbb, c.performance, fbb.CreateVector(c.seats)));
  }
  Body operator()(const MoveSeatsToContingent& c) {
    return body(wire::CreateMoveSeatsToContingent(fbb, c.performance, c.contingent, fbb.CreateVector(c.seats)));
  }
  Body operator()(const DefineSubContingent& c) {
    return body(wire::CreateDefineSubContingent(fbb, c.contingent, c.performance, c.parent, c.allotment,
                                                fbb.CreateVector(c.channels)));
  }
  Body operator()(const SetContingentReleaseBack& c) {
    return body(wire::CreateSetContingentReleaseBack(fbb, c.performance, c.contingent, c.release_back_ms));
  }

  // Back office.
  template <typename Contact>
  fb::Offset<void> contact(const Contact& c) {
    const auto last = fbb.CreateString(c.last_name), first = fbb.CreateString(c.first_name),
               email = fbb.CreateString(c.email);
    if constexpr (std::is_same_v<Contact, DefineContact>)
      return wire::CreateDefineContact(fbb, c.contact, c.number, last, first, email, c.types).Union();
    else
      return wire::CreateUpdateContact(fbb, c.contact, c.number, last, first, email, c.types).Union();
  }
  Body operator()(const DefineContact& c) { return contact(c); }
  Body operator()(const UpdateContact& c) { return contact(c); }
  Body operator()(const SetOrderFile& c) {
    return body(wire::CreateSetOrderFile(fbb, c.order, c.file_number));
  }
  fb::Offset<wire::FollowUpFilter> filter(const FollowUpFilter& f) {
    const auto tariffs = fbb.CreateVector(f.tariffs), categories = fbb.CreateVector(f.categories);
    return wire::CreateFollowUpFilter(fbb, wire_kind(f.kind), f.due_until_ms, f.season, f.family, f.product,
                                      f.performance, f.contingent, tariffs, f.contact, f.contact_types, categories,
                                      f.channel);
  }
  Body operator()(const QueryFollowUp& c) {
    const auto f = filter(c.filter);
    const wire::FollowUpCursor after(c.after.due_ms, c.after.order, c.after.line);
    return body(wire::CreateQueryFollowUp(fbb, f, &after, c.limit));
  }
  Body operator()(const PreviewRelease& c) {
    return body(wire::CreatePreviewRelease(fbb, filter(c.filter)));
  }
  Body operator()(const ReleaseAll& c) {
    return body(wire::CreateReleaseAll(fbb, filter(c.filter)));
  }
  Body operator()(const MarkOrders& c) {
    return body(wire::CreateMarkOrders(fbb, fbb.CreateVector(c.orders),
                                                                      static_cast<wire::ReleaseMark>(c.mark)));
  }
  Body operator()(const LockOrders& c) {
    return body(wire::CreateLockOrders(fbb, fbb.CreateVector(c.orders), c.locked));
  }
  Body operator()(const ReleaseOrders& c) {
    return body(wire::CreateReleaseOrders(fbb, fbb.CreateVector(c.orders)));
  }
  Body operator()(const RemindOrders& c) {
    return body(wire::CreateRemindOrders(fbb, fbb.CreateVector(c.orders), c.format, wire_delivery(c.delivery)));
  }
  Body operator()(const DefineReminderFormat& c) {
    return body(reminder_format(fbb, c));
  }
  Body operator()(const DefineSeries& c) {
    return body(wire::CreateDefineSeries(fbb, c.series, fbb.CreateString(c.name)));
  }
  Body operator()(const DefineIssue& c) {
    return body(wire::CreateDefineIssue(fbb, c.series, c.issue, c.date_ms, fbb.CreateString(c.name)));
  }
  Body operator()(const Subscribe& c) {
    return body(wire::CreateSubscribe(fbb, c.subscription, c.series, c.subscriber, c.payer, c.ends_ms));
  }
  Body operator()(const RenewSubscription& c) {
    return body(wire::CreateRenewSubscription(fbb, c.subscription, c.ends_ms));
  }
  Body operator()(const StartReminderRun& c) {
    return body(wire::CreateStartReminderRun(fbb, c.run, c.series, fbb.CreateVector(c.issues),
                                             static_cast<wire::Audience>(c.audience), c.format,
                                             wire_delivery(c.delivery)));
  }
  Body operator()(const RecordRunExport& c) {
    return body(wire::CreateRecordRunExport(fbb, c.run, c.delivered, c.failed, fbb.CreateString(c.destination)));
  }
  Body operator()(const ValidateReminderRun& c) {
    return body(wire::CreateValidateReminderRun(fbb, c.run));
  }
  Body operator()(const CancelReminderRun& c) {
    return body(wire::CreateCancelReminderRun(fbb, c.run));
  }
  Body operator()(const GetReminderRun& c) {
    return body(wire::CreateGetReminderRun(fbb, c.run));
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
// Seats and general admission in one order.
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

// ---- Back office -------------------------------------------------------------------

// An optional string (absent = empty) of at most `max` bytes.
Result<std::string> text_of(const fb::String* s, uint32_t max, std::string_view field) {
  if (s == nullptr) return std::string();
  if (s->size() > max) return malformed(cat(field, " is longer than ", max, " bytes"));
  return s->str();
}

template <typename E>
Result<E> enum_of(auto wire_value, decltype(wire_value) wire_max, std::string_view field) {
  if (wire_value > wire_max) return malformed(cat("unknown ", field, " ", static_cast<int>(wire_value)));
  return static_cast<E>(wire_value);
}
Result<Delivery> delivery_of(wire::Delivery d) { return enum_of<Delivery>(d, wire::Delivery::MAX, "delivery"); }

template <typename Contact, typename Table>
Result<CommandBody> decode_contact(const Table& t) {
  if ((t.types() & ~kContactTypesAll) != 0) return malformed(cat("unknown contact type bits ", static_cast<int>(t.types())));
  auto last = name_of(t.last_name(), "last_name");
  if (!last.is_ok()) return last.status();
  auto first = text_of(t.first_name(), kNameLengthMax, "first_name");
  if (!first.is_ok()) return first.status();
  auto email = text_of(t.email(), kEmailLengthMax, "email");
  if (!email.is_ok()) return email.status();
  return CommandBody{Contact{t.contact(), t.number(), std::move(*last), std::move(*first), std::move(*email), t.types()}};
}
Result<CommandBody> decode(const wire::DefineContact& t) { return decode_contact<DefineContact>(t); }
Result<CommandBody> decode(const wire::UpdateContact& t) { return decode_contact<UpdateContact>(t); }
Result<CommandBody> decode(const wire::SetOrderFile& t) { return CommandBody{SetOrderFile{t.order(), t.file_number()}}; }

Result<FollowUpFilter> filter_from(const wire::FollowUpFilter* f) {
  if (f == nullptr) return malformed("filter is required");
  auto kind = kind_of(f->kind());
  if (!kind.is_ok()) return kind.status();
  if ((f->contact_types() & ~kContactTypesAll) != 0)
    return malformed(cat("unknown contact type bits ", static_cast<int>(f->contact_types())));
  auto tariffs = list_from(f->tariffs(), kFilterListMax, "tariffs");
  if (!tariffs.is_ok()) return tariffs.status();
  auto categories = list_from(f->categories(), kFilterListMax, "categories");
  if (!categories.is_ok()) return categories.status();
  return FollowUpFilter{*kind, f->due_until_ms(), f->season(), f->family(), f->product(), f->performance(),
                        f->contingent(), std::move(*tariffs), f->contact(), f->contact_types(),
                        std::move(*categories), f->channel()};
}
Result<CommandBody> decode(const wire::QueryFollowUp& t) {
  auto filter = filter_from(t.filter());
  if (!filter.is_ok()) return filter.status();
  FollowUpCursor after;
  if (t.after() != nullptr) after = FollowUpCursor{t.after()->due_ms(), t.after()->order(), t.after()->line()};
  return CommandBody{QueryFollowUp{std::move(*filter), after, t.limit()}};
}
template <typename Command, typename Table>
Result<CommandBody> decode_filtered(const Table& t) {
  auto filter = filter_from(t.filter());
  if (!filter.is_ok()) return filter.status();
  return CommandBody{Command{std::move(*filter)}};
}
Result<CommandBody> decode(const wire::PreviewRelease& t) { return decode_filtered<PreviewRelease>(t); }
Result<CommandBody> decode(const wire::ReleaseAll& t) { return decode_filtered<ReleaseAll>(t); }

Result<std::vector<OrderId>> orders_from(const fb::Vector<uint64_t>* v) {
  return list_from(v, kBulkOrdersMax, "orders");
}
Result<CommandBody> decode(const wire::MarkOrders& t) {
  auto mark = enum_of<ReleaseMark>(t.mark(), wire::ReleaseMark::MAX, "release mark");
  if (!mark.is_ok()) return mark.status();
  auto orders = orders_from(t.orders());
  if (!orders.is_ok()) return orders.status();
  return CommandBody{MarkOrders{std::move(*orders), *mark}};
}
Result<CommandBody> decode(const wire::LockOrders& t) {
  auto orders = orders_from(t.orders());
  if (!orders.is_ok()) return orders.status();
  return CommandBody{LockOrders{std::move(*orders), t.locked()}};
}
Result<CommandBody> decode(const wire::ReleaseOrders& t) {
  auto orders = orders_from(t.orders());
  if (!orders.is_ok()) return orders.status();
  return CommandBody{ReleaseOrders{std::move(*orders)}};
}
Result<CommandBody> decode(const wire::RemindOrders& t) {
  auto delivery = delivery_of(t.delivery());
  if (!delivery.is_ok()) return delivery.status();
  auto orders = orders_from(t.orders());
  if (!orders.is_ok()) return orders.status();
  return CommandBody{RemindOrders{std::move(*orders), t.format(), *delivery}};
}

Result<DefineReminderFormat> reminder_format_from(const wire::DefineReminderFormat& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  auto type = enum_of<FormatType>(t.type(), wire::FormatType::MAX, "format type");
  if (!type.is_ok()) return type.status();
  auto separator = text_of(t.separator(), kNameLengthMax, "separator");
  if (!separator.is_ok()) return separator.status();
  auto extension = text_of(t.extension(), kNameLengthMax, "extension");
  if (!extension.is_ok()) return extension.status();
  auto wire_columns = list_from(t.columns(), kReminderColumnsMax, "columns");
  if (!wire_columns.is_ok()) return wire_columns.status();
  std::vector<ReminderField> columns;
  columns.reserve(wire_columns->size());
  for (wire::ReminderField c : *wire_columns) {
    auto column = enum_of<ReminderField>(c, wire::ReminderField::MAX, "reminder field");
    if (!column.is_ok()) return column.status();
    columns.push_back(*column);
  }
  return DefineReminderFormat{t.format(), std::move(*name), *type, std::move(*separator), std::move(*extension),
                              t.title_in_file_name(), std::move(columns)};
}
Result<CommandBody> decode(const wire::DefineReminderFormat& t) {
  auto format = reminder_format_from(t);
  if (!format.is_ok()) return format.status();
  return CommandBody{std::move(*format)};
}
Result<CommandBody> decode(const wire::DefineSeries& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineSeries{t.series(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::DefineIssue& t) {
  auto name = name_of(t.name(), "name");
  if (!name.is_ok()) return name.status();
  return CommandBody{DefineIssue{t.series(), t.issue(), t.date_ms(), std::move(*name)}};
}
Result<CommandBody> decode(const wire::Subscribe& t) {
  return CommandBody{Subscribe{t.subscription(), t.series(), t.subscriber(), t.payer(), t.ends_ms()}};
}
Result<CommandBody> decode(const wire::RenewSubscription& t) {
  return CommandBody{RenewSubscription{t.subscription(), t.ends_ms()}};
}
Result<CommandBody> decode(const wire::StartReminderRun& t) {
  auto audience = enum_of<Audience>(t.audience(), wire::Audience::MAX, "audience");
  if (!audience.is_ok()) return audience.status();
  auto delivery = delivery_of(t.delivery());
  if (!delivery.is_ok()) return delivery.status();
  auto issues = list_from(t.issues(), kRunIssuesMax, "issues");
  if (!issues.is_ok()) return issues.status();
  return CommandBody{StartReminderRun{t.run(), t.series(), std::move(*issues), *audience, t.format(), *delivery}};
}
Result<CommandBody> decode(const wire::RecordRunExport& t) {
  auto destination = text_of(t.destination(), kRunDestinationLengthMax, "destination");
  if (!destination.is_ok()) return destination.status();
  return CommandBody{RecordRunExport{t.run(), t.delivered(), t.failed(), std::move(*destination)}};
}
Result<CommandBody> decode(const wire::ValidateReminderRun& t) { return CommandBody{ValidateReminderRun{t.run()}}; }
Result<CommandBody> decode(const wire::CancelReminderRun& t) { return CommandBody{CancelReminderRun{t.run()}}; }
Result<CommandBody> decode(const wire::GetReminderRun& t) { return CommandBody{GetReminderRun{t.run()}}; }

// ---- Reply details ------------------------------------------------------------------

fb::Offset<fb::Vector<const wire::OrderOutcome*>> outcomes_of(fb::FlatBufferBuilder& fbb,
                                                              const std::vector<OrderOutcome>& outcomes) {
  std::vector<wire::OrderOutcome> out;
  out.reserve(outcomes.size());
  for (const OrderOutcome& o : outcomes)
    out.emplace_back(o.order, static_cast<wire::Outcome>(o.outcome), static_cast<wire::OrderState>(o.state));
  return fbb.CreateVectorOfStructs(out);
}

struct DetailEncoder {
  fb::FlatBufferBuilder& fbb;
  using Detail = std::pair<wire::ResultDetail, fb::Offset<void>>;

  fb::Offset<wire::FollowUpRow> row(const FollowUpRow& r) {
    const auto contact = fbb.CreateString(r.contact_name), channel = fbb.CreateString(r.channel_name),
               product = fbb.CreateString(r.product_name), category = fbb.CreateString(r.category_name),
               tariff = fbb.CreateString(r.tariff_name);
    return wire::CreateFollowUpRow(fbb, r.due_ms, r.order, r.line, static_cast<wire::OrderState>(r.state),
                                   static_cast<wire::ReleaseMark>(r.mark), r.locked, r.file_number, r.contact,
                                   r.contact_number, contact, r.channel, channel, r.product, product, r.performance,
                                   r.performance_starts_ms, r.category, category, r.tariff, tariff, r.contingent,
                                   r.quantity, r.reminder_rank, r.reminded_ms);
  }
  Detail operator()(const FollowUpPage& d) {
    std::vector<fb::Offset<wire::FollowUpRow>> rows;
    rows.reserve(d.rows.size());
    for (const FollowUpRow& r : d.rows) rows.push_back(row(r));
    const auto list = fbb.CreateVector(rows);
    return {wire::ResultDetail::FollowUpPage, wire::CreateFollowUpPage(fbb, list, d.total, d.more).Union()};
  }
  Detail operator()(const BulkOutcomes& d) {
    return {wire::ResultDetail::BulkOutcomes, wire::CreateBulkOutcomes(fbb, outcomes_of(fbb, d.orders)).Union()};
  }
  Detail operator()(const ReleaseSummary& d) {
    std::vector<wire::ReleasedStock> stock;
    stock.reserve(d.stock.size());
    for (const ReleasedStock& s : d.stock) stock.emplace_back(s.performance, s.category, s.orders, s.units, s.seats);
    const auto list = fbb.CreateVectorOfStructs(stock);
    return {wire::ResultDetail::ReleaseSummary,
            wire::CreateReleaseSummary(fbb, d.released, d.kept, d.locked, d.units, d.seats, list).Union()};
  }
  fb::Offset<wire::ReminderItem> item(const ReminderItem& i) {
    const auto last = fbb.CreateString(i.last_name), first = fbb.CreateString(i.first_name),
               email = fbb.CreateString(i.email), payer_name = fbb.CreateString(i.payer_name),
               payer_email = fbb.CreateString(i.payer_email), product = fbb.CreateString(i.product_name),
               series = fbb.CreateString(i.series_name), last_issue = fbb.CreateString(i.last_issue_name);
    return wire::CreateReminderItem(fbb, i.contact, i.contact_number, last, first, email, i.payer, i.payer_number,
                                    payer_name, payer_email, i.reminder_rank, i.order, i.file_number, i.due_ms,
                                    i.amount_cents, product, i.performance_starts_ms, i.quantity, i.subscription,
                                    series, i.ends_ms, last_issue);
  }
  Detail operator()(const ReminderBatch& d) {
    const auto format = reminder_format(fbb, d.format);
    const auto destination = fbb.CreateString(d.destination);
    std::vector<fb::Offset<wire::ReminderItem>> items;
    items.reserve(d.items.size());
    for (const ReminderItem& i : d.items) items.push_back(item(i));
    const auto item_list = fbb.CreateVector(items);
    const auto outcomes = outcomes_of(fbb, d.outcomes);
    return {wire::ResultDetail::ReminderBatch,
            wire::CreateReminderBatch(fbb, d.run, static_cast<wire::RunState>(d.state), format,
                                      wire_delivery(d.delivery), d.delivered, d.failed, destination, item_list,
                                      outcomes)
                .Union()};
  }
};

// Strings of a detail: names, "LAST First", emails, paths.
constexpr uint32_t kDetailTextBytesMax = kRunDestinationLengthMax;

// Reads the listed string fields of a wire table into the engine struct; the
// first one that fails decides the status.
struct TextReader {
  Status status;
  void operator()(const fb::String* s, std::string_view field, std::string* out) {
    if (!status.is_ok()) return;
    auto text = text_of(s, kDetailTextBytesMax, field);
    if (text.is_ok()) *out = std::move(*text);
    else status = text.status();
  }
};

Result<OrderState> state_of(wire::OrderState s) { return enum_of<OrderState>(s, wire::OrderState::MAX, "order state"); }

Result<FollowUpRow> row_from(const wire::FollowUpRow& w) {
  auto state = state_of(w.state());
  if (!state.is_ok()) return state.status();
  auto mark = enum_of<ReleaseMark>(w.mark(), wire::ReleaseMark::MAX, "release mark");
  if (!mark.is_ok()) return mark.status();
  FollowUpRow r;
  r.due_ms = w.due_ms(), r.order = w.order(), r.line = w.line(), r.state = *state, r.mark = *mark;
  r.locked = w.locked(), r.file_number = w.file_number(), r.contact = w.contact();
  r.contact_number = w.contact_number(), r.channel = w.channel(), r.product = w.product();
  r.performance = w.performance(), r.performance_starts_ms = w.performance_starts_ms(), r.category = w.category();
  r.tariff = w.tariff(), r.contingent = w.contingent(), r.quantity = w.quantity();
  r.reminder_rank = w.reminder_rank(), r.reminded_ms = w.reminded_ms();
  TextReader text;
  text(w.contact_name(), "contact_name", &r.contact_name);
  text(w.channel_name(), "channel_name", &r.channel_name);
  text(w.product_name(), "product_name", &r.product_name);
  text(w.category_name(), "category_name", &r.category_name);
  text(w.tariff_name(), "tariff_name", &r.tariff_name);
  if (!text.status.is_ok()) return text.status;
  return r;
}

// A list of tables (absent = empty) of at most `max` entries, each read by `from`.
template <typename Out, typename Wire, typename From>
Result<std::vector<Out>> tables_from(const fb::Vector<fb::Offset<Wire>>* v, uint32_t max, std::string_view field,
                                     From from) {
  std::vector<Out> out;
  if (v == nullptr) return out;
  if (v->size() > max) return malformed(cat(field, " has ", v->size(), " entries (max ", max, ")"));
  out.reserve(v->size());
  for (const Wire* table : *v) {
    auto value = from(*table);
    if (!value.is_ok()) return value.status();
    out.push_back(std::move(*value));
  }
  return out;
}

Result<FollowUpPage> page_from(const wire::FollowUpPage& w) {
  auto rows = tables_from<FollowUpRow>(w.rows(), kFollowUpRowsMax, "rows", row_from);
  if (!rows.is_ok()) return rows.status();
  return FollowUpPage{std::move(*rows), w.total(), w.more()};
}

Result<std::vector<OrderOutcome>> outcomes_from(const fb::Vector<const wire::OrderOutcome*>* v) {
  std::vector<OrderOutcome> out;
  if (v == nullptr) return out;
  if (v->size() > kBulkOrdersMax) return malformed(cat("outcomes has ", v->size(), " entries (max ", kBulkOrdersMax, ")"));
  out.reserve(v->size());
  for (const wire::OrderOutcome* o : *v) {
    auto outcome = enum_of<Outcome>(o->outcome(), wire::Outcome::MAX, "outcome");
    if (!outcome.is_ok()) return outcome.status();
    auto state = state_of(o->state());
    if (!state.is_ok()) return state.status();
    out.push_back(OrderOutcome{o->order(), *outcome, *state});
  }
  return out;
}

Result<ReleaseSummary> summary_from(const wire::ReleaseSummary& w) {
  ReleaseSummary s{w.released(), w.kept(), w.locked(), w.units(), w.seats(), {}};
  if (w.stock() == nullptr) return s;
  // One line per performance and category: bounded like a filter's categories per performance.
  constexpr uint64_t kStockLinesMax = uint64_t{kBulkOrdersMax} * kCategoriesPerPerformanceMax;
  if (w.stock()->size() > kStockLinesMax)
    return malformed(cat("stock has ", w.stock()->size(), " entries (max ", kStockLinesMax, ")"));
  s.stock.reserve(w.stock()->size());
  for (const wire::ReleasedStock* r : *w.stock())
    s.stock.push_back(ReleasedStock{r->performance(), r->category(), r->orders(), r->units(), r->seats()});
  return s;
}

Result<ReminderItem> item_from(const wire::ReminderItem& w) {
  ReminderItem i;
  i.contact = w.contact(), i.contact_number = w.contact_number(), i.payer = w.payer();
  i.payer_number = w.payer_number(), i.reminder_rank = w.reminder_rank(), i.order = w.order();
  i.file_number = w.file_number(), i.due_ms = w.due_ms(), i.amount_cents = w.amount_cents();
  i.performance_starts_ms = w.performance_starts_ms(), i.quantity = w.quantity();
  i.subscription = w.subscription(), i.ends_ms = w.ends_ms();
  TextReader text;
  text(w.last_name(), "last_name", &i.last_name);
  text(w.first_name(), "first_name", &i.first_name);
  text(w.email(), "email", &i.email);
  text(w.payer_name(), "payer_name", &i.payer_name);
  text(w.payer_email(), "payer_email", &i.payer_email);
  text(w.product_name(), "product_name", &i.product_name);
  text(w.series_name(), "series_name", &i.series_name);
  text(w.last_issue_name(), "last_issue_name", &i.last_issue_name);
  if (!text.status.is_ok()) return text.status;
  return i;
}

Result<ReminderBatch> batch_from(const wire::ReminderBatch& w) {
  ReminderBatch b;
  b.run = w.run(), b.delivered = w.delivered(), b.failed = w.failed();
  auto state = enum_of<RunState>(w.state(), wire::RunState::MAX, "run state");
  if (!state.is_ok()) return state.status();
  b.state = *state;
  auto delivery = delivery_of(w.delivery());
  if (!delivery.is_ok()) return delivery.status();
  b.delivery = *delivery;
  if (w.format() == nullptr) return malformed("a reminder batch needs its format");
  auto format = reminder_format_from(*w.format());
  if (!format.is_ok()) return format.status();
  b.format = std::move(*format);
  auto destination = text_of(w.destination(), kRunDestinationLengthMax, "destination");
  if (!destination.is_ok()) return destination.status();
  b.destination = std::move(*destination);
  auto items = tables_from<ReminderItem>(w.items(), kRunItemsMax, "items", item_from);
  if (!items.is_ok()) return items.status();
  b.items = std::move(*items);
  auto outcomes = outcomes_from(w.outcomes());
  if (!outcomes.is_ok()) return outcomes.status();
  b.outcomes = std::move(*outcomes);
  return b;
}

template <typename Table, typename From>
Result<ReplyDetail> detail_of(const void* table, From from) {
  if (table == nullptr) return malformed("result detail is missing its table");
  auto value = from(*static_cast<const Table*>(table));
  if (!value.is_ok()) return value.status();
  return ReplyDetail{std::move(*value)};
}

Result<ReplyDetail> decode_detail(wire::ResultDetail type, const void* t) {
  using D = wire::ResultDetail;
  switch (type) {
    case D::NONE: break;
    case D::FollowUpPage: return detail_of<wire::FollowUpPage>(t, page_from);
    case D::BulkOutcomes:
      return detail_of<wire::BulkOutcomes>(t, [](const wire::BulkOutcomes& w) -> Result<BulkOutcomes> {
        auto orders = outcomes_from(w.orders());
        if (!orders.is_ok()) return orders.status();
        return BulkOutcomes{std::move(*orders)};
      });
    case D::ReleaseSummary: return detail_of<wire::ReleaseSummary>(t, summary_from);
    case D::ReminderBatch: return detail_of<wire::ReminderBatch>(t, batch_from);
    case D::OrderReply:
    case D::SeatOrderReply:
    case D::AvailabilityReply:
    case D::CountReply:
    case D::ReleaseBackReply:
    case D::RunStateReply: break;  // typed scalar replies: decode_reply
  }
  return malformed(cat("unknown result detail type ", static_cast<int>(type)));
}

template <typename Table>
Result<CommandBody> decode_table(const void* table, std::string_view type_name) {
  if (table == nullptr) return malformed(cat("command body ", type_name, " is missing its table"));
  return decode(*static_cast<const Table*>(table));
}

// One decoder per registry row, indexed by tag - 1.
using BodyDecoder = Result<CommandBody> (*)(const void* table);
#define TESSERA_WIRE_DECODER(tag, Name, ...) \
  +[](const void* t) { return decode_table<wire::Name>(t, #Name); },
constexpr BodyDecoder kBodyDecoders[] = {TESSERA_COMMANDS(TESSERA_WIRE_DECODER)};
#undef TESSERA_WIRE_DECODER

// The wire union and the registry correspond one to one: union type == tag.
#define TESSERA_WIRE_TAG_CHECK(tag, Name, ...)                                                       \
  static_assert(static_cast<int>(wire::CommandBodyTraits<wire::Name>::enum_value) == (tag),         \
                "net/tessera.fbs: the CommandBody union lists " #Name " at another place than its tag");
TESSERA_COMMANDS(TESSERA_WIRE_TAG_CHECK)
#undef TESSERA_WIRE_TAG_CHECK
static_assert(static_cast<size_t>(wire::CommandBody::MAX) == kCommandCount,
              "net/tessera.fbs: the CommandBody union has a member without a registry row");

Result<CommandBody> decode_body(wire::CommandBody type, const void* t) {
  if (type == wire::CommandBody::NONE) return malformed("command has no body");
  const auto tag = static_cast<size_t>(type);
  if (tag > kCommandCount) return malformed(cat("unknown command type ", tag));
  return kBodyDecoders[tag - 1](t);
}

}  // namespace

fb::Offset<wire::Command> encode_command(fb::FlatBufferBuilder& fbb, const Command& command) {
  const fb::Offset<void> body = std::visit(Encoder{fbb}, command.body);
  return wire::CreateCommand(fbb, command.key, static_cast<wire::CommandBody>(command_tag(command.body)), body);
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

namespace {

// A seated order's seats: its runs in the message when split ("first+count,..."),
// else one run of seat_count seats from value.
std::vector<wire::SeatRun> seat_runs(const Reply& reply) {
  std::vector<wire::SeatRun> runs;
  if (reply.message.empty()) {
    if (reply.seat_count > 0) runs.emplace_back(static_cast<uint32_t>(reply.value), reply.seat_count);
    return runs;
  }
  const char* p = reply.message.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const unsigned long first = std::strtoul(p, &end, 10);
    if (end == p || *end != '+') break;
    p = end + 1;
    const unsigned long count = std::strtoul(p, &end, 10);
    if (end == p) break;
    runs.emplace_back(static_cast<uint32_t>(first), static_cast<uint32_t>(count));
    p = *end == ',' ? end + 1 : end;
  }
  return runs;
}

// The typed reply table of an accepted command (its registry ReplyKind) when
// the engine answered it with scalars only.
DetailEncoder::Detail typed_reply(fb::FlatBufferBuilder& fbb, const Reply& reply, ReplyKind kind) {
  using D = wire::ResultDetail;
  const auto state = static_cast<wire::OrderState>(reply.state);
  switch (kind) {
    case ReplyKind::kAck:
    case ReplyKind::kFollowUpPage:
    case ReplyKind::kBulkOutcomes:
    case ReplyKind::kReleaseSummary:
    case ReplyKind::kReminderBatch: return {};
    case ReplyKind::kOrder:
      return {D::OrderReply, wire::CreateOrderReply(fbb, reply.order, state, reply.due_ms).Union()};
    case ReplyKind::kSeatOrder: {
      const auto runs = fbb.CreateVectorOfStructs(seat_runs(reply));
      return {D::SeatOrderReply, wire::CreateSeatOrderReply(fbb, reply.order, state, reply.due_ms, runs).Union()};
    }
    case ReplyKind::kAvailability:
      return {D::AvailabilityReply, wire::CreateAvailabilityReply(fbb, static_cast<uint32_t>(reply.value)).Union()};
    case ReplyKind::kCount:
      return {D::CountReply, wire::CreateCountReply(fbb, static_cast<uint64_t>(reply.value)).Union()};
    case ReplyKind::kReleaseBack:
      return {D::ReleaseBackReply, wire::CreateReleaseBackReply(fbb, reply.value).Union()};
    case ReplyKind::kRunState:
      return {D::RunStateReply,
              wire::CreateRunStateReply(fbb, static_cast<wire::RunState>(reply.value)).Union()};
  }
  return {};
}

}  // namespace

fb::Offset<wire::Result> encode_reply(fb::FlatBufferBuilder& fbb, const Reply& reply,
                                      std::optional<ReplyKind> typed_as) {
  DetailEncoder::Detail detail;
  if (reply.detail) {
    detail = std::visit(DetailEncoder{fbb}, reply.detail->value);
  } else if (typed_as && reply.ok()) {
    detail = typed_reply(fbb, reply, *typed_as);
  }
  const auto message = reply.message.empty() ? fb::Offset<fb::String>() : fbb.CreateString(reply.message);
  return wire::CreateResult(fbb, static_cast<wire::ResultCode>(reply.code), reply.order,
                            static_cast<wire::OrderState>(reply.state), reply.value, message, detail.first,
                            detail.second);
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
  // Typed replies whose content the scalars above already carry, but for
  // an order's due time and seat count.
  if (const wire::OrderReply* o = result->detail_as_OrderReply()) {
    r.due_ms = o->due_ms();
    return r;
  }
  if (const wire::SeatOrderReply* o = result->detail_as_SeatOrderReply()) {
    r.due_ms = o->due_ms();
    if (o->seats() != nullptr)
      for (const wire::SeatRun* run : *o->seats()) r.seat_count += run->count();
    return r;
  }
  switch (result->detail_type()) {
    case wire::ResultDetail::AvailabilityReply:
    case wire::ResultDetail::CountReply:
    case wire::ResultDetail::ReleaseBackReply:
    case wire::ResultDetail::RunStateReply:
    case wire::ResultDetail::NONE: return r;
    default: break;
  }
  auto detail = decode_detail(result->detail_type(), result->detail());
  if (!detail.is_ok()) return detail.status();
  r.detail = std::make_shared<const ReplyDetail>(std::move(*detail));
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
static_assert(static_cast<int>(wire::Delivery::MAX) == static_cast<int>(Delivery::kEmail));
static_assert(static_cast<int>(wire::ReminderField::MAX) + 1 == kReminderFieldCount);
static_assert(static_cast<int>(wire::FormatType::MAX) == static_cast<int>(FormatType::kReminder));
static_assert(static_cast<int>(wire::Audience::MAX) == static_cast<int>(Audience::kThirdParty));
// Detail union type = ReplyDetail variant index + 1; its enums mirror the engine's.
static_assert(static_cast<size_t>(wire::ResultDetail::ReminderBatch) == std::variant_size_v<decltype(ReplyDetail::value)>);
static_assert(static_cast<size_t>(wire::ResultDetail::ReminderBatch) ==
              decltype(ReplyDetail::value)(ReminderBatch{}).index() + 1);
static_assert(static_cast<int>(wire::Outcome::MAX) == static_cast<int>(Outcome::kNotFound));
static_assert(static_cast<int>(wire::RunState::MAX) == static_cast<int>(RunState::kCancelled));

}  // namespace tessera::net
