// One printer per detail kind; the command decides the words (a selection
// of MarkOrders says "marked keep", of ReleaseOrders "released").
#include "tools/cli/cli_detail_output.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <tuple>

#include "engine/reply_detail.h"
#include "tools/cli/cli_args.h"
#include "tools/cli/cli_time.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

// An id, or a plain number (a file number), "-" when none.
template <typename Id>
std::string id_or_dash(Id id) {
  return id == kNone ? "-" : cat(id);
}

std::string contact_text(ContactId contact, const std::string& name, uint64_t number) {
  if (contact == kNone) return "-";
  if (name.empty()) return cat("contact ", contact);
  return cat(name, " (", number, ")");
}

// "deposit 3, export 1": the batches that froze a payment, "-" if none.
std::string frozen_in(const Payment& p) {
  std::string out;
  for (auto [number, what] : {std::pair{p.deposit, "deposit"}, {p.payout, "payout"}, {p.exported, "export"}})
    if (number != 0) out += cat(out.empty() ? "" : ", ", what, " ", number);
  return out.empty() ? "-" : out;
}

template <typename Id>
std::string named(Id id, const std::string& name) {
  return name.empty() ? id_or_dash(id) : cat(name, " (", id, ")");
}

void print_page(const FollowUpPage& page, const LocalTime& local, std::ostream& out) {
  // The seed's columns; "audience" is its "CAT PUB".
  std::vector<std::vector<std::string>> rows = {{"deadline", "contact", "order", "state", "file", "channel", "product",
                                                 "performance", "category", "audience", "tariff", "contingent",
                                                 "quantity", "mark", "lock", "rank"}};
  for (const FollowUpRow& r : page.rows)
    rows.push_back({when(r.due_ms, local), contact_text(r.contact, r.contact_name, r.contact_number),
                    to_string(r.order), std::string(seed_status_name(r.state)), id_or_dash(r.file_number),
                    named(r.channel, r.channel_name), named(r.product, r.product_name),
                    cat(r.performance, " ", when(r.performance_starts_ms, local)), named(r.category, r.category_name),
                    r.audience == 0           ? std::string("-")
                    : r.audience_name.empty() ? cat(r.audience)
                                              : cat(r.audience_name, " (", r.audience, ")"),
                    named(r.tariff, r.tariff_name), named(r.contingent, r.contingent_name), std::to_string(r.quantity),
                    r.mark == ReleaseMark::kKeep ? "keep" : "release", r.locked ? "locked" : "-",
                    std::to_string(r.reminder_rank)});
  print_table(out, rows);
  out << page.rows.size() << " of " << page.total << " rows\n";
  if (page.more && !page.rows.empty()) {
    const FollowUpRow& last = page.rows.back();
    out << "Not all results are shown (" << page.total << " matching): refine the filters or page on with --after "
        << cursor_text(last.due_ms, last.order, last.line) << '\n';
  }
}

// What kDone means for the command that produced the outcomes.
std::string done_word(const CommandBody& body) {
  if (const auto* m = std::get_if<MarkOrders>(&body))
    return m->mark == ReleaseMark::kKeep ? "marked keep" : "marked release";
  if (const auto* l = std::get_if<LockOrders>(&body)) return l->locked ? "locked" : "unlocked";
  if (std::holds_alternative<RemindOrders>(body)) return "reminded";
  return "released";
}

void print_outcomes(const CommandBody& body, const std::vector<OrderOutcome>& outcomes, std::ostream& out) {
  const std::string done = done_word(body);
  for (const OrderOutcome& o : outcomes) {
    out << o.order << ' ';
    switch (o.outcome) {
      case Outcome::kDone:
        out << done;
        break;
      case Outcome::kSkippedKept:
        out << "skipped: kept";
        break;
      case Outcome::kSkippedLocked:
        out << "skipped: locked";
        break;
      case Outcome::kSkippedState:
        out << "skipped: " << order_state_name(o.state);
        break;
      case Outcome::kNotFound:
        out << "not found";
        break;
      case Outcome::kSkippedWorkflowFull:
        out << "skipped: workflow full";
        break;
    }
    out << '\n';
  }
}

void print_summary(const CommandBody& body, const ReleaseSummary& s, const LocalTime& local, std::ostream& out) {
  const bool preview = std::holds_alternative<PreviewRelease>(body);
  out << (preview ? "would release " : "released ") << s.released << " orders (" << s.units << " units, " << s.seats
      << " seats); skipped: " << s.kept << " kept, " << s.locked << " locked\n";
  if (!s.stock.empty()) {
    std::vector<std::vector<std::string>> rows = {{"performance", "category", "orders", "units", "seats"}};
    for (const ReleasedStock& r : s.stock)
      rows.push_back({to_string(r.performance), to_string(r.category), std::to_string(r.orders),
                      std::to_string(r.units), std::to_string(r.seats)});
    print_table(out, rows);
  }
  if (s.skipped.empty()) return;
  out << (preview ? "would skip:\n" : "skipped:\n");
  std::vector<std::vector<std::string>> rows = {{"order", "reason", "contact", "deadline"}};
  for (const SkippedOrder& o : s.skipped)
    rows.push_back({to_string(o.order), o.reason == SkipReason::kLocked ? "locked" : "marked keep",
                    contact_text(o.contact, o.contact_name, o.contact_number), when(o.due_ms, local)});
  print_table(out, rows);
  if (s.skipped_next != 0)
    out << "More skipped orders: release-preview with the same filters and --skipped-after " << s.skipped_next << '\n';
}

std::string_view delivery_name(Delivery d) {
  return d == Delivery::kEmail ? "email" : d == Delivery::kReview ? "review" : "file";
}

void print_batch(const CommandBody& body, const ReminderBatch& b, const LocalTime& local, std::ostream& out) {
  uint64_t total = 0;  // every item, also past those listed
  for (const RankCount& r : b.rank_counts) total += r.count;
  if (b.rank_counts.empty()) total = b.items.size();
  if (b.run != 0) out << "run " << b.run << " (" << run_state_name(b.state) << "): ";
  out << total << " reminders, format " << named(b.format.format, b.format.name) << ", delivery "
      << delivery_name(b.delivery);
  if (b.delivered + b.failed > 0 || !b.destination.empty())
    out << "; exported " << b.delivered << ", failed " << b.failed << (b.destination.empty() ? "" : " to ")
        << b.destination;
  if (b.run != 0 && !b.validation) out << "; ranks rise on export (no validation)";
  out << '\n';
  if (!b.rank_counts.empty()) {
    out << "by rank:";
    for (const RankCount& r : b.rank_counts) out << ' ' << r.count << " at rank " << r.rank << ';';
    out << '\n';
  }
  if (b.items.size() < total) out << "(the first " << b.items.size() << " are listed)\n";
  if (!b.items.empty()) {
    std::vector<std::vector<std::string>> rows = {{"contact", "payer", "rank", "order", "subscription", "due/ends"}};
    for (const ReminderItem& i : b.items) {
      const std::string name = i.first_name.empty() ? i.last_name : cat(i.last_name, " ", i.first_name);
      rows.push_back({contact_text(i.contact, name, i.contact_number),
                      contact_text(i.payer, i.payer_name, i.payer_number), std::to_string(i.reminder_rank),
                      id_or_dash(i.order), id_or_dash(i.subscription),
                      day_of(i.order != 0 ? i.due_ms : i.ends_ms, local)});
    }
    print_table(out, rows);
  }
  print_outcomes(body, b.outcomes, out);
}

std::string by(PrincipalId principal) { return principal == kSystem ? "system" : cat("principal ", principal); }

std::string_view attendance_name(Attendance a) {
  return a == Attendance::kPresent ? "present" : a == Attendance::kAbsent ? "absent" : "not known";
}

// An amount with its sign: "+12.50", "-7.50".
std::string signed_money(int64_t cents, const LocalTime& local) {
  return cents > 0 ? cat("+", local.money(cents)) : local.money(cents);
}

bool has_add_ons(const OrderRecord& r) {
  return std::any_of(r.participants.begin(), r.participants.end(),
                     [](const ParticipantLine& p) { return !p.add_ons.empty(); });
}

// The order page's travel book: its mode, then the flags "travel book
// attached" (a convocation is shown) and "travel book released" (the client
// can open it: fully paid and the file complete).
std::string travel_book_text(const OrderRecord& r) {
  const std::string mode = r.travel_book_mode == TravelBookMode::kIndividual ? "individual mode" : "group mode";
  if (!r.travel_book_attached) return cat(mode, ", no convocation");
  return r.travel_book_released
             ? cat(mode, ", travel book attached, travel book released")
             : cat(mode, ", travel book attached, not released (until fully paid with a complete file)");
}

// The order page: summary, flags, lines, notes, workflow.
void print_order_record(const OrderRecord& r, const LocalTime& local, std::ostream& out) {
  out << "order " << r.order << "  " << r.status << " (" << order_state_name(r.state) << ")\n";
  if (r.client_litigious) out << "*** CLIENT LITIGIOUS ***\n";
  std::vector<std::vector<std::string>> summary = {
      {"contact", r.client_name.empty() ? id_or_dash(r.contact) : cat(r.client_name, " (", r.contact, ")")},
      {"channel", id_or_dash(r.channel)},
      {"created", cat(when(r.created_ms, local), " by ", by(r.principal))},
  };
  if (r.hold_expires_ms != 0)
    summary.push_back(
        {"hold expires", cat(when(r.hold_expires_ms, local), " (extended ", r.extensions, " of ", r.extensions_max,
                             " times; at most until ", when(r.hold_until_max_ms, local), ")")});
  if (r.deadline_ms != 0)
    summary.push_back(
        {r.kind == BookingKind::kOption ? "option deadline" : "reservation deadline", when(r.deadline_ms, local)});
  if (r.overdue_until_ms != 0) summary.push_back({"archived after", when(r.overdue_until_ms, local)});
  summary.push_back({"release mark", r.mark == ReleaseMark::kKeep ? "keep" : "release"});
  summary.push_back({"lock", r.locked ? "locked" : "-"});
  summary.push_back(
      {"reminders", r.reminder_rank == 0 ? "-" : cat(r.reminder_rank, ", last ", when(r.reminded_ms, local))});
  summary.push_back({"file", id_or_dash(r.file_number)});
  summary.push_back({"total", cat(local.money(static_cast<int64_t>(r.total_cents)), " (", r.quantity, " units)")});
  if (r.cash_discount_cents != 0) summary.push_back({"cash discount", local.money(-r.cash_discount_cents)});
  for (const OrderFeeLine& f : r.fees)
    summary.push_back({cat("fee ", f.name, f.mandatory ? " (mandatory)" : ""),
                       f.quantity == 1
                           ? local.money(f.amount_cents)
                           : cat(f.quantity, " x ", local.money(f.unit_cents), " = ", local.money(f.amount_cents))});
  if (!r.promo_code.empty() || r.promo_pending)
    summary.push_back(
        {"promo code",
         r.promo_pending
             ? "being claimed"
             : cat(r.promo_code, ": ", local.money(-(r.reduction_cents - r.cashback_cents - r.sponsorship_cents)))});
  if (r.cashback_cents != 0 || r.cashback_pending)
    summary.push_back({"cashback", r.cashback_pending ? "being claimed" : local.money(-r.cashback_cents)});
  if (r.sponsor != kNone || r.sponsor_pending)
    summary.push_back({"sponsorship", r.sponsor_pending
                                          ? "sponsor being checked"
                                          : cat("sponsor ", r.sponsor, ": ", local.money(-r.sponsorship_cents),
                                                "; reward ", local.money(r.sponsor_reward_cents),
                                                r.sponsor_rewarded ? " given" : " on validation")});
  summary.push_back({"to pay", local.money(r.to_pay_cents)});
  summary.push_back(
      {"paid", cat(local.money(r.paid_cents), " immediate, ", local.money(r.deferred_cents), " by third-party payers (",
                   local.money(r.awaiting_collection_cents), " awaiting collection)")});
  summary.push_back({"balance", r.balance_cents < 0 ? cat(local.money(-r.balance_cents), " owed to the client")
                                                    : local.money(r.balance_cents)});
  summary.push_back({"payment", r.fully_paid ? "fully paid" : "not fully paid"});
  summary.push_back({"contract", r.contract_signed_ms == 0 ? "-" : cat("signed ", when(r.contract_signed_ms, local))});
  const auto invoice = std::find_if(r.invoices.rbegin(), r.invoices.rend(),
                                    [](const InvoiceRef& i) { return i.kind == InvoiceKind::kInvoice; });
  summary.push_back({"invoiced", r.invoice_pending ? "being numbered"
                                 : !r.invoiced || invoice == r.invoices.rend()
                                     ? "no"
                                     : cat("yes: invoice ", invoice->year, "-", invoice->number)});
  if (r.cancelled_by != CancelledBy::kNobody)
    summary.push_back({"cancelled by", r.cancelled_by == CancelledBy::kClient
                                           ? cat("the client: fee ", local.money(r.cancellation_fee_cents))
                                           : "the organiser"});
  if (!r.invoices.empty()) {
    std::string documents;
    for (const InvoiceRef& i : r.invoices)
      documents += cat(documents.empty() ? "" : ", ", invoice_kind_name(i.kind), " ", i.year, "-", i.number);
    summary.push_back({"documents", documents});
  }
  if (!r.departure_city.empty()) summary.push_back({"departure city", r.departure_city});
  if (r.return_departure != kNone)
    summary.push_back(
        {"return city", cat(r.return_city.empty() ? "?" : r.return_city, " (departure ", r.return_departure,
                            "): ", signed_money(r.return_supplement_cents, local), " per unit")});
  if (r.add_ons_cents != 0 || has_add_ons(r)) summary.push_back({"add-ons", local.money(r.add_ons_cents)});
  summary.push_back({"administrative file",
                     r.file_complete ? "complete" : cat("incomplete: ", r.missing_documents.size(), " missing")});
  if (r.document_alert) summary.push_back({"document alert", "a document the client attached waits for a check"});
  summary.push_back({"travel book", travel_book_text(r)});
  if (!r.client_info.empty()) summary.push_back({"client's information", r.client_info});
  print_table(out, summary);
  out << "\nlines\n";
  std::vector<std::vector<std::string>> lines = {
      {"performance", "category", "tariff", "contingent", "quantity", "unit price", "amount", "seats"}};
  for (const OrderRecordLine& l : r.lines) {
    std::string seats;
    for (const SeatPlace& p : l.seats)
      seats += cat(seats.empty() ? "" : ", ", p.section, " row ", p.row, " no ", p.number);
    lines.push_back({to_string(l.performance), to_string(l.category), to_string(l.tariff), id_or_dash(l.contingent),
                     std::to_string(l.quantity), local.money(l.unit_price_cents),
                     local.money(static_cast<int64_t>(l.amount_cents)), seats.empty() ? "-" : seats});
  }
  print_table(out, lines);
  if (!r.payments.empty()) {
    out << "\npayments\n";
    std::vector<std::vector<std::string>> payments = {{"no", "received", "mode", "amount", "paid by", "for", "payer",
                                                       "label", "bank", "collected", "reason", "frozen in"}};
    for (const Payment& p : r.payments)
      payments.push_back({std::to_string(p.number), when(p.received_ms, local), std::string(payment_mode_name(p.mode)),
                          local.money(p.amount_cents), id_or_dash(p.contact),
                          p.participant == kNone ? "order" : cat("participant ", p.participant), id_or_dash(p.payer),
                          p.label.empty() ? "-" : p.label, p.bank.empty() ? "-" : p.bank,
                          !is_deferred(p.mode)  ? "-"
                          : p.collected_ms == 0 ? "awaiting"
                                                : when(p.collected_ms, local),
                          p.reason.empty() ? "-" : p.reason, frozen_in(p)});
    print_table(out, payments);
  }
  if (!r.participants.empty()) {
    out << "\nparticipants\n";
    std::vector<std::vector<std::string>> rows = {
        {"participant", "legal representative", "line", "share", "paid", "balance", "attendance", "add-ons"}};
    for (const ParticipantLine& p : r.participants) {
      std::string add_ons;
      for (const AddOnLine& a : p.add_ons)
        add_ons += cat(add_ons.empty() ? "" : ", ", a.name, " ", local.money(a.price_cents));
      rows.push_back({to_string(p.contact), to_string(p.legal_representative), std::to_string(p.line),
                      local.money(p.share_cents), local.money(p.paid_cents), local.money(p.balance_cents),
                      cat(attendance_name(p.attendance), p.attendance_set ? "" : " (default)",
                          p.absence_reason.empty() ? "" : cat(": ", p.absence_reason)),
                      add_ons.empty() ? "-" : add_ons});
    }
    print_table(out, rows);
  }
  if (!r.documents.empty()) {
    out << "\ndocuments\n";
    std::vector<std::vector<std::string>> rows = {{"no", "participant", "type", "name", "bytes", "attached", "check"}};
    for (const OrderDocument& d : r.documents)
      rows.push_back({std::to_string(d.number), id_or_dash(d.participant), id_or_dash(d.type), d.name,
                      std::to_string(d.size),
                      cat(when(d.attached_ms, local), d.by_client ? " by the client" : cat(" by ", by(d.attached_by))),
                      !d.reviewed ? (d.by_client ? "to check (alert)" : "to check")
                      : d.checked ? cat("checked ", when(d.checked_ms, local), " by ", by(d.checked_by))
                                  : cat("refused ", when(d.checked_ms, local), " by ", by(d.checked_by))});
    print_table(out, rows);
  }
  if (!r.travel_books.empty()) {
    out << "\nconvocations\n";
    std::vector<std::vector<std::string>> rows = {{"name", "of", "bytes", "attached", "state"}};
    for (const TravelBookLine& b : r.travel_books)
      rows.push_back({b.name, b.group ? "group (the departure's)" : "own (this order's)", std::to_string(b.size),
                      when(b.attached_ms, local), b.withdrawn ? "withdrawn" : "shown"});
    print_table(out, rows);
  }
  if (!r.missing_documents.empty()) {
    out << "\nmissing for a complete file\n";
    std::vector<std::vector<std::string>> rows = {{"participant", "document", "state"}};
    for (const MissingDocument& m : r.missing_documents)
      rows.push_back({m.participant == kNone ? "(not named yet)" : to_string(m.participant), m.name,
                      m.attached ? "attached, not checked" : "not attached"});
    print_table(out, rows);
  }
  if (!r.notes.empty()) {
    out << "\nnotes\n";
    std::vector<std::vector<std::string>> notes = {{"at", "by", "note"}};
    for (const OrderNote& n : r.notes) notes.push_back({when(n.at_ms, local), by(n.principal), n.text});
    print_table(out, notes);
  }
  out << "\nworkflow\n";
  std::vector<std::vector<std::string>> workflow = {{"at", "by", "action", "detail"}};
  for (const WorkflowEntry& e : r.workflow) {
    std::string detail = e.detail;
    if (e.action == WorkflowAction::kStateChanged)
      detail = cat(order_state_name(e.from), " -> ", order_state_name(e.to));
    else if (e.action == WorkflowAction::kCreated)
      detail = cat("as ", order_state_name(e.to));
    workflow.push_back({when(e.at_ms, local), by(e.principal), std::string(workflow_action_name(e.action)), detail});
  }
  print_table(out, workflow);
}

// "Abonné (4)"; the id alone when no list defines it.
std::string list_entry_text(uint32_t id, const std::string& name) {
  return name.empty() ? cat(id) : cat(name, " (", id, ")");
}

// Whole years from `since_ms` to `now_ms` on the calendar of `local`'s zone
// (a year is complete on its anniversary day); 0 when now is before.
int32_t whole_years(int64_t since_ms, int64_t now_ms, const LocalTime& local) {
  const LocalTime::Civil since = local.civil(since_ms), now = local.civil(now_ms);
  const bool before_anniversary = std::tie(now.month, now.day) < std::tie(since.month, since.day);
  return std::max(0, now.year - since.year - (before_anniversary ? 1 : 0));
}

std::string types_text(uint8_t types) {
  static constexpr std::pair<uint8_t, std::string_view> kNames[] = {
      {kContactIndividual, "individual"}, {kContactOrganisation, "organisation"}, {kContactGuide, "guide"},
      {kContactSupplier, "supplier"},     {kContactPartner, "partner"},           {kContactProducer, "producer"},
      {kContactSupport, "support"}};
  std::string out;
  for (const auto& [bit, name] : kNames)
    if (types & bit) out += cat(out.empty() ? "" : ", ", name);
  return out;
}

std::string link_text(const ContactLinkView& l) {
  static constexpr std::string_view kOut[] = {"", "child of", "relay of", "member of", "subsidiary of"};
  static constexpr std::string_view kIn[] = {"", "parent of", "relayed by", "has member", "parent organisation of"};
  const auto k = static_cast<size_t>(l.kind);
  return cat(k < std::size(kOut) ? (l.outgoing ? kOut[k] : kIn[k]) : "?", " ", l.other_name, " (", l.other_number, ")");
}

// "Client since 2021-03-14 (3 years)", or "Prospect" before a first confirmed order.
std::string client_text(int64_t since_ms, const LocalTime& local, int64_t now_ms) {
  if (since_ms == 0) return "Prospect";
  const int32_t years = whole_years(since_ms, now_ms, local);
  return cat("Client since ", day_of(since_ms, local), " (", years, years == 1 ? " year)" : " years)");
}

void print_contact(const ContactCard& c, const LocalTime& local, int64_t now_ms, std::ostream& out) {
  const ContactFields& r = c.record;
  out << (c.deleted ? "deleted contact " : "contact ") << c.contact << "  number " << c.number << "  " << r.civility
      << (r.civility.empty() ? "" : " ") << r.last_name << (r.first_name.empty() ? "" : " ") << r.first_name << '\n';
  if (c.merged_from != kNone) out << "merged contact " << c.merged_from << " into it\n";
  out << client_text(c.client_since_ms, local, now_ms) << '\n';
  std::vector<std::vector<std::string>> rows = {{"types", types_text(r.types)},
                                                {"role", c.links.empty() ? "public" : link_text(c.links[0])}};
  for (size_t i = 1; i < c.links.size(); ++i) rows.push_back({"", link_text(c.links[i])});
  const auto add = [&rows](std::string_view label, const std::string& value) {
    if (!value.empty()) rows.push_back({std::string(label), value});
  };
  if (r.birth_date != 0)
    add("birth date",
        cat(r.birth_date % 100 < 10 ? "0" : "", r.birth_date % 100, ".", r.birth_date / 100 % 100 < 10 ? "0" : "",
            r.birth_date / 100 % 100, ".", r.birth_date / 10000, " (age ", c.age, ")"));
  add("function", r.function);
  add("e-mail", r.email);
  add("mobile", r.mobile);
  add("phone", r.phone);
  add("fax", r.fax);
  add("language", r.language);
  add("web account", r.web_login.empty() ? "" : cat(r.web_login, " (", when(c.web_account_ms, local), ")"));
  static constexpr std::string_view kAddressKinds[] = {"main address", "delivery address", "billing address"};
  for (const ContactAddress& a : r.addresses)
    add(kAddressKinds[std::min<size_t>(static_cast<size_t>(a.kind), 2)],
        cat(a.lines, a.lines.empty() ? "" : ", ", a.country, "-", a.postcode, " ", a.city));
  if (r.audience != 0) add("audience", list_entry_text(r.audience, c.audience_name));
  std::string criteria;
  for (size_t i = 0; i < r.criteria.size(); ++i)
    criteria += cat(criteria.empty() ? "" : ", ",
                    list_entry_text(r.criteria[i], i < c.criteria_names.size() ? c.criteria_names[i] : ""));
  add("criteria", criteria);
  add("IBAN", r.iban);
  add("reference code", r.reference_code);
  add("administrative number", r.admin_number);
  std::string flags;
  if (r.flags & kContactInvalid) flags += "invalid ";
  if (r.flags & kContactAmbassador) flags += "ambassador ";
  if (r.flags & kContactLitigious) flags += "litigious ";
  add("flags", flags);
  add("created", cat(when(c.created_ms, local), " by ", c.created_by));
  add("modified", cat(when(c.modified_ms, local), " by ", c.modified_by));
  print_table(out, rows);
  if (!c.notes.empty()) {
    out << "\nnotes\n";
    std::vector<std::vector<std::string>> notes = {{"at", "by", "note"}};
    for (const ContactNote& n : c.notes) notes.push_back({when(n.at_ms, local), cat(n.by), n.text});
    print_table(out, notes);
  }
}

void print_contact_search(const ContactSearchPage& page, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"number", "name", "first name", "city", "e-mail", "types"}};
  for (const ContactSummary& c : page.rows)
    rows.push_back({cat(c.number), c.last_name, c.first_name, cat(c.country, "-", c.postcode, " ", c.city), c.email,
                    types_text(c.types)});
  print_table(out, rows);
  out << page.rows.size() << " of " << page.total << " contacts\n";
}

// The seed's advanced-search role: public, or the contact's first link from it.
std::string role_text(const ContactFindRow& r) {
  static constexpr std::string_view kRoleLabels[] = {"Public", "Child of", "Relay of", "Member of", "Subsidiary of"};
  if (r.role_kind == 0) return std::string(kRoleLabels[0]);
  const std::string_view role = r.role_kind < std::size(kRoleLabels) ? kRoleLabels[r.role_kind] : "Linked to";
  return cat(role, " ", r.role_of_name.empty() ? cat("contact ", r.role_of) : r.role_of_name);
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

// The advanced search's page: the seed's columns, and whether each is a
// client (since when) or a prospect.
void print_contact_find(const CommandBody& body, const ContactFindPage& page, const LocalTime& local,
                        std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"number", "role", "name", "relay", "city", "address", "client since"}};
  for (const ContactFindRow& r : page.rows)
    rows.push_back({cat(r.number), role_text(r), r.name, r.relay == kNone ? "-" : or_dash(r.relay_name),
                    or_dash(r.city), or_dash(r.address),
                    r.client_since_ms == 0 ? "prospect" : day_of(r.client_since_ms, local)});
  print_table(out, rows);
  out << page.rows.size() << " of " << page.total << " contacts\n";
  const auto* find = std::get_if<FindContacts>(&body);
  const uint64_t next = (find ? find->offset : 0) + page.rows.size();
  if (!page.rows.empty() && next < page.total) out << "More follow: page on with --offset " << next << '\n';
}

// The three lists, each under its title, retired entries marked.
void print_contact_lists(const ContactLists& lists, std::ostream& out) {
  static constexpr std::string_view kTitles[] = {"individual criteria", "organisation criteria", "audience categories"};
  static_assert(std::size(kTitles) == kContactListKindLast + 1, "name the new list");
  for (uint8_t kind = 0; kind <= kContactListKindLast; ++kind) {
    out << (kind == 0 ? "" : "\n") << kTitles[kind] << '\n';
    std::vector<std::vector<std::string>> rows = {{"id", "name"}};
    for (const ContactListEntry& e : lists.entries)
      if (static_cast<uint8_t>(e.list) == kind) rows.push_back({cat(e.id), cat(e.name, e.retired ? " (retired)" : "")});
    if (rows.size() == 1) {
      out << "(none)\n";
    } else {
      print_table(out, rows);
    }
  }
}

// The indicators, then the page of the history asked for.
void print_contact_activity(const ContactActivity& a, const LocalTime& local, std::ostream& out) {
  const auto plural = [](uint64_t n, std::string_view one) { return cat(n, " ", one, n == 1 ? "" : "s"); };
  out << "contact " << a.contact << ": " << plural(a.orders_confirmed, "confirmed order") << ", spent "
      << local.money(static_cast<int64_t>(a.spent_cents)) << ", average basket (PMG) "
      << local.money(static_cast<int64_t>(a.average_basket_cents));
  if (!a.pmg_tier.empty()) out << ", tier " << a.pmg_tier;
  out << '\n';
  out << "attendance: " << a.performances_attended << " attended";
  if (a.last_attended_ms != 0) out << " (last " << when(a.last_attended_ms, local) << ")";
  out << ", " << a.performances_to_attend << " to attend";
  if (a.next_performance_ms != 0) out << " (next " << when(a.next_performance_ms, local) << ")";
  out << '\n';
  std::string channels;
  for (const ChannelUse& u : a.channels)
    channels += cat(channels.empty() ? "" : ", ", "channel ", u.channel, " (", plural(u.orders, "order"), ")");
  out << "channels: " << (channels.empty() ? "-" : channels) << '\n';
  out << "subscriber: ";
  if (a.subscriptions_running == 0) {
    out << "no\n";
  } else {
    out << plural(a.subscriptions_running, "running subscription") << " until " << day_of(a.subscribed_until_ms, local)
        << '\n';
  }
  std::vector<std::vector<std::string>> rows;
  if (a.history == ContactHistory::kCultural) {
    out << "\ncultural history\n";
    rows.push_back({"performance", "starts", "order", "quantity", "amount", "attended"});
    for (const ActivityRow& r : a.rows)
      rows.push_back({cat(r.performance), when(r.at_ms, local), to_string(r.order), cat(r.quantity),
                      local.money(static_cast<int64_t>(r.amount_cents)), r.attended ? "yes" : "to come"});
  } else {
    out << "\nmailings\n";
    rows.push_back({"sent", "order", "subscription", "rank", "by", "what"});
    for (const ActivityRow& r : a.rows)
      rows.push_back({when(r.at_ms, local), id_or_dash(r.order), id_or_dash(r.subscription), cat(r.rank),
                      r.email ? "e-mail" : "letter file", r.detail});
  }
  print_table(out, rows);
  out << a.rows.size() << " of " << a.total << " rows\n";
  if (a.next_before_ms != 0)
    out << "More follow: page on with --before " << a.next_before_ms << ':' << a.next_before_order << ':'
        << a.next_before_item << '\n';
}

void print_stock(const StockSummary& s, std::ostream& out) {
  out << "performance " << s.performance << '\n';
  std::vector<std::vector<std::string>> rows = {
      {"category", "capacity", "free", "blocked", "held", "option", "overdue (OD)", "reservation", "confirmed"}};
  for (const StockRow& r : s.rows)
    rows.push_back({cat(r.category, r.seated ? " (seated)" : ""), cat(r.capacity), cat(r.free), cat(r.blocked),
                    cat(r.held), cat(r.option), cat(r.overdue), cat(r.reservation), cat(r.confirmed)});
  print_table(out, rows);
}

void print_order_page(const OrderPage& page, const LocalTime& local, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"order", "state", "contact", "channel", "created", "deadline", "performance", "quantity", "total"}};
  for (const OrderSummary& o : page.orders)
    rows.push_back({to_string(o.order), std::string(order_state_name(o.state)), id_or_dash(o.contact),
                    id_or_dash(o.channel), when(o.created_ms, local), when(o.deadline_ms, local),
                    id_or_dash(o.performance), std::to_string(o.quantity),
                    local.money(static_cast<int64_t>(o.total_cents))});
  print_table(out, rows);
  out << page.orders.size() << " of " << page.total << " orders\n";
  if (page.next_after != 0) out << "More follow: page on with --after " << page.next_after << '\n';
}

}  // namespace

// Columns on screen: UTF-8 code points, not bytes ("60,00 €", "CAF du Rhône"
// line up). Every character the tables hold (Latin letters with accents,
// the euro sign, no-break spaces) takes one column; nothing wider is
// printed, so no Unicode width table is needed.
namespace {
size_t columns(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], columns(row[i]));
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - columns(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string cursor_text(int64_t due_ms, OrderId order, uint32_t line) { return cat(due_ms, ":", order, ":", line); }

void print_principals(const PrincipalList& list, const LocalTime& local, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"id", "name", "role", "channels", "state", "created"}};
  for (const PrincipalRecord& p : list.principals) {
    std::string channels;
    for (ChannelId c : p.channels) channels += cat(channels.empty() ? "" : ",", c);
    const std::string_view role = p.role == Role::kWebshop      ? "webshop"
                                  : p.role == Role::kBackoffice ? "backoffice"
                                                                : "admin";
    rows.push_back({cat(p.principal), p.name, std::string(role),
                    channels.empty() && p.role == Role::kWebshop ? "any" : channels, p.revoked ? "revoked" : "active",
                    when(p.created_ms, local)});
  }
  print_table(out, rows);
}

void print_formats(const ReminderFormats& list, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"id", "name", "separator", "extension", "title", "fields"}};
  for (const DefineReminderFormat& f : list.formats) {
    std::string fields;
    for (ReminderField c : f.columns) fields += cat(fields.empty() ? "" : ",", reminder_field_option(c));
    rows.push_back({cat(f.format), f.name, f.separator == "\t" ? "tab" : f.separator, f.extension,
                    f.title_in_file_name ? "in file name" : "-", fields});
  }
  print_table(out, rows);
}

// The runs with their progress: "exporting" while an export asked for is not
// recorded yet (or was cut short by a restart: export the run again).
void print_runs(const ReminderRuns& list, const LocalTime& local, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"run", "series", "state", "delivery", "reminders", "delivered", "failed", "started", "progress"}};
  for (const ReminderRunSummary& r : list.runs) {
    const bool exporting = r.export_requested_ms > r.exported_ms;
    const std::string progress = exporting ? "exporting"
                                 : r.exported_ms != 0
                                     ? cat("exported ", when(r.exported_ms, local), " to ", r.destination)
                                 : r.delivery == Delivery::kReview ? "to review"
                                                                   : "-";
    rows.push_back({cat(r.run), named(r.series, r.series_name), std::string(run_state_name(r.state)),
                    std::string(delivery_name(r.delivery)), cat(r.selected), cat(r.delivered), cat(r.failed),
                    when(r.started_ms, local), progress});
  }
  print_table(out, rows);
  out << list.runs.size() << " of " << list.total << " runs";
  if (list.next_before != 0) out << "; next page: run list --before " << list.next_before;
  out << '\n';
}

void print_templates(const DocumentTemplates& list, std::ostream& out) {
  if (list.templates.empty()) {
    out << "no templates: every document uses its built-in text\n";
    return;
  }
  static constexpr std::string_view kNames[] = {"order-reminder", "subscription-reminder", "third-party-reminder"};
  for (const DefineDocumentTemplate& t : list.templates) {
    const auto kind = static_cast<size_t>(t.document);
    out << (kind < std::size(kNames) ? kNames[kind] : "?") << " (" << t.language << ")\nsubject: " << t.subject << "\n"
        << t.body << (t.body.empty() || t.body.back() == '\n' ? "" : "\n") << '\n';
  }
}

void print_payment_batch(const PaymentBatch& b, const LocalTime& local, std::ostream& out) {
  out << batch_kind_name(b.kind) << ' ' << b.number << (b.settled ? "" : " (being settled)") << ": " << b.frozen.size()
      << " payments, " << local.money(b.total_cents);
  if (b.kind == BatchKind::kAccountingExport) out << ", " << b.documents.size() << " documents";
  out << '\n';
  std::vector<std::vector<std::string>> summary = {
      {b.kind == BatchKind::kAccountingExport ? "up to" : "on", when(b.at_ms, local)},
      {"made", cat(when(b.created_ms, local), " by principal ", b.principal)}};
  if (!b.counterpart.empty())
    summary.push_back({b.kind == BatchKind::kChequeDeposit ? "bank" : "beneficiary", b.counterpart});
  if (!b.label.empty()) summary.push_back({"label", b.label});
  if (!b.file.empty()) summary.push_back({"CSV", b.file});
  print_table(out, summary);
  if (!b.frozen.empty()) {
    std::vector<std::vector<std::string>> rows = {
        {"order", "payment", "received", "mode", "amount", "paid by", "label", "bank"}};
    for (const FrozenPayment& p : b.frozen)
      rows.push_back({to_string(p.order), std::to_string(p.payment), when(p.received_ms, local),
                      std::string(payment_mode_name(p.mode)), local.money(p.amount_cents), id_or_dash(p.contact),
                      p.label.empty() ? "-" : p.label, p.bank.empty() ? "-" : p.bank});
    out << '\n';
    print_table(out, rows);
  }
  if (!b.documents.empty()) {
    std::vector<std::vector<std::string>> rows = {{"document", "issued", "order", "total"}};
    for (const ExportedDocument& d : b.documents)
      rows.push_back({cat(invoice_kind_name(d.kind), " ", d.year, "-", d.number), when(d.issued_ms, local),
                      to_string(d.order), local.money(d.total_cents)});
    out << '\n';
    print_table(out, rows);
  }
  if (!b.refused.empty()) {
    out << "\nrefused\n";
    std::vector<std::vector<std::string>> rows = {{"order", "payment", "why"}};
    for (const RefusedPayment& r : b.refused) rows.push_back({to_string(r.order), std::to_string(r.payment), r.reason});
    print_table(out, rows);
  }
}

void print_batches(const PaymentBatches& list, const LocalTime& local, std::ostream& out) {
  if (list.batches.empty()) {
    out << "none\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"number", "on", "counterpart", "label", "payments", "total", "refused", "state"}};
  for (const PaymentBatch& b : list.batches)
    rows.push_back({std::to_string(b.number), when(b.at_ms, local), b.counterpart.empty() ? "-" : b.counterpart,
                    b.label.empty() ? "-" : b.label, std::to_string(b.frozen.size()), local.money(b.total_cents),
                    std::to_string(b.refused.size()), b.settled ? "settled" : "being settled"});
  print_table(out, rows);
  if (list.batches.size() < list.total)
    out << list.batches.size() << " of " << list.total << "; next page: --after " << list.batches.back().number << "\n";
}

void print_payers(const Payers& list, std::ostream& out) {
  if (list.payers.empty()) {
    out << "no third-party payers: add one with `payer add`\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"payer", "name"}};
  for (const DefinePayer& p : list.payers) rows.push_back({to_string(p.payer), p.name});
  print_table(out, rows);
}

void print_promo(const Promo& p, const LocalTime& local, std::ostream& out) {
  const std::string terms = p.percent != 0 ? cat(p.percent, " %") : local.money(p.amount_cents);
  out << "order " << p.claim.order << ": promo code " << p.claim.code
      << (p.state == PromoState::kApplied   ? " applied ("
          : p.state == PromoState::kPending ? " being claimed ("
                                            : " not applied (")
      << terms << " off): reduction " << local.money(p.reduction_cents) << ", to pay " << local.money(p.to_pay_cents)
      << "\n";
}

void print_cashback_use(const CashbackUse& u, const LocalTime& local, std::ostream& out) {
  out << "order " << u.claim.order << ": cashback " << local.money(u.claim.amount_cents)
      << (u.state == PromoState::kApplied   ? " applied"
          : u.state == PromoState::kPending ? " being claimed"
                                            : " not applied")
      << ": reduction " << local.money(u.reduction_cents) << ", to pay " << local.money(u.to_pay_cents) << "\n";
}

void print_sponsor_use(const SponsorUse& u, const LocalTime& local, std::ostream& out) {
  out << "order " << u.claim.order << ": sponsor " << u.claim.sponsor
      << (u.state == PromoState::kApplied   ? " named"
          : u.state == PromoState::kPending ? " being checked"
                                            : " not named")
      << " (" << local.money(u.claim.reduction_cents) << " off, reward " << local.money(u.claim.reward_cents)
      << "): reduction " << local.money(u.reduction_cents) << ", to pay " << local.money(u.to_pay_cents) << "\n";
}

void print_cashback(const CashbackAccount& a, const LocalTime& local, std::ostream& out) {
  print_table(out, {{"contact", to_string(a.contact)},
                    {"balance", local.money(a.balance_cents)},
                    {"credited", local.money(a.credited_cents)},
                    {"held by orders", local.money(a.spent_cents)}});
  if (a.movements.empty()) return;
  std::vector<std::vector<std::string>> rows = {{"when", "amount", "order", "by", "label"}};
  for (const CashbackMovement& m : a.movements)
    rows.push_back({when(m.at_ms, local), local.money(m.amount_cents), id_or_dash(m.order.value()), by(m.principal),
                    m.label.empty() ? "-" : m.label});
  print_table(out, rows);
}

void print_promo_codes(const PromoCodes& list, const LocalTime& local, std::ostream& out) {
  if (list.codes.empty()) {
    out << "no promo codes: add one with `promo add`\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"code", "off", "from", "until", "product", "min. package", "uses", "limit"}};
  for (const PromoCodeUses& c : list.codes) {
    const DefinePromoCode& d = c.definition;
    rows.push_back({d.code, d.percent != 0 ? cat(d.percent, " %") : local.money(d.amount_cents),
                    d.valid_from_ms == 0 ? "-" : when(d.valid_from_ms, local),
                    d.valid_until_ms == 0 ? "-" : when(d.valid_until_ms, local), id_or_dash(d.product),
                    d.min_package_cents == 0 ? "-" : local.money(d.min_package_cents), std::to_string(c.uses),
                    d.max_uses == 0 ? "-" : std::to_string(d.max_uses)});
  }
  print_table(out, rows);
  if (list.codes.size() < list.total)
    out << list.codes.size() << " of " << list.total << " codes; next page: --after "
        << list.codes.back().definition.code << "\n";
}

void print_invoices(const Invoices& list, const LocalTime& local, std::ostream& out) {
  const auto name = [](InvoiceKind kind, uint32_t year, uint32_t number) {
    return cat(invoice_kind_name(kind), " ", year, "-", number);
  };
  if (list.documents.size() == 1) {  // one document: all of it
    const InvoiceDocument& d = list.documents.front();
    std::vector<std::vector<std::string>> summary = {
        {"document", d.number == 0 ? "(being numbered)" : name(d.kind, d.year, d.number)},
        {"order", to_string(d.order)},
        {"issued", when(d.issued_ms, local)},
        {"issued by", by(d.principal)},
        {"client", d.contact == kNone ? "-" : cat(d.contact, " (no ", d.contact_number, ")")}};
    if (!d.billed_to.empty()) {
      std::string one_line = d.billed_to;  // a table row is one line
      for (size_t at = one_line.find('\n'); at != std::string::npos; at = one_line.find('\n', at))
        one_line.replace(at, 1, ", ");
      summary.push_back({"billed to", one_line});
    }
    summary.push_back({"package", local.money(d.package_cents)});
    if (d.cash_discount_cents != 0) summary.push_back({"cash discount", local.money(-d.cash_discount_cents)});
    if (const int64_t promo = d.reduction_cents - d.cashback_cents - d.sponsorship_cents; promo != 0)
      summary.push_back({cat("promo code ", d.promo_code), local.money(-promo)});
    if (d.cashback_cents != 0) summary.push_back({"cashback", local.money(-d.cashback_cents)});
    if (d.sponsorship_cents != 0) summary.push_back({"sponsorship", local.money(-d.sponsorship_cents)});
    summary.push_back({"total", local.money(d.total_cents)});
    summary.push_back({"paid when issued", local.money(d.paid_cents)});
    if (d.kind == InvoiceKind::kCreditNote)
      summary.push_back({"cancels", name(InvoiceKind::kInvoice, d.cancels_year, d.cancels_number)});
    if (!d.reason.empty()) summary.push_back({"reason", d.reason});
    if (!list.file.empty()) summary.push_back({"PDF", list.file});
    print_table(out, summary);
    std::vector<std::vector<std::string>> lines = {{"line", "date", "quantity", "unit price", "amount"}};
    for (const InvoiceLine& l : d.lines)
      lines.push_back({l.label, l.starts_ms == 0 ? "-" : when(l.starts_ms, local), std::to_string(l.quantity),
                       local.money(l.unit_cents), local.money(l.amount_cents)});
    out << '\n';
    print_table(out, lines);
    return;
  }
  if (list.documents.empty()) {
    out << "no documents\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"document", "issued", "order", "client", "total", "cancels", "PDF"}};
  for (size_t i = 0; i < list.documents.size(); ++i) {
    const InvoiceDocument& d = list.documents[i];
    rows.push_back({d.number == 0 ? "(being numbered)" : name(d.kind, d.year, d.number), when(d.issued_ms, local),
                    to_string(d.order), d.contact == kNone ? "-" : std::to_string(d.contact_number),
                    local.money(d.total_cents),
                    d.kind == InvoiceKind::kCreditNote ? cat(d.cancels_year, "-", d.cancels_number) : "-",
                    i < list.files.size() && !list.files[i].empty() ? list.files[i] : "-"});
  }
  print_table(out, rows);
  if (list.total > list.documents.size()) out << list.documents.size() << " of " << list.total << '\n';
}

namespace {

const char* prereg_status_text(PreRegStatus st) {
  switch (st) {
    case PreRegStatus::kPending:
      return "pending";
    case PreRegStatus::kBooked:
      return "booked";
    case PreRegStatus::kFiled:
      return "filed";
    case PreRegStatus::kDeleted:
      return "deleted";
  }
  return "?";
}

std::string match_text(const PreRegRow& r) {
  if (r.status == PreRegStatus::kPending && r.match_mode == MatchMode::kNoContact) return "nobody (by hand)";
  const PreRegMatch& m = r.match;
  if (m.contact == kNone) return m.candidates > 1 ? cat("ambiguous: ", m.candidates, " contacts") : "-";
  static constexpr const char* kBasis[] = {
      "-", "by hand", "client number", "e-mail and name", "name and birth date", "e-mail only", "name and postcode"};
  return cat(contact_text(m.contact, m.name, m.number), ", ", kBasis[static_cast<size_t>(m.basis)], " ", m.confidence,
             "%");
}

std::string lines_text(const std::vector<LineRequest>& lines) {
  std::string out;
  for (const LineRequest& l : lines)
    out += cat(out.empty() ? "" : ", ", l.quantity, " x perf ", l.performance, " cat ", l.category);
  return out;
}

std::string requester_text(const Requester& q) {
  std::string out = q.first_name.empty() ? q.last_name : cat(q.last_name, " ", q.first_name);
  if (!q.email.empty()) out += cat(" <", q.email, ">");
  if (q.authenticated) out += cat(" [client ", q.contact_number, "]");
  return out;
}

}  // namespace

void print_prereg_page(const PreRegPage& page, const LocalTime& local, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"id", "status", "submitted", "reference", "requester", "asks for", "held by", "match"}};
  for (const PreRegRow& r : page.rows) {
    std::string held;
    for (OrderId o : r.orders) held += cat(held.empty() ? "" : " ", o);
    if (!r.missing_shards.empty()) held += " (parts missing)";
    std::string status = prereg_status_text(r.status);
    if (r.status == PreRegStatus::kBooked) status += cat(" ", r.booked);
    if (r.status == PreRegStatus::kFiled) status += cat(" lead ", r.lead);
    rows.push_back({cat(r.id), status, when(r.submitted_ms, local), r.reference, requester_text(r.requester),
                    lines_text(r.lines), held.empty() ? "-" : held, match_text(r)});
  }
  if (!page.rows.empty()) print_table(out, rows);
  out << page.rows.size() << " of " << page.total << " pre-registrations\n";
  if (page.next_after != 0) out << "More follow: page on with --after " << page.next_after << '\n';
}

void print_prereg_results(const PreRegResults& results, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"id", "outcome", "order", "lead", "contact", "detail"}};
  static constexpr const char* kOutcomes[] = {"done", "booked", "filed", "refused", "not found", "wrong status"};
  for (const PreRegResult& r : results.results)
    rows.push_back({cat(r.id), kOutcomes[static_cast<size_t>(r.outcome)],
                    r.order == OrderId{0}
                        ? "-"
                        : cat(r.order, r.outcome == PreRegOutcome::kBooked ? cat(" (", order_state_name(r.state), ")")
                                                                           : std::string()),
                    id_or_dash(r.lead), id_or_dash(r.contact), r.reason.empty() ? "-" : r.reason});
  print_table(out, rows);
  if (!results.report.empty()) out << "Report: " << results.report << '\n';
  if (!results.report_error.empty()) out << "Report not written: " << results.report_error << '\n';
  for (const std::string& to : results.mailed) out << "Informed by e-mail: " << to << '\n';
  for (const std::string& why : results.not_mailed) out << "Not informed: " << why << '\n';
}

void print_performance(const PerformanceCard& p, const LocalTime& local, std::ostream& out) {
  print_table(
      out, {{"performance", "product", "starts", "capacity", "contact limit", "responsible", "assistant"},
            {cat(p.performance), cat(p.product), when(p.starts_at_ms, local), p.capacity == 0 ? "-" : cat(p.capacity),
             p.contact_limit == 0 ? "-" : cat(p.contact_limit), id_or_dash(p.responsible), id_or_dash(p.assistant)}});
}

void print_add_on_stock(const AddOnStock& s, const LocalTime& local, std::ostream& out) {
  out << "departure " << s.performance << '\n';
  std::vector<std::vector<std::string>> rows = {{"add-on", "name", "price", "capacity", "selected", "free"}};
  for (const AddOnStockRow& r : s.rows)
    rows.push_back({cat(r.addon), r.name, local.money(r.price_cents), cat(r.capacity), cat(r.selected),
                    cat(r.capacity > r.selected ? r.capacity - r.selected : 0)});
  if (!s.rows.empty()) print_table(out, rows);
  out << s.rows.size() << " add-ons\n";
}

void print_departure_change(const DepartureChange& c, const LocalTime& local, std::ostream& out) {
  out << "order " << c.order << " moved from departure " << c.from << " to departure " << c.to << '\n';
  if (c.dropped.empty()) {
    out << "every add-on followed\n";
    return;
  }
  out << "add-ons dropped (no room on the new departure):\n";
  std::vector<std::vector<std::string>> rows = {{"participant", "add-on", "name", "price"}};
  for (const AddOnLine& a : c.dropped)
    rows.push_back({to_string(a.participant), cat(a.addon), a.name, local.money(a.price_cents)});
  print_table(out, rows);
}

void print_lead_page(const LeadPage& page, const LocalTime& local, std::ostream& out) {
  static constexpr const char* kStatus[] = {"open", "won", "lost"};
  std::vector<std::vector<std::string>> rows = {
      {"lead", "status", "created", "contact", "requester", "sessions", "sales rep", "sector", "options kept"}};
  for (const LeadRow& r : page.rows) {
    std::string kept;
    for (OrderId o : r.kept_options) kept += cat(kept.empty() ? "" : " ", o);
    rows.push_back({cat(r.id), kStatus[static_cast<size_t>(r.status)], when(r.created_ms, local), id_or_dash(r.contact),
                    requester_text(r.requester), lines_text(r.lines), id_or_dash(r.sales_rep),
                    r.sector.empty() ? "-" : r.sector, kept.empty() ? "-" : kept});
  }
  if (!page.rows.empty()) print_table(out, rows);
  out << page.rows.size() << " of " << page.total << " leads\n";
  if (page.next_after != 0) out << "More follow: page on with --after " << page.next_after << '\n';
}

void print_completion_lines(const Reply& reply, std::ostream& out) {
  const auto* page = std::get_if<ContactSearchPage>(&reply.detail->value);
  if (page == nullptr) return;
  for (const ContactSummary& c : page->rows) out << c.line << '\n';
  if (page->total > page->rows.size()) out << "... " << page->total << " in all\n";
}

void print_detail(const Command& command, const Reply& reply, const LocalTime& local, int64_t now_ms,
                  std::ostream& out) {
  assert(reply.detail);
  if (std::holds_alternative<RenderOrderPdf>(command.body)) {  // the file written, not the page it shows
    out << reply.message << '\n';
    return;
  }
  std::visit(
      [&](const auto& d) {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, FollowUpPage>) print_page(d, local, out);
        if constexpr (std::is_same_v<D, BulkOutcomes>) print_outcomes(command.body, d.orders, out);
        if constexpr (std::is_same_v<D, ReleaseSummary>) print_summary(command.body, d, local, out);
        if constexpr (std::is_same_v<D, ReminderBatch>) print_batch(command.body, d, local, out);
        if constexpr (std::is_same_v<D, PrincipalList>) print_principals(d, local, out);
        if constexpr (std::is_same_v<D, ReminderFormats>) print_formats(d, out);
        if constexpr (std::is_same_v<D, ReminderRuns>) print_runs(d, local, out);
        if constexpr (std::is_same_v<D, DocumentTemplates>) print_templates(d, out);
        if constexpr (std::is_same_v<D, Payers>) print_payers(d, out);
        if constexpr (std::is_same_v<D, Invoices>) print_invoices(d, local, out);
        if constexpr (std::is_same_v<D, Promo>) print_promo(d, local, out);
        if constexpr (std::is_same_v<D, PromoCodes>) print_promo_codes(d, local, out);
        if constexpr (std::is_same_v<D, CashbackUse>) print_cashback_use(d, local, out);
        if constexpr (std::is_same_v<D, SponsorUse>) print_sponsor_use(d, local, out);
        if constexpr (std::is_same_v<D, PreRegPage>) print_prereg_page(d, local, out);
        if constexpr (std::is_same_v<D, PreRegResults>) print_prereg_results(d, out);
        if constexpr (std::is_same_v<D, LeadPage>) print_lead_page(d, local, out);
        if constexpr (std::is_same_v<D, CashbackAccount>) print_cashback(d, local, out);
        if constexpr (std::is_same_v<D, PaymentBatch>) print_payment_batch(d, local, out);
        if constexpr (std::is_same_v<D, PaymentBatches>) print_batches(d, local, out);
        if constexpr (std::is_same_v<D, OrderRecord>) print_order_record(d, local, out);
        if constexpr (std::is_same_v<D, OrderPage>) print_order_page(d, local, out);
        if constexpr (std::is_same_v<D, StockSummary>) print_stock(d, out);
        if constexpr (std::is_same_v<D, PerformanceCard>) print_performance(d, local, out);
        if constexpr (std::is_same_v<D, AddOnStock>) print_add_on_stock(d, local, out);
        if constexpr (std::is_same_v<D, DepartureChange>) print_departure_change(d, local, out);
        if constexpr (std::is_same_v<D, ContactCard>) print_contact(d, local, now_ms, out);
        if constexpr (std::is_same_v<D, ContactSearchPage>) print_contact_search(d, out);
        if constexpr (std::is_same_v<D, ContactFindPage>) print_contact_find(command.body, d, local, out);
        if constexpr (std::is_same_v<D, ContactLists>) print_contact_lists(d, out);
        if constexpr (std::is_same_v<D, ContactActivity>) print_contact_activity(d, local, out);
        if constexpr (std::is_same_v<D, IssuedToken>)
          out << "principal " << d.principal << "\ntoken " << d.token << "\n(shown this once: keep it safe)\n";
      },
      reply.detail->value);
}

}  // namespace tessera::tools
