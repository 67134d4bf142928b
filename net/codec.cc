// Codec: wire tables <-> engine commands and replies.
//
// Commands go through the one generic mapping of net/wire_table.h, with the
// union dispatch derived from the registry; reply details are mapped by
// hand below, and the typed replies built from the scalar reply.
#include "net/codec.h"

#include <cstdlib>
#include <string>
#include <type_traits>

#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "net/limits.h"
#include "net/result_code.h"
#include "net/wire_table.h"

namespace tessera::net {

namespace fb = flatbuffers;
using namespace tessera::engine;

namespace {

// ---- Decoding helpers of reply details ------------------------------------------

Status malformed(std::string_view what) { return Status::invalid_argument(std::string(what)); }

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

// A command (or a reminder format) from its wire table, by the generic mapping.
template <typename T, typename Table>
Result<T> from_table(const Table* table, std::string_view name) {
  T out{};
  Status s =
      wire_table::Decoder().table(reinterpret_cast<const fb::Table*>(table), Table::MiniReflectTypeTable(), name, out);
  if (!s.is_ok()) return s;
  return out;
}

// ---- Reply details ------------------------------------------------------------------

// An id list as the wire's vector of integers.
template <typename Id>
fb::Offset<fb::Vector<typename Id::value_type>> id_vector(fb::FlatBufferBuilder& fbb, const std::vector<Id>& ids) {
  std::vector<typename Id::value_type> raw(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) raw[i] = ids[i].value();
  return fbb.CreateVector(raw);
}

fb::Offset<fb::Vector<const wire::OrderOutcome*>> outcomes_of(fb::FlatBufferBuilder& fbb,
                                                              const std::vector<OrderOutcome>& outcomes) {
  std::vector<wire::OrderOutcome> out;
  out.reserve(outcomes.size());
  for (const OrderOutcome& o : outcomes)
    out.emplace_back(o.order.value(), static_cast<wire::Outcome>(o.outcome), static_cast<wire::OrderState>(o.state));
  return fbb.CreateVectorOfStructs(out);
}

struct DetailEncoder {
  fb::FlatBufferBuilder& fbb;
  using Detail = std::pair<wire::ResultDetail, fb::Offset<void>>;

  fb::Offset<wire::FollowUpRow> row(const FollowUpRow& r) {
    const auto contact = fbb.CreateString(r.contact_name), channel = fbb.CreateString(r.channel_name),
               product = fbb.CreateString(r.product_name), category = fbb.CreateString(r.category_name),
               tariff = fbb.CreateString(r.tariff_name), contingent = fbb.CreateString(r.contingent_name),
               audience = fbb.CreateString(r.audience_name);
    return wire::CreateFollowUpRow(fbb, r.due_ms, r.order.value(), r.line, static_cast<wire::OrderState>(r.state),
                                   static_cast<wire::ReleaseMark>(r.mark), r.locked, r.file_number, r.contact.value(),
                                   r.contact_number, contact, r.channel.value(), channel, r.product.value(), product,
                                   r.performance.value(), r.performance_starts_ms, r.category.value(), category,
                                   r.tariff.value(), tariff, r.contingent.value(), r.quantity, r.reminder_rank,
                                   r.reminded_ms, contingent, r.audience, audience);
  }
  Detail operator()(const FollowUpPage& d) {
    std::vector<fb::Offset<wire::FollowUpRow>> rows;
    rows.reserve(d.rows.size());
    for (const FollowUpRow& r : d.rows) rows.push_back(row(r));
    const auto list = fbb.CreateVector(rows);
    return {wire::ResultDetail::FollowUpPage, wire::CreateFollowUpPage(fbb, list, d.total, d.more).Union()};
  }
  Detail operator()(const PrincipalList& d) {
    std::vector<fb::Offset<wire::PrincipalRecord>> records;
    records.reserve(d.principals.size());
    for (const PrincipalRecord& p : d.principals)  // never the token hash
      records.push_back(wire::CreatePrincipalRecord(fbb, p.principal.value(), fbb.CreateString(p.name),
                                                    static_cast<wire::Role>(p.role), id_vector(fbb, p.channels),
                                                    p.revoked, p.created_ms, p.revoked_ms));
    return {wire::ResultDetail::PrincipalList, wire::CreatePrincipalList(fbb, fbb.CreateVector(records)).Union()};
  }
  // The order page's tables follow their engine structs field for field:
  // the generic mapping encodes them (net/wire_table.h).
  Detail operator()(const OrderRecord& d) {
    return {wire::ResultDetail::OrderRecord, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const OrderPage& d) { return {wire::ResultDetail::OrderPage, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const StockSummary& d) {
    return {wire::ResultDetail::StockSummary, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactCard& d) {
    return {wire::ResultDetail::ContactCard, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactSearchPage& d) {
    return {wire::ResultDetail::ContactSearchPage, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactCards& d) {
    return {wire::ResultDetail::ContactCards, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactImportReport& d) {
    return {wire::ResultDetail::ContactImportReport, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactLists& d) {
    return {wire::ResultDetail::ContactLists, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactFindPage& d) {
    return {wire::ResultDetail::ContactFindPage, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ClientMarks& d) {
    return {wire::ResultDetail::ClientMarks, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const RunFile& d) { return {wire::ResultDetail::RunFile, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const DocumentTemplates& d) {
    return {wire::ResultDetail::DocumentTemplates, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const Payers& d) { return {wire::ResultDetail::Payers, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const Invoices& d) { return {wire::ResultDetail::Invoices, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const Promo& d) { return {wire::ResultDetail::Promo, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const PromoCodes& d) { return {wire::ResultDetail::PromoCodes, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const PromoReturns& d) {
    return {wire::ResultDetail::PromoReturns, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const CashbackAccount& d) {
    return {wire::ResultDetail::CashbackAccount, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const CashbackUse& d) {
    return {wire::ResultDetail::CashbackUse, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const CashbackReturns& d) {
    return {wire::ResultDetail::CashbackReturns, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const SponsorUse& d) { return {wire::ResultDetail::SponsorUse, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const PreRegPage& d) { return {wire::ResultDetail::PreRegPage, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const PreRegResults& d) {
    return {wire::ResultDetail::PreRegResults, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const PreRegMatches& d) {
    return {wire::ResultDetail::PreRegMatches, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const LeadPage& d) { return {wire::ResultDetail::LeadPage, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const PerformanceCard& d) {
    return {wire::ResultDetail::PerformanceCard, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const DocumentFile& d) {
    return {wire::ResultDetail::DocumentFile, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const AddOnStock& d) { return {wire::ResultDetail::AddOnStock, wire_table::encode_table(fbb, d)}; }
  Detail operator()(const DepartureChange& d) {
    return {wire::ResultDetail::DepartureChange, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const TravelBookMails& d) {
    return {wire::ResultDetail::TravelBookMails, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const PaymentBatch& d) {
    return {wire::ResultDetail::PaymentBatch, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const FrozenPayments& d) {
    return {wire::ResultDetail::FrozenPayments, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const PaymentBatches& d) {
    return {wire::ResultDetail::PaymentBatches, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ReminderRuns& d) {
    return {wire::ResultDetail::ReminderRuns, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ReminderFormats& d) {
    return {wire::ResultDetail::ReminderFormats, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const ContactActivity& d) {
    return {wire::ResultDetail::ContactActivity, wire_table::encode_table(fbb, d)};
  }
  Detail operator()(const CatalogExport& d) {
    std::vector<fb::Offset<wire::Command>> commands;
    commands.reserve(d.commands.size());
    for (const Command& c : d.commands) commands.push_back(encode_command(fbb, c));
    const auto list = fbb.CreateVector(commands);
    return {wire::ResultDetail::CatalogExport, wire::CreateCatalogExport(fbb, list, d.catalog_hash).Union()};
  }
  Detail operator()(const IssuedToken& d) {
    return {wire::ResultDetail::PrincipalReply,
            wire::CreatePrincipalReply(fbb, d.principal.value(), fbb.CreateString(d.token)).Union()};
  }
  Detail operator()(const BulkOutcomes& d) {
    return {wire::ResultDetail::BulkOutcomes, wire::CreateBulkOutcomes(fbb, outcomes_of(fbb, d.orders)).Union()};
  }
  Detail operator()(const ReleaseSummary& d) {
    std::vector<wire::ReleasedStock> stock;
    stock.reserve(d.stock.size());
    for (const ReleasedStock& s : d.stock)
      stock.emplace_back(s.performance.value(), s.category.value(), s.orders, s.units, s.seats);
    const auto list = fbb.CreateVectorOfStructs(stock);
    std::vector<fb::Offset<wire::SkippedOrder>> skipped;
    skipped.reserve(d.skipped.size());
    for (const SkippedOrder& o : d.skipped)
      skipped.push_back(wire::CreateSkippedOrder(fbb, o.order.value(), static_cast<wire::SkipReason>(o.reason),
                                                 o.contact.value(), o.contact_number, fbb.CreateString(o.contact_name),
                                                 o.due_ms));
    const auto skipped_list = fbb.CreateVector(skipped);
    return {wire::ResultDetail::ReleaseSummary,
            wire::CreateReleaseSummary(fbb, d.released, d.kept, d.locked, d.units, d.seats, list, skipped_list,
                                       d.skipped_next.value())
                .Union()};
  }
  fb::Offset<wire::ReminderItem> item(const ReminderItem& i) {
    const auto last = fbb.CreateString(i.last_name), first = fbb.CreateString(i.first_name),
               email = fbb.CreateString(i.email), payer_name = fbb.CreateString(i.payer_name),
               payer_email = fbb.CreateString(i.payer_email), product = fbb.CreateString(i.product_name),
               series = fbb.CreateString(i.series_name), last_issue = fbb.CreateString(i.last_issue_name),
               street = fbb.CreateString(i.street), postcode = fbb.CreateString(i.postcode),
               city = fbb.CreateString(i.city), country = fbb.CreateString(i.country),
               language = fbb.CreateString(i.language);
    return wire::CreateReminderItem(fbb, i.contact.value(), i.contact_number, last, first, email, i.payer.value(),
                                    i.payer_number, payer_name, payer_email, i.reminder_rank, i.order.value(),
                                    i.file_number, i.due_ms, i.amount_cents, product, i.performance_starts_ms,
                                    i.quantity, i.subscription.value(), series, i.ends_ms, last_issue, street, postcode,
                                    city, country, language);
  }
  Detail operator()(const ReminderBatch& d) {
    const auto format = fb::Offset<wire::DefineReminderFormat>(wire_table::encode_table(fbb, d.format));
    const auto destination = fbb.CreateString(d.destination);
    std::vector<fb::Offset<wire::ReminderItem>> items;
    items.reserve(d.items.size());
    for (const ReminderItem& i : d.items) items.push_back(item(i));
    const auto item_list = fbb.CreateVector(items);
    const auto outcomes = outcomes_of(fbb, d.outcomes);
    std::vector<wire::RankCount> ranks;
    ranks.reserve(d.rank_counts.size());
    for (const RankCount& r : d.rank_counts) ranks.emplace_back(r.rank, r.count);
    const auto rank_list = fbb.CreateVectorOfStructs(ranks);
    return {wire::ResultDetail::ReminderBatch,
            wire::CreateReminderBatch(fbb, d.run.value(), static_cast<wire::RunState>(d.state), format,
                                      static_cast<wire::Delivery>(d.delivery), d.delivered, d.failed, destination,
                                      item_list, outcomes, rank_list, d.validation)
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
    if (text.is_ok())
      *out = std::move(*text);
    else
      status = text.status();
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
  r.reminder_rank = w.reminder_rank(), r.reminded_ms = w.reminded_ms(), r.audience = w.audience();
  TextReader text;
  text(w.contact_name(), "contact_name", &r.contact_name);
  text(w.channel_name(), "channel_name", &r.channel_name);
  text(w.product_name(), "product_name", &r.product_name);
  text(w.category_name(), "category_name", &r.category_name);
  text(w.tariff_name(), "tariff_name", &r.tariff_name);
  text(w.contingent_name(), "contingent_name", &r.contingent_name);
  text(w.audience_name(), "audience_name", &r.audience_name);
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
  if (v->size() > kBulkOrdersMax)
    return malformed(cat("outcomes has ", v->size(), " entries (max ", kBulkOrdersMax, ")"));
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
  ReleaseSummary s{w.released(), w.kept(), w.locked(), w.units(), w.seats(), {}, {}, w.skipped_next()};
  if (w.skipped() != nullptr) {
    if (w.skipped()->size() > kSkippedOrdersPage)
      return malformed(cat("skipped names ", w.skipped()->size(), " orders (max ", kSkippedOrdersPage, ")"));
    for (const wire::SkippedOrder* o : *w.skipped()) {
      auto reason = enum_of<SkipReason>(o->reason(), wire::SkipReason::MAX, "skip reason");
      if (!reason.is_ok()) return reason.status();
      SkippedOrder row{o->order(), *reason, o->contact(), o->contact_number(), {}, o->due_ms()};
      TextReader text;
      text(o->contact_name(), "contact_name", &row.contact_name);
      if (!text.status.is_ok()) return text.status;
      s.skipped.push_back(std::move(row));
    }
  }
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
  text(w.street(), "street", &i.street);
  text(w.postcode(), "postcode", &i.postcode);
  text(w.city(), "city", &i.city);
  text(w.country(), "country", &i.country);
  text(w.language(), "language", &i.language);
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
  auto format = from_table<DefineReminderFormat>(w.format(), "DefineReminderFormat");
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
  if (const auto* ranks = w.rank_counts()) {
    if (ranks->size() > kRunItemsMax) return malformed(cat("rank_counts has ", ranks->size(), " entries"));
    for (const wire::RankCount* r : *ranks) b.rank_counts.push_back(RankCount{r->rank(), r->count()});
  }
  b.validation = w.validation();
  return b;
}

Result<PrincipalList> principals_from(const wire::PrincipalList& w) {
  PrincipalList out;
  if (w.principals() == nullptr) return out;
  if (w.principals()->size() > kPrincipalsMax) return malformed("too many principals");
  for (const wire::PrincipalRecord* p : *w.principals()) {
    if (p == nullptr || p->name() == nullptr || p->name()->size() > kNameLengthMax ||
        (p->channels() != nullptr && p->channels()->size() > kPrincipalChannelsMax) ||
        p->role() < wire::Role::Webshop || p->role() > wire::Role::Admin)
      return malformed("malformed principal record");
    PrincipalRecord r;
    r.principal = p->principal();
    r.name = p->name()->str();
    r.role = static_cast<Role>(p->role());
    if (p->channels() != nullptr)
      for (uint32_t i = 0; i < p->channels()->size(); ++i) r.channels.push_back(p->channels()->Get(i));
    r.revoked = p->revoked();
    r.created_ms = p->created_ms();
    r.revoked_ms = p->revoked_ms();
    out.principals.push_back(std::move(r));
  }
  return out;
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
    case D::NONE:
      break;
    case D::FollowUpPage:
      return detail_of<wire::FollowUpPage>(t, page_from);
    case D::BulkOutcomes:
      return detail_of<wire::BulkOutcomes>(t, [](const wire::BulkOutcomes& w) -> Result<BulkOutcomes> {
        auto orders = outcomes_from(w.orders());
        if (!orders.is_ok()) return orders.status();
        return BulkOutcomes{std::move(*orders)};
      });
    case D::ReleaseSummary:
      return detail_of<wire::ReleaseSummary>(t, summary_from);
    case D::ReminderBatch:
      return detail_of<wire::ReminderBatch>(t, batch_from);
    case D::PrincipalList:
      return detail_of<wire::PrincipalList>(t, principals_from);
    case D::PrincipalReply:
      return detail_of<wire::PrincipalReply>(t, [](const wire::PrincipalReply& w) -> Result<IssuedToken> {
        if (w.token() == nullptr || w.token()->size() > kNameLengthMax) return malformed("principal reply token");
        return IssuedToken{w.principal(), w.token()->str()};
      });
    case D::OrderRecord:
      return detail_of<wire::OrderRecord>(
          t, [](const wire::OrderRecord& w) { return from_table<OrderRecord>(&w, "OrderRecord"); });
    case D::OrderPage:
      return detail_of<wire::OrderPage>(
          t, [](const wire::OrderPage& w) { return from_table<OrderPage>(&w, "OrderPage"); });
    case D::StockSummary:
      return detail_of<wire::StockSummary>(
          t, [](const wire::StockSummary& w) { return from_table<StockSummary>(&w, "StockSummary"); });
    case D::ContactCard:
      return detail_of<wire::ContactCard>(
          t, [](const wire::ContactCard& w) { return from_table<ContactCard>(&w, "ContactCard"); });
    case D::ContactSearchPage:
      return detail_of<wire::ContactSearchPage>(
          t, [](const wire::ContactSearchPage& w) { return from_table<ContactSearchPage>(&w, "ContactSearchPage"); });
    case D::ContactCards:
      return detail_of<wire::ContactCards>(
          t, [](const wire::ContactCards& w) { return from_table<ContactCards>(&w, "ContactCards"); });
    case D::ContactImportReport:
      return detail_of<wire::ContactImportReport>(t, [](const wire::ContactImportReport& w) {
        return from_table<ContactImportReport>(&w, "ContactImportReport");
      });
    case D::ContactLists:
      return detail_of<wire::ContactLists>(
          t, [](const wire::ContactLists& w) { return from_table<ContactLists>(&w, "ContactLists"); });
    case D::ContactFindPage:
      return detail_of<wire::ContactFindPage>(
          t, [](const wire::ContactFindPage& w) { return from_table<ContactFindPage>(&w, "ContactFindPage"); });
    case D::ClientMarks:
      return detail_of<wire::ClientMarks>(
          t, [](const wire::ClientMarks& w) { return from_table<ClientMarks>(&w, "ClientMarks"); });
    case D::ReminderFormats:
      return detail_of<wire::ReminderFormats>(
          t, [](const wire::ReminderFormats& w) { return from_table<ReminderFormats>(&w, "ReminderFormats"); });
    case D::ReminderRuns:
      return detail_of<wire::ReminderRuns>(
          t, [](const wire::ReminderRuns& w) { return from_table<ReminderRuns>(&w, "ReminderRuns"); });
    case D::RunFile:
      return detail_of<wire::RunFile>(t, [](const wire::RunFile& w) { return from_table<RunFile>(&w, "RunFile"); });
    case D::DocumentTemplates:
      return detail_of<wire::DocumentTemplates>(
          t, [](const wire::DocumentTemplates& w) { return from_table<DocumentTemplates>(&w, "DocumentTemplates"); });
    case D::Payers:
      return detail_of<wire::Payers>(t, [](const wire::Payers& w) { return from_table<Payers>(&w, "Payers"); });
    case D::Invoices:
      return detail_of<wire::Invoices>(t, [](const wire::Invoices& w) { return from_table<Invoices>(&w, "Invoices"); });
    case D::Promo:
      return detail_of<wire::Promo>(t, [](const wire::Promo& w) { return from_table<Promo>(&w, "Promo"); });
    case D::PromoCodes:
      return detail_of<wire::PromoCodes>(
          t, [](const wire::PromoCodes& w) { return from_table<PromoCodes>(&w, "PromoCodes"); });
    case D::PromoReturns:
      return detail_of<wire::PromoReturns>(
          t, [](const wire::PromoReturns& w) { return from_table<PromoReturns>(&w, "PromoReturns"); });
    case D::CashbackAccount:
      return detail_of<wire::CashbackAccount>(
          t, [](const wire::CashbackAccount& w) { return from_table<CashbackAccount>(&w, "CashbackAccount"); });
    case D::CashbackUse:
      return detail_of<wire::CashbackUse>(
          t, [](const wire::CashbackUse& w) { return from_table<CashbackUse>(&w, "CashbackUse"); });
    case D::CashbackReturns:
      return detail_of<wire::CashbackReturns>(
          t, [](const wire::CashbackReturns& w) { return from_table<CashbackReturns>(&w, "CashbackReturns"); });
    case D::SponsorUse:
      return detail_of<wire::SponsorUse>(
          t, [](const wire::SponsorUse& w) { return from_table<SponsorUse>(&w, "SponsorUse"); });
    case D::PreRegPage:
      return detail_of<wire::PreRegPage>(
          t, [](const wire::PreRegPage& w) { return from_table<PreRegPage>(&w, "PreRegPage"); });
    case D::PreRegResults:
      return detail_of<wire::PreRegResults>(
          t, [](const wire::PreRegResults& w) { return from_table<PreRegResults>(&w, "PreRegResults"); });
    case D::PreRegMatches:
      return detail_of<wire::PreRegMatches>(
          t, [](const wire::PreRegMatches& w) { return from_table<PreRegMatches>(&w, "PreRegMatches"); });
    case D::LeadPage:
      return detail_of<wire::LeadPage>(t, [](const wire::LeadPage& w) { return from_table<LeadPage>(&w, "LeadPage"); });
    case D::PerformanceCard:
      return detail_of<wire::PerformanceCard>(
          t, [](const wire::PerformanceCard& w) { return from_table<PerformanceCard>(&w, "PerformanceCard"); });
    case D::DocumentFile:
      return detail_of<wire::DocumentFile>(
          t, [](const wire::DocumentFile& w) { return from_table<DocumentFile>(&w, "DocumentFile"); });
    case D::AddOnStock:
      return detail_of<wire::AddOnStock>(
          t, [](const wire::AddOnStock& w) { return from_table<AddOnStock>(&w, "AddOnStock"); });
    case D::DepartureChange:
      return detail_of<wire::DepartureChange>(
          t, [](const wire::DepartureChange& w) { return from_table<DepartureChange>(&w, "DepartureChange"); });
    case D::TravelBookMails:
      return detail_of<wire::TravelBookMails>(
          t, [](const wire::TravelBookMails& w) { return from_table<TravelBookMails>(&w, "TravelBookMails"); });
    case D::PaymentBatch:
      return detail_of<wire::PaymentBatch>(
          t, [](const wire::PaymentBatch& w) { return from_table<PaymentBatch>(&w, "PaymentBatch"); });
    case D::FrozenPayments:
      return detail_of<wire::FrozenPayments>(
          t, [](const wire::FrozenPayments& w) { return from_table<FrozenPayments>(&w, "FrozenPayments"); });
    case D::PaymentBatches:
      return detail_of<wire::PaymentBatches>(
          t, [](const wire::PaymentBatches& w) { return from_table<PaymentBatches>(&w, "PaymentBatches"); });
    case D::ContactActivity:
      return detail_of<wire::ContactActivity>(
          t, [](const wire::ContactActivity& w) { return from_table<ContactActivity>(&w, "ContactActivity"); });
    case D::CatalogExport:
      return detail_of<wire::CatalogExport>(t, [](const wire::CatalogExport& w) -> Result<CatalogExport> {
        CatalogExport out;
        out.catalog_hash = w.catalog_hash();
        if (w.commands() == nullptr) return out;
        out.commands.reserve(w.commands()->size());
        for (const wire::Command* c : *w.commands()) {
          auto command = decode_command(c);
          if (!command.is_ok()) return Status::invalid_argument(cat("catalog export: ", command.status().message()));
          out.commands.push_back(std::move(*command));
        }
        return out;
      });
    case D::OrderReply:
    case D::SeatOrderReply:
    case D::AvailabilityReply:
    case D::CountReply:
    case D::ReleaseBackReply:
    case D::RunStateReply:
      break;  // typed scalar replies: decode_reply
  }
  return malformed(cat("unknown result detail type ", static_cast<int>(type)));
}

// One decoder per registry row, indexed by tag - 1: the generic mapping of
// the command's wire table (net/wire_table.h).
template <typename T, typename Table>
Result<CommandBody> decode_table(const void* table, std::string_view name) {
  if (table == nullptr) return malformed(cat("command body ", name, " is missing its table"));
  auto command = from_table<T>(static_cast<const Table*>(table), name);
  if (!command.is_ok()) return command.status();
  return CommandBody{std::in_place_type<T>, std::move(*command)};
}
using BodyDecoder = Result<CommandBody> (*)(const void* table);
#define TESSERA_WIRE_DECODER(tag, Name, ...) +[](const void* t) { return decode_table<Name, wire::Name>(t, #Name); },
constexpr BodyDecoder kBodyDecoders[] = {TESSERA_COMMANDS(TESSERA_WIRE_DECODER)};
#undef TESSERA_WIRE_DECODER

// The wire union and the registry correspond one to one: union type == tag.
#define TESSERA_WIRE_TAG_CHECK(tag, Name, ...)                                              \
  static_assert(static_cast<int>(wire::CommandBodyTraits<wire::Name>::enum_value) == (tag), \
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

std::string check_wire_tables() {
  std::string problems;
#define TESSERA_WIRE_SHAPE(tag, Name, ...) \
  problems += wire_table::check_shape<Name>(wire::Name::MiniReflectTypeTable(), #Name);
  TESSERA_COMMANDS(TESSERA_WIRE_SHAPE)
#undef TESSERA_WIRE_SHAPE
  // The reply details the generic mapping encodes.
  problems += wire_table::check_shape<OrderRecord>(wire::OrderRecord::MiniReflectTypeTable(), "OrderRecord");
  problems += wire_table::check_shape<OrderPage>(wire::OrderPage::MiniReflectTypeTable(), "OrderPage");
  problems += wire_table::check_shape<StockSummary>(wire::StockSummary::MiniReflectTypeTable(), "StockSummary");
  problems += wire_table::check_shape<ContactCard>(wire::ContactCard::MiniReflectTypeTable(), "ContactCard");
  problems +=
      wire_table::check_shape<ContactSearchPage>(wire::ContactSearchPage::MiniReflectTypeTable(), "ContactSearchPage");
  problems += wire_table::check_shape<ContactCards>(wire::ContactCards::MiniReflectTypeTable(), "ContactCards");
  problems += wire_table::check_shape<ContactImportReport>(wire::ContactImportReport::MiniReflectTypeTable(),
                                                           "ContactImportReport");
  problems += wire_table::check_shape<ContactLists>(wire::ContactLists::MiniReflectTypeTable(), "ContactLists");
  problems +=
      wire_table::check_shape<ContactFindPage>(wire::ContactFindPage::MiniReflectTypeTable(), "ContactFindPage");
  problems += wire_table::check_shape<ClientMarks>(wire::ClientMarks::MiniReflectTypeTable(), "ClientMarks");
  problems +=
      wire_table::check_shape<ContactActivity>(wire::ContactActivity::MiniReflectTypeTable(), "ContactActivity");
  problems +=
      wire_table::check_shape<ReminderFormats>(wire::ReminderFormats::MiniReflectTypeTable(), "ReminderFormats");
  problems += wire_table::check_shape<ReminderRuns>(wire::ReminderRuns::MiniReflectTypeTable(), "ReminderRuns");
  problems += wire_table::check_shape<RunFile>(wire::RunFile::MiniReflectTypeTable(), "RunFile");
  problems +=
      wire_table::check_shape<DocumentTemplates>(wire::DocumentTemplates::MiniReflectTypeTable(), "DocumentTemplates");
  problems += wire_table::check_shape<Payers>(wire::Payers::MiniReflectTypeTable(), "Payers");
  problems += wire_table::check_shape<Invoices>(wire::Invoices::MiniReflectTypeTable(), "Invoices");
  problems += wire_table::check_shape<Promo>(wire::Promo::MiniReflectTypeTable(), "Promo");
  problems += wire_table::check_shape<PromoCodes>(wire::PromoCodes::MiniReflectTypeTable(), "PromoCodes");
  problems += wire_table::check_shape<PromoReturns>(wire::PromoReturns::MiniReflectTypeTable(), "PromoReturns");
  problems += wire_table::check_shape<PaymentBatch>(wire::PaymentBatch::MiniReflectTypeTable(), "PaymentBatch");
  problems += wire_table::check_shape<FrozenPayments>(wire::FrozenPayments::MiniReflectTypeTable(), "FrozenPayments");
  problems += wire_table::check_shape<PaymentBatches>(wire::PaymentBatches::MiniReflectTypeTable(), "PaymentBatches");
  problems +=
      wire_table::check_shape<CashbackAccount>(wire::CashbackAccount::MiniReflectTypeTable(), "CashbackAccount");
  problems += wire_table::check_shape<CashbackUse>(wire::CashbackUse::MiniReflectTypeTable(), "CashbackUse");
  problems +=
      wire_table::check_shape<CashbackReturns>(wire::CashbackReturns::MiniReflectTypeTable(), "CashbackReturns");
  problems += wire_table::check_shape<SponsorUse>(wire::SponsorUse::MiniReflectTypeTable(), "SponsorUse");
  problems += wire_table::check_shape<PreRegPage>(wire::PreRegPage::MiniReflectTypeTable(), "PreRegPage");
  problems += wire_table::check_shape<PreRegResults>(wire::PreRegResults::MiniReflectTypeTable(), "PreRegResults");
  problems += wire_table::check_shape<PreRegMatches>(wire::PreRegMatches::MiniReflectTypeTable(), "PreRegMatches");
  problems += wire_table::check_shape<LeadPage>(wire::LeadPage::MiniReflectTypeTable(), "LeadPage");
  problems +=
      wire_table::check_shape<PerformanceCard>(wire::PerformanceCard::MiniReflectTypeTable(), "PerformanceCard");
  problems += wire_table::check_shape<DocumentFile>(wire::DocumentFile::MiniReflectTypeTable(), "DocumentFile");
  problems += wire_table::check_shape<AddOnStock>(wire::AddOnStock::MiniReflectTypeTable(), "AddOnStock");
  problems +=
      wire_table::check_shape<DepartureChange>(wire::DepartureChange::MiniReflectTypeTable(), "DepartureChange");
  problems +=
      wire_table::check_shape<TravelBookMails>(wire::TravelBookMails::MiniReflectTypeTable(), "TravelBookMails");
  return problems;
}

fb::Offset<wire::Command> encode_command(fb::FlatBufferBuilder& fbb, const Command& command) {
  const fb::Offset<void> body(
      std::visit([&](const auto& c) { return wire_table::encode_table(fbb, c); }, command.body));
  const auto token = command.hold_token.empty() ? fb::Offset<fb::String>() : fbb.CreateString(command.hold_token.hex());
  return wire::CreateCommand(fbb, command.key, static_cast<wire::CommandBody>(command_tag(command.body)), body, token);
}

namespace {

// A hold token as the wire carries it: absent, or 32 hex digits.
Result<HoldToken> decode_hold_token(const fb::String* text) {
  if (text == nullptr) return HoldToken{};
  auto token = HoldToken::parse(text->string_view());
  if (!token || token->empty())
    return malformed(cat("hold_token must be ", HoldToken::kHexDigits, " hex digits, not all zero"));
  return *token;
}

}  // namespace

Result<Command> decode_command(const wire::Command* command) {
  if (command == nullptr) return malformed("command is missing");
  auto token = decode_hold_token(command->hold_token());
  if (!token.is_ok()) return token.status();
  auto body = decode_body(command->body_type(), command->body());
  if (!body.is_ok()) return body.status();
  // Built in place in the result: a named Command would be moved once more
  // (a visit over the whole CommandBody variant per command).
  return Command{command->key(), std::move(*body), 0, false, *token};
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
    case ReplyKind::kReminderBatch:
    case ReplyKind::kPrincipal:  // the session attaches the token (IssuedToken)
    case ReplyKind::kPrincipals:
    case ReplyKind::kOrderRecord:
    case ReplyKind::kOrderPage:
    case ReplyKind::kStockSummary:
    case ReplyKind::kCatalogExport:
    case ReplyKind::kContact:
    case ReplyKind::kContactSearch:
    case ReplyKind::kContactCards:
    case ReplyKind::kContactImport:
    case ReplyKind::kContactLists:
    case ReplyKind::kContactFind:
    case ReplyKind::kClientMarks:
    case ReplyKind::kContactActivity:
    case ReplyKind::kReminderFormats:
    case ReplyKind::kReminderRuns:
    case ReplyKind::kRunFile:
    case ReplyKind::kDocumentTemplates:
    case ReplyKind::kPayers:
    case ReplyKind::kInvoices:
    case ReplyKind::kPromo:
    case ReplyKind::kPromoCodes:
    case ReplyKind::kPromoReturns:
    case ReplyKind::kPaymentBatch:
    case ReplyKind::kFrozenPayments:
    case ReplyKind::kPaymentBatches:
    case ReplyKind::kCashbackAccount:
    case ReplyKind::kCashbackUse:
    case ReplyKind::kCashbackReturns:
    case ReplyKind::kSponsorUse:
    case ReplyKind::kPreRegistrations:
    case ReplyKind::kPreRegResults:
    case ReplyKind::kPreRegMatches:
    case ReplyKind::kLeads:
    case ReplyKind::kPerformanceCard:
    case ReplyKind::kDocumentFile:
    case ReplyKind::kAddOnStock:
    case ReplyKind::kDepartureChange:
    case ReplyKind::kTravelBookMails:
      return {};
    case ReplyKind::kOrder:
      return {D::OrderReply, wire::CreateOrderReply(fbb, reply.order.value(), state, reply.due_ms).Union()};
    case ReplyKind::kSeatOrder: {
      const auto runs = fbb.CreateVectorOfStructs(seat_runs(reply));
      return {D::SeatOrderReply,
              wire::CreateSeatOrderReply(fbb, reply.order.value(), state, reply.due_ms, runs).Union()};
    }
    case ReplyKind::kAvailability:
      return {D::AvailabilityReply, wire::CreateAvailabilityReply(fbb, static_cast<uint32_t>(reply.value)).Union()};
    case ReplyKind::kCount:
      return {D::CountReply, wire::CreateCountReply(fbb, static_cast<uint64_t>(reply.value)).Union()};
    case ReplyKind::kReleaseBack:
      return {D::ReleaseBackReply, wire::CreateReleaseBackReply(fbb, reply.value).Union()};
    case ReplyKind::kRunState:
      return {D::RunStateReply, wire::CreateRunStateReply(fbb, static_cast<wire::RunState>(reply.value)).Union()};
  }
  return {};
}

}  // namespace

fb::Offset<wire::Result> encode_reply(fb::FlatBufferBuilder& fbb, const Reply& reply, std::optional<ReplyKind> typed_as,
                                      const HoldToken& hold_token) {
  DetailEncoder::Detail detail;
  if (reply.detail) {
    detail = std::visit(DetailEncoder{fbb}, reply.detail->value);
  } else if (typed_as && reply.ok()) {
    detail = typed_reply(fbb, reply, *typed_as);
  }
  const auto message = reply.message.empty() ? fb::Offset<fb::String>() : fbb.CreateString(reply.message);
  const auto token = hold_token.empty() ? fb::Offset<fb::String>() : fbb.CreateString(hold_token.hex());
  return wire::CreateResult(fbb, static_cast<wire::ResultCode>(reply.code), reply.order.value(),
                            static_cast<wire::OrderState>(reply.state), reply.value, message, detail.first,
                            detail.second, token);
}

Result<ClientReply> decode_reply(const wire::Result* result) {
  if (result == nullptr) return malformed("result is missing");
  const auto code = static_cast<uint8_t>(result->code());
  if (!is_known_result_code(code)) return malformed(cat("unknown result code ", static_cast<int>(code)));
  if (result->state() > wire::OrderState::MAX)
    return malformed(cat("unknown order state ", static_cast<int>(result->state())));
  auto token = decode_hold_token(result->hold_token());
  if (!token.is_ok()) return token.status();
  ClientReply r;
  r.hold_token = *token;
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
    case wire::ResultDetail::NONE:
      return r;
    default:
      break;
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
static_assert(static_cast<int>(wire::Delivery::MAX) == static_cast<int>(Delivery::kReview));
static_assert(static_cast<int>(wire::ReminderField::MAX) + 1 == kReminderFieldCount);
static_assert(static_cast<int>(wire::FormatType::MAX) == static_cast<int>(FormatType::kReminder));
static_assert(static_cast<int>(wire::Audience::MAX) == static_cast<int>(Audience::kThirdParty));
static_assert(static_cast<int>(wire::DocumentKind::MAX) == kDocumentKindLast);
static_assert(static_cast<int>(wire::PaymentMode::MAX) == static_cast<int>(PaymentMode::kThirdParty));
static_assert(static_cast<int>(wire::ValidateOnPayment::MAX) == static_cast<int>(ValidateOnPayment::kNever));
static_assert(static_cast<int>(wire::InvoiceKind::MAX) == static_cast<int>(kInvoiceKindLast));
static_assert(static_cast<int>(wire::CancelledBy::MAX) == static_cast<int>(CancelledBy::kOrganiser));
static_assert(static_cast<int>(wire::PromoState::MAX) == static_cast<int>(PromoState::kRefused));
static_assert(static_cast<int>(wire::BatchKind::MAX) == static_cast<int>(kBatchKindLast));
static_assert(static_cast<int>(wire::WorkflowAction::MAX) == static_cast<int>(kWorkflowActionLast));
static_assert(static_cast<int>(wire::PreRegStatus::MAX) == kPreRegStatusLast);
static_assert(static_cast<int>(wire::MatchMode::MAX) == kMatchModeLast);
static_assert(static_cast<int>(wire::MatchBasis::MAX) == kMatchBasisLast);
static_assert(static_cast<int>(wire::PreRegOutcome::MAX) == kPreRegOutcomeLast);
static_assert(static_cast<int>(wire::IntegrationMethod::MAX) ==
              static_cast<int>(IntegrationMethod::kAuthenticatedBooked));
static_assert(static_cast<int>(wire::IntegrationLevel::MAX) == kIntegrationLevelLast);
static_assert(static_cast<int>(wire::LeadStatus::MAX) == kLeadStatusLast);
static_assert(static_cast<int>(wire::Attendance::MAX) == static_cast<int>(kAttendanceLast));
static_assert(static_cast<int>(wire::TravelBookMode::MAX) == static_cast<int>(kTravelBookModeLast));
// The four back-office detail tables are the first union members, in the
// order of ReplyDetail's first alternatives (protocol v1 clients know only
// these); the others are encoded by name (DetailEncoder). Its enums mirror
// the engine's.
static_assert(std::variant_size_v<decltype(ReplyDetail::value)> == 43);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(wire::ResultDetail::ReminderBatch) - 1,
                                                        decltype(ReplyDetail::value)>,
                             ReminderBatch>);
static_assert(static_cast<int>(wire::Outcome::MAX) == static_cast<int>(Outcome::kSkippedWorkflowFull));
static_assert(static_cast<int>(wire::RunState::MAX) == static_cast<int>(RunState::kCancelled));
static_assert(static_cast<int>(wire::AddressKind::MAX) == engine::kAddressKindLast);
static_assert(static_cast<int>(wire::MinorsEmailTo::MAX) == static_cast<int>(MinorsEmailTo::kBoth));
static_assert(static_cast<int>(wire::ContactLinkKind::MAX) == engine::kContactLinkKindLast);
static_assert(static_cast<int>(wire::ImportOutcome::MAX) == static_cast<int>(engine::ImportOutcome::kRefused));
static_assert(static_cast<int>(wire::FreezeAction::MAX) == engine::kFreezeActionLast);
static_assert(static_cast<int>(wire::ContactListKind::MAX) == engine::kContactListKindLast);
static_assert(static_cast<int>(wire::IbanFilter::MAX) == engine::kIbanFilterLast);
static_assert(static_cast<int>(wire::ContactHistory::MAX) == engine::kContactHistoryLast);

}  // namespace tessera::net
