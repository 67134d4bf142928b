// OrderDesk's travel book and convocations (engine/commands_travel_book.h).
#include <algorithm>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

Reply check_stored_document(const std::string& name, const std::string& sha256, uint64_t size,
                            const std::string& content) {
  if (!content.empty())
    return refuse(ReplyCode::kInvalidArgument,
                  "a document reaches the order by its digest: the server stores its content first");
  if (!is_sha256_hex(sha256))
    return refuse(ReplyCode::kInvalidArgument, "a document's sha256 is 64 lowercase hexadecimal digits");
  if (size == 0 || size > kDocumentBytesMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a document has 1 to ", kDocumentBytesMax, " bytes"));
  if (name.empty() || name.size() > kNameLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a document's name has 1 to ", kNameLengthMax, " bytes"));
  return Reply{};
}

std::vector<TravelBookLine> OrderDesk::travel_books_of(const Order& order, const OrderDossier* d) const {
  std::vector<TravelBookLine> out;
  const PerformanceId departure = departure_of(order);
  for (const DepartureBook& b : travel_books_.departure_books)
    if (b.performance == departure) out.push_back(TravelBookLine{b.name, b.sha256, b.size, true, false, b.attached_ms});
  if (d) out.insert(out.end(), d->own_books.begin(), d->own_books.end());
  return out;
}

namespace {

bool shown(const std::vector<TravelBookLine>& books) {
  return std::any_of(books.begin(), books.end(), [](const TravelBookLine& b) { return !b.withdrawn; });
}

}  // namespace

void OrderDesk::queue_travel_book_mail(Order& o, const std::string& book) {
  const OrderDossier* d = dossier_of(o);
  std::vector<MissingDocument> missing;
  const bool complete = file_complete(o, d, &missing);
  const MoneySums s = sums_of(o);
  TravelBookMail mail;
  mail.shard = book_.table().shard();
  mail.seq = ++travel_books_.last_seq;
  mail.order = book_.table().id_of(book_.table().slot_of(o));
  mail.client = o.contact;
  if (d)
    for (const Participant& p : d->participants)
      if (p.legal_representative != kNone && p.legal_representative != o.contact &&
          std::find(mail.representatives.begin(), mail.representatives.end(), p.legal_representative) ==
              mail.representatives.end())
        mail.representatives.push_back(p.legal_representative);
  mail.book = book;
  mail.available = complete && s.fully_paid();
  for (const MissingDocument& m : missing)
    if (std::find(mail.missing.begin(), mail.missing.end(), m.name) == mail.missing.end())
      mail.missing.push_back(m.name);
  mail.balance_cents = std::max<int64_t>(0, s.balance_cents);
  mail.at_ms = now_ms_;
  travel_books_.outbox.push_back(std::move(mail));
}

void OrderDesk::record_if_room(Order& o, WorkflowAction action, PrincipalId by, WorkflowDetail what, uint64_t arg) {
  if (!OrderBook::workflow_full(o)) book_.record(o, action, by, what, arg);
}

Reply OrderDesk::on(const AttachDepartureBook& c, const Caller& who) {
  if (!stock_.performances().find(c.performance))
    return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  if (Reply bad = check_stored_document(c.name, c.sha256, c.size, c.content); !bad.ok()) return bad;
  const auto books = std::count_if(travel_books_.departure_books.begin(), travel_books_.departure_books.end(),
                                   [&](const DepartureBook& b) { return b.performance == c.performance; });
  if (books >= kDepartureBooksMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("departure ", c.performance, " has ", kDepartureBooksMax, " convocations, the most"));
  // Every live registration of the departure is told: room for all of them first.
  std::vector<uint32_t> told;
  const OrderTable& orders = book_.table();
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    if (o.live() && o.state != OrderState::kHeld && departure_of(o) == c.performance) told.push_back(slot);
  }
  if (travel_books_.outbox.size() + told.size() > kTravelBookOutboxMax)
    return refuse(ReplyCode::kBusy, cat("the travel-book mails waiting on this shard would pass ", kTravelBookOutboxMax,
                                        ": retry once they are sent"));
  travel_books_.departure_books.push_back(
      DepartureBook{c.performance, c.name, c.sha256, c.size, now_ms_, who.principal});
  for (uint32_t slot : told) {
    Order& o = book_.table().at(slot);
    record_if_room(o, WorkflowAction::kTravelBook, who.principal, WorkflowDetail::kTravelBookAttached, 1);
    queue_travel_book_mail(o, c.name);
  }
  Reply r;
  r.value = static_cast<int64_t>(told.size());
  return r;
}

Reply OrderDesk::on(const AttachTravelBook& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  if (Reply bad = check_stored_document(c.name, c.sha256, c.size, c.content); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if (!d || d->travel_book_mode != TravelBookMode::kIndividual)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " is in group mode: its convocation is its ",
                                                "departure's (SetTravelBookMode individual first)"));
  if (d->own_books.size() >= kOrderTravelBooksMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("order ", c.order, " has ", kOrderTravelBooksMax, " convocations, the most"));
  if (travel_books_.outbox.size() >= kTravelBookOutboxMax)
    return refuse(ReplyCode::kBusy, "the travel-book mails waiting on this shard are at their most: retry");
  open_dossier(*o).own_books.push_back(TravelBookLine{c.name, c.sha256, c.size, false, false, now_ms_});
  book_.record(*o, WorkflowAction::kTravelBook, who.principal, WorkflowDetail::kTravelBookAttached, 0);
  queue_travel_book_mail(*o, c.name);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SetTravelBookMode& c, const Caller& who) {
  if (c.mode > kTravelBookModeLast) return refuse(ReplyCode::kInvalidArgument, "the mode is group or individual");
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if ((d ? d->travel_book_mode : TravelBookMode::kGroup) == c.mode) return order_reply(c.order, *o);
  OrderDossier& dd = open_dossier(*o);
  dd.travel_book_mode = c.mode;
  if (c.mode == TravelBookMode::kGroup)  // individual -> group: the individual ones go
    for (TravelBookLine& b : dd.own_books) b.withdrawn = true;
  book_.record(*o, WorkflowAction::kTravelBook, who.principal, WorkflowDetail::kTravelBookModeSet,
               static_cast<uint64_t>(c.mode));
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SendTravelBookMail& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  const std::vector<TravelBookLine> books = travel_books_of(*o, dossier_of(*o));
  auto last = std::find_if(books.rbegin(), books.rend(), [](const TravelBookLine& b) { return !b.withdrawn; });
  if (last == books.rend())
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " has no convocation to send"));
  if (travel_books_.outbox.size() >= kTravelBookOutboxMax)
    return refuse(ReplyCode::kBusy, "the travel-book mails waiting on this shard are at their most: retry");
  queue_travel_book_mail(*o, last->name);
  book_.record(*o, WorkflowAction::kTravelBook, who.principal, WorkflowDetail::kTravelBookMailQueued,
               travel_books_.last_seq);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const GetTravelBookMails& c, const Caller&) const {
  if (c.taken.size() > kShardsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("GetTravelBookMails names at most ", kShardsMax, " shards"));
  const uint32_t shard = book_.table().shard();
  const uint64_t after = shard < c.taken.size() ? c.taken[shard] : 0;
  TravelBookMails out;
  for (const TravelBookMail& m : travel_books_.outbox)
    if (m.seq > after && out.mails.size() < kTravelBookMailsPerReplyMax) out.mails.push_back(m);
  Reply r;
  r.value = static_cast<int64_t>(out.mails.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

Reply OrderDesk::on(const NoteTravelBookMail& c, const Caller& who) {
  auto it = std::find_if(travel_books_.outbox.begin(), travel_books_.outbox.end(),
                         [&](const TravelBookMail& m) { return m.seq == c.seq && m.order == c.order; });
  if (it == travel_books_.outbox.end()) {  // noted already (a retry after a crash): nothing changes
    Reply r;
    r.order = c.order;
    return r;
  }
  travel_books_.outbox.erase(it);
  if (Order* o = find_any(c.order, who))
    record_if_room(*o, WorkflowAction::kEmailSent, who.principal,
                   c.sent ? WorkflowDetail::kTravelBookMailSent : WorkflowDetail::kTravelBookMailFailed, c.seq);
  Reply r;
  r.order = c.order;
  return r;
}

Status OrderDesk::restore_travel_books(TravelBookState state) {
  const uint32_t shard = book_.table().shard();
  uint64_t seq = 0;
  for (const TravelBookMail& m : state.outbox) {
    if (m.shard != shard || m.seq <= seq || m.seq > state.last_seq || m.book.empty())
      return Status::invalid_argument("snapshot has a travel-book mail out of range");
    seq = m.seq;
  }
  for (const DepartureBook& b : state.departure_books)
    if (!check_stored_document(b.name, b.sha256, b.size, {}).ok())
      return Status::invalid_argument("snapshot has a departure convocation out of range");
  travel_books_ = std::move(state);
  return Status::ok();
}

void OrderDesk::fill_travel_book(const Order& order, const OrderDossier* d, OrderRecord* r) const {
  r->travel_book_mode = d ? d->travel_book_mode : TravelBookMode::kGroup;
  r->travel_books = travel_books_of(order, d);
  r->travel_book_attached = shown(r->travel_books);
  r->travel_book_released = r->travel_book_attached && r->fully_paid && r->file_complete;
}

}  // namespace tessera::engine
