// Writes the seed corpus of the fuzz targets with the real encoders
// (net/messages.h), so every seed is a frame a client could send:
//   <dir>/client_frame/  one Request per scenario of one_of_each (the
//                        commands a kind needs first: an order to confirm,
//                        a series to subscribe to...; a later scenario may
//                        send several kinds), together every command kind of
//                        the registry; a Hello, an Admin, and requests of the
//                        randomised workload;
//   <dir>/frame_reader/  byte streams of such frames behind the target's two
//                        set-up bytes (frame size limit, chunking seed).
// Every request is run on a FuzzShard as the fuzz target runs it, so the
// order ids it names are the ones the target's shard assigns.
// Usage: fuzz_corpus_generator tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/command_registry.h"
#include "net/frame.h"
#include "net/messages.h"
#include "tests/fuzz/fuzz_shard.h"
#include "workload/demo_venue.h"
#include "workload/random_workload.h"

namespace {

using namespace tessera;
using namespace tessera::engine;
using fuzz::FuzzShard;
using fuzz::kFuzzStartMs;
using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

constexpr uint64_t kRequestId = 1;  // the target's clock starts at kFuzzStartMs + request id
constexpr int64_t kNow = kFuzzStartMs + kRequestId;
constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr PerformanceId kGa = 1000, kGaOverdue = 2000, kSeated = 1500;

std::string payload_of(const net::OutFrame& frame) {
  return std::string(reinterpret_cast<const char*>(frame.body.data()), frame.body.size());
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

LineRequest line(PerformanceId p, CategoryId c, uint32_t n, ContingentId k = kNone) {
  LineRequest l = workload::demo_line(p, p.value() / 1000, c, n);
  l.contingent = k;
  return l;
}

// A request built step by step: each command is run on the shard the target
// will rebuild, so later commands can name the orders earlier ones created.
class RequestBuilder {
 public:
  Reply add(CommandBody body, RequestKey key = 0) {
    Command c{key, std::move(body)};
    const Reply r = shard_.run(c);
    commands_.push_back(std::move(c));
    replies_.push_back(r);
    return r;
  }
  const std::vector<Command>& commands() const { return commands_; }
  const Reply& last() const { return replies_.back(); }

 private:
  FuzzShard shard_{kNow};
  std::vector<Command> commands_;
  std::vector<Reply> replies_;
};

OrderId hold(RequestBuilder& b) { return b.add(Hold{7, kWeb, {line(kGa, 1, 2)}, 600'000}).order; }
OrderId option(RequestBuilder& b) {
  return b.add(Book{BookingKind::kOption, 7, kBoxOffice, {line(kGaOverdue, 2, 3)}, kNow + 7 * kDay}).order;
}
FollowUpFilter options_filter() {
  FollowUpFilter f;
  f.kind = BookingKind::kOption;
  f.due_until_ms = kNow + 30 * kDay;
  f.season = 1;
  f.family = 1;
  return f;
}
void subscriptions_set_up(RequestBuilder& b) {
  b.add(DefineContact{42, 100000002951, "DUPONT", "Anne", "anne@example.org", kContactIndividual});
  b.add(DefineContact{43, 100000002952, "DURAND", "Paul", "paul@example.org", kContactPartner});
  b.add(DefineReminderFormat{3,
                             "Relance",
                             FormatType::kReminder,
                             ";",
                             "csv",
                             true,
                             {ReminderField::kContactNumber, ReminderField::kLastName, ReminderField::kQuantity}});
  b.add(DefineSeries{5, "Revue"});
  b.add(DefineIssue{5, 12, kNow + 30 * kDay, "Numéro 12"});
  b.add(Subscribe{900, 5, 42, 43, kNow + 20 * kDay});
}
void run_started(RequestBuilder& b) {
  subscriptions_set_up(b);
  b.add(StartReminderRun{7, 5, {12}, Audience::kDirect, 3, Delivery::kFile});
}

// One request per scenario; together they send every command kind.
ContactFields fuzz_contact() {
  ContactFields f;
  f.types = kContactIndividual;
  f.civility = "Mme";
  f.last_name = "DUPONT";
  f.first_name = "Céline";
  f.email = "celine@example.org";
  f.addresses = {ContactAddress{AddressKind::kMain, "1 rue", "75012", "PARIS", "", "", "FR"}};
  return f;
}

std::vector<std::function<void(RequestBuilder&)>> one_of_each() {
  const SeatRequest named{kSeated, 1, workload::demo_tariff(1, 1), 0, 2, {10, 11}, 0};
  const SeatRequest best{kSeated, 2, workload::demo_tariff(1, 1), 0, 3, {}, kSeatOptionAllowSplit};
  return {
      [](RequestBuilder& b) {
        b.add(DefineSeason{2, "Saison 2"});
      },
      [](RequestBuilder& b) {
        b.add(DefineProductFamily{2, "Famille 2"});
      },
      [](RequestBuilder& b) {
        b.add(DefineProduct{7, 1, 1, "Produit", ExpiryPolicy::kOverdueThenArchive, 86'400'000, 600'000, 5});
      },
      [](RequestBuilder& b) {
        b.add(DefineChannel{4, "Kiosque"});
      },
      [](RequestBuilder& b) {
        b.add(DefineCategory{5, "Strapontin"});
      },
      [](RequestBuilder& b) {
        b.add(DefineTariff{19, 1, "Jeune"});
      },
      [](RequestBuilder& b) {
        b.add(SetTariffPrice{11, 1, kWeb, 1234});
      },
      [](RequestBuilder& b) {
        b.add(SetChannelExpiryPolicy{1, kWeb, ExpiryPolicy::kOverdueThenArchive, kDay});
      },
      [](RequestBuilder& b) {
        b.add(DefinePerformance{1001, 1, kNow + 60 * kDay, 500, 6});
      },
      [](RequestBuilder& b) {
        b.add(DefinePerformance{1001, 1, kNow + 60 * kDay, 500, 6});
        b.add(SetGeneralAdmission{1001, 1, 250});
      },
      [](RequestBuilder& b) {
        b.add(DefineContingent{10009, kGa, 1, 5, {kPartner}});
      },
      [](RequestBuilder& b) {
        b.add(SetChannelCap{kGa, kPartner, 10});
      },
      [](RequestBuilder& b) {
        b.add(Hold{42, kPartner, {line(kGa, 1, 2), line(kGa, 1, 1, workload::demo_partner_contingent(kGa))}, 60'000});
      },
      [](RequestBuilder& b) {
        b.add(Book{BookingKind::kReservation, 42, kBoxOffice, {line(kGa, 2, 3)}, kNow + 3 * kDay});
      },
      [](RequestBuilder& b) {
        b.add(ExtendHold{hold(b), 300'000});
      },
      [](RequestBuilder& b) {
        b.add(ConvertHold{hold(b), BookingKind::kOption, kNow + 2 * kDay});
      },
      [](RequestBuilder& b) {
        b.add(Confirm{option(b), {}});
      },
      [](RequestBuilder& b) { b.add(Release{hold(b)}); },
      [](RequestBuilder& b) {
        const OrderId o = option(b);
        b.add(Confirm{o, {}});
        b.add(Cancel{o});
      },
      [](RequestBuilder& b) { b.add(Archive{option(b)}); },
      [](RequestBuilder& b) {
        const OrderId o = option(b);       // product 2: overdue for a day after its deadline
        b.add(Advance{7 * 24 * 60 + 60});  // 7 days and an hour later: overdue
        b.add(Reinstate{o, kNow + 10 * kDay});
      },
      [](RequestBuilder& b) {
        b.add(SetReleaseMark{option(b), ReleaseMark::kKeep});
      },
      [](RequestBuilder& b) {
        b.add(SetLock{option(b), true});
      },
      [](RequestBuilder& b) { b.add(Advance{77}); },  // refused to every connection
      [](RequestBuilder& b) {
        b.add(GetAvailability{kGa, 1, kNone, kWeb, 42});
      },
      [](RequestBuilder& b) { b.add(GetOrder{hold(b)}); },
      [](RequestBuilder& b) {
        b.add(DefineVenueLayout{8,
                                "Petite salle",
                                {1, 2},
                                {LayoutSection{"Orchestre",
                                               {LayoutRow{1,
                                                          101,
                                                          {LayoutSeat{0, kSeatWheelchair, 1},
                                                           LayoutSeat{0, kSeatCompanion, 2}, LayoutSeat{0, 0, 3}}},
                                                LayoutRow{2, 1, {LayoutSeat{1, 0, 9}, LayoutSeat{1, 0, 10}}}}}}});
      },
      [](RequestBuilder& b) {
        b.add(DefinePerformance{1501, 1, kNow + 60 * kDay, 0, 0});
        b.add(AssignLayout{1501, workload::kRandomLayout});
      },
      [named](RequestBuilder& b) {
        b.add(HoldSeats{42, kWeb, named, 60'000});
      },
      [best](RequestBuilder& b) {
        b.add(BookSeats{BookingKind::kOption, 42, kBoxOffice, best, kNow + 2 * kDay});
      },
      [](RequestBuilder& b) {
        b.add(BlockSeats{kSeated, {20, 21, 22}});
      },
      [](RequestBuilder& b) {
        b.add(BlockSeats{kSeated, {20, 21, 22}});
        b.add(UnblockSeats{kSeated, {21}});
      },
      [](RequestBuilder& b) {
        b.add(MoveSeatsToContingent{kSeated, 15005, {12, 13}});
      },
      [](RequestBuilder& b) {
        b.add(DefineSubContingent{15007, kSeated, 15005, 2, {kPartner}});
      },
      [](RequestBuilder& b) {
        b.add(SetContingentReleaseBack{kSeated, 15005, kNow + 10 * kDay});
      },
      [](RequestBuilder& b) {
        b.add(DefineContact{42, 100000002951, "DUPONT", "Anne", "anne@example.org",
                            kContactIndividual | kContactPartner});
      },
      [](RequestBuilder& b) {
        b.add(DefineContact{42, 100000002951, "DUPONT", "Anne", "anne@example.org", kContactIndividual});
        b.add(UpdateContact{42, 100000002952, "DURAND", "", "", kContactOrganisation});
      },
      [](RequestBuilder& b) {
        b.add(SetOrderFile{option(b), 7700});
      },
      [](RequestBuilder& b) {
        option(b);
        b.add(QueryFollowUp{options_filter(), FollowUpCursor{}, 50});
      },
      [](RequestBuilder& b) {
        option(b);
        b.add(PreviewRelease{options_filter()});
      },
      [](RequestBuilder& b) {
        option(b);
        b.add(ReleaseAll{options_filter()});
      },
      [](RequestBuilder& b) {
        b.add(MarkOrders{{option(b), option(b)}, ReleaseMark::kKeep});
      },
      [](RequestBuilder& b) {
        b.add(LockOrders{{option(b)}, true});
      },
      [](RequestBuilder& b) {
        b.add(ReleaseOrders{{option(b), hold(b)}});
      },
      [](RequestBuilder& b) {
        b.add(DefineContact{7, 100000000007, "MARTIN", "Luc", "luc@example.org", kContactIndividual});
        b.add(DefineReminderFormat{1, "Rappel", FormatType::kReminder, ";", "csv", false, {ReminderField::kLastName}});
        b.add(RemindOrders{{option(b)}, 1, Delivery::kFile});
        b.add(RecordOrderReminders{{option(b)}, 1, Delivery::kFile});
      },
      [](RequestBuilder& b) {
        b.add(DefineReminderFormat{3,
                                   "Relance",
                                   FormatType::kReminder,
                                   ";",
                                   "csv",
                                   true,
                                   {ReminderField::kContactNumber, ReminderField::kLastName}});
      },
      [](RequestBuilder& b) {
        b.add(DefineSeries{5, "Revue"});
      },
      [](RequestBuilder& b) {
        b.add(DefineSeries{5, "Revue"});
        b.add(DefineIssue{5, 12, kNow + 30 * kDay, "Numéro 12"});
      },
      [](RequestBuilder& b) { subscriptions_set_up(b); },
      [](RequestBuilder& b) {
        subscriptions_set_up(b);
        b.add(RenewSubscription{900, kNow + 400 * kDay});
      },
      [](RequestBuilder& b) { run_started(b); },
      [](RequestBuilder& b) {
        run_started(b);
        b.add(RecordRunExport{7, 1, 0, "/var/tessera/reminders/run7.csv"});
      },
      [](RequestBuilder& b) {
        run_started(b);
        b.add(ValidateReminderRun{7});
      },
      [](RequestBuilder& b) {
        run_started(b);
        b.add(CancelReminderRun{7});
      },
      [](RequestBuilder& b) {
        run_started(b);
        b.add(GetReminderRun{7});
      },
      [named](RequestBuilder& b) {
        b.add(HoldSeatsWithLines{42, kWeb, named, {line(kGa, 1, 1)}, 60'000});
      },
      [best](RequestBuilder& b) {
        b.add(BookSeatsWithLines{BookingKind::kReservation, 42, kBoxOffice, best, {line(kGa, 1, 1)}, kNow + 2 * kDay});
      },
      // Principals (the server fills in token_hash; the fuzz shard sees what a client sends).
      [](RequestBuilder& b) {
        b.add(DefinePrincipal{"shop-fuzz", Role::kWebshop, {kWeb}, std::string(64, 'a')});
      },
      [](RequestBuilder& b) {
        b.add(DefinePrincipal{"office-fuzz", Role::kBackoffice, {}, std::string(64, 'b')});
        b.add(RevokePrincipal{1});
      },
      [](RequestBuilder& b) {
        b.add(DefinePrincipal{"admin-fuzz", Role::kAdmin, {}, std::string(64, 'c')});
        b.add(ListPrincipals{});
      },
      // The order page.
      [named](RequestBuilder& b) {
        const OrderId seated = b.add(BookSeats{BookingKind::kOption, 42, kBoxOffice, named, kNow + 2 * kDay}).order;
        b.add(GetOrderRecord{seated});
      },
      [](RequestBuilder& b) {
        b.add(AddOrderNote{option(b), "Rappelée le 3, attend le virement"});
      },
      [](RequestBuilder& b) {
        b.add(SetOrderInfo{hold(b), "Place à l'avant du bus, svp"});
      },
      [](RequestBuilder& b) {
        option(b);
        hold(b);
        b.add(ListOrders{7, kGa, 0, 0, 20});
      },
      [named](RequestBuilder& b) {
        option(b);
        b.add(HoldSeats{42, kWeb, named, 60'000});
        b.add(GetStockSummary{kSeated});
      },
      [](RequestBuilder& b) {
        b.add(SetOptionLifetime{1, kNone, BookingKind::kOption, 7 * kDay});
      },
      [](RequestBuilder& b) {
        const OrderId gone = hold(b);
        b.add(Release{gone});
        b.add(PurgeOrderHistory{gone, kNone});
      },
      [](RequestBuilder& b) { b.add(ExportCatalog{}); },
      // The contact directory's commands, one seed each.
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 7611, fuzz_contact(), true, kNone, false});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        ContactFields changed = fuzz_contact();
        changed.last_name = "DUPONT-ROUGIER";
        b.add(ChangeContact{1, changed});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(LinkContacts{2, 1, ContactLinkKind::kChildOf, false});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(AddContactNote{1, "Préfère le balcon"});
      },
      [](RequestBuilder& b) {
        b.add(GetContact{kNone, 7611});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(SearchContacts{"*pont*", 0, 20, true});
        b.add(SearchContacts{"Dupont, c", 0, 5, false});
      },
      [](RequestBuilder& b) {
        b.add(SetContactProfile{1, 7611, kContactIndividual, 1});
      },
      [](RequestBuilder& b) {
        b.add(GetContactCards{{1, 2}});
      },
      [](RequestBuilder& b) {
        ContactImportRow created{2, 7611, fuzz_contact()};
        ContactImportRow unnumbered{3, 0, fuzz_contact()};
        unnumbered.record.email = "autre@example.org";
        b.add(ImportContacts{kColumnCivility | kColumnLastName | kColumnFirstName | kColumnEmail | kColumnPostcode |
                                 kColumnCity | kColumnCountry | kColumnTypes,
                             {created, unnumbered}});
      },
      [](RequestBuilder& b) {
        b.add(SetContactProfiles{{SetContactProfile{1, 7611, kContactIndividual, 1}}});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(DeleteContact{1});
        b.add(DeleteContact{1});
      },
      [](RequestBuilder& b) {
        b.add(FreezeContact{1, FreezeAction::kFreeze});
        b.add(FreezeContact{1, FreezeAction::kThaw});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(MergeContacts{1, 2});
      },
      [](RequestBuilder& b) {
        b.add(DefineContactListEntry{ContactListKind::kAudience, 3, "Jeune public", false});
      },
      [](RequestBuilder& b) {
        b.add(DefineContactListEntry{ContactListKind::kIndividualCriterion, 4, "Abonné", false});
        b.add(DefineContactListEntry{ContactListKind::kIndividualCriterion, 5, "Ancien abonné", true});
        b.add(GetContactLists{true});
      },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        FindContacts by_place;
        by_place.name = "*pont";
        by_place.postcode = "750";
        by_place.with_prospects = false;
        b.add(by_place);
        FindContacts by_link;
        by_link.types = kContactIndividual;
        by_link.email = "celine@";
        by_link.link_kind = ContactLinkKind::kChildOf;
        by_link.linked_to = 1;
        by_link.limit = 5;
        b.add(by_link);
      },
      [](RequestBuilder& b) { b.add(GetClientMarks{{0}}); },
      [](RequestBuilder& b) {
        b.add(CreateContact{kNone, 0, fuzz_contact(), false, kNone, false});
        b.add(NoteContactClients{{ClientMark{0, 1, 1, kNow}}});
      },
      [](RequestBuilder& b) {
        b.add(GetContactActivity{1, ContactHistory::kCultural, 0, 0, 0, 0});
        b.add(GetContactActivity{1, ContactHistory::kMailings, kNow, 5, 2, 10});
      },
      [](RequestBuilder& b) {
        b.add(SetOrderRetention{86'400'000});
        b.add(SetOrderRetention{0});
      },
      [](RequestBuilder& b) {
        b.add(DefineProductType{3, "Jeune public"});
        b.add(DefineProductType{0, "réservé"});
      },
      [](RequestBuilder& b) {
        b.add(ListReminderFormats{});
        b.add(DeleteReminderFormat{1});
        b.add(DeleteReminderFormat{0});
      },
      [](RequestBuilder& b) {
        b.add(StartReminderRun{8, 5, {}, Audience::kDirect, 3, Delivery::kReview, kNow - 86'400'000, kNow, false});
        b.add(ExportReminderRun{8, Delivery::kFile});
        b.add(ExportReminderRun{8, Delivery::kReview});
        b.add(ListReminderRuns{0, 0});
        b.add(ListReminderRuns{5, 8});
        b.add(ReadRunFile{8, 0});
        b.add(ReadRunFile{8, ~uint64_t{0}});
        b.add(DefineDocumentTemplate{DocumentKind::kOrderReminder, "fr", "Rappel {count}", "Bonjour {name},\n{items}"});
        b.add(DefineDocumentTemplate{DocumentKind::kOrderReminder, "fr", "x", "{unknown}"});
        b.add(DefineDocumentTemplate{DocumentKind::kSubscriptionReminder, "fr", "", "", true});
        b.add(ListDocumentTemplates{});
      },
      [](RequestBuilder& b) {
        b.add(DefinePayer{3, "CAF du Rhône"});
        b.add(DefinePayer{0, ""});
        b.add(SetValidationRule{kNone, ValidateOnPayment::kDeposit, 30, true});
        b.add(SetValidationRule{kNone, ValidateOnPayment::kDeposit, 0, true});
        b.add(ListPayers{});
        const OrderId order = make_order_id(0, 1, 0);
        b.add(AddPayment{order, PaymentMode::kThirdParty, 4200, 0, kNone, 3, "CAF", "", ""});
        b.add(AddPayment{order, PaymentMode::kCard, -100, kNow, kNone, kNone, "", "", "trop perçu"});
        b.add(AddPayment{order, static_cast<PaymentMode>(7), INT64_MIN, -1, kNone, kNone, "", "", ""});
        b.add(CollectPayment{order, 1, 0});
        b.add(CollectPayment{order, 0, -5});
        b.add(SetCashDiscount{order, 1500});
        b.add(SetCashDiscount{order, -1});
        b.add(SignContract{order, 0});
        b.add(ChangePayment{order, 1, PaymentMode::kCheque, 4300, kNow, kNone, kNone, "M. X", "BNP", ""});
        b.add(ChangePayment{order, 9, PaymentMode::kCard, -1, 0, kNone, kNone, "", "", ""});
      },
      [](RequestBuilder& b) {
        const OrderId order = make_order_id(0, 1, 0);
        b.add(IssueInvoice{order});
        b.add(CancelInvoice{order, "séjour modifié"});
        b.add(CancelInvoice{order, ""});
        InvoiceDocument d;
        d.order = order;
        d.attempt = 1;
        d.year = 2026;
        d.lines = {InvoiceLine{"Séjour", 2, 6000, 12000, kNow}};
        d.package_cents = d.total_cents = 12000;
        b.add(RecordInvoice{d});
        d.year = 0;
        b.add(RecordInvoice{d});
        b.add(NoteInvoice{order, 1, InvoiceKind::kInvoice, 2026, 1});
        b.add(ListInvoices{InvoiceKind::kInvoice, 2026, OrderId{0}, 0, 10});
        b.add(ListInvoices{static_cast<InvoiceKind>(5), 0, OrderId{0}, 0, 1'000'000});
        b.add(RenderInvoice{InvoiceKind::kInvoice, 2026, 1});
      },
      [](RequestBuilder& b) {
        const OrderId order = make_order_id(0, 1, 0);
        b.add(SetCancellationTerms{kNone, {{30, 10}, {15, 25}, {0, 100}}, 8, "Voyages Lumière\n13002 Marseille"});
        b.add(SetCancellationTerms{kNone, {{0, 100}, {30, 10}}, 0, ""});
        b.add(SetCancellationTerms{kNone, {{30, 101}, {0, 100}}, 101, ""});
        b.add(CancelValidated{order, CancelledBy::kClient, "malade"});
        b.add(CancelValidated{order, CancelledBy::kOrganiser, "départ annulé"});
        b.add(CancelValidated{order, static_cast<CancelledBy>(7), ""});
        b.add(ListInvoices{InvoiceKind::kCommissionInvoice, 0, OrderId{0}, 0, 10});
        b.add(SetReturnCityRule{kNone, 2000});
        b.add(SetReturnCityRule{kNone, 4'000'000});
        b.add(QuoteReturnCity{kNone, 5000, 2000});
        b.add(QuoteReturnCity{kNone, -1, INT64_MAX});
      },
      [](RequestBuilder& b) {
        const OrderId order = make_order_id(0, 1, 0);
        b.add(DefinePromoCode{"ete-2027", 0, 15, 0, 0, 2, kNone, 0});
        b.add(DefinePromoCode{"BAD CODE", 100, 15, -1, 0, 0, kNone, -1});
        b.add(ListPromoCodes{"", 0});
        b.add(ListPromoCodes{std::string(200, 'z'), 1'000'000});
        b.add(ApplyPromoCode{order, "ETE-2027"});
        b.add(ApplyPromoCode{order, ""});
        b.add(RemovePromoCode{order});
        b.add(ClaimPromoUse{PromoClaim{order, 1, "ETE-2027", kNone, 12'000, kNow, 0}});
        b.add(ClaimPromoUse{PromoClaim{order, 0, "x y", kNone, -5, -1, 0}});
        b.add(NotePromoClaim{order, 1, true, 0, 15});
        b.add(NotePromoClaim{order, 1, true, 100, 500});
        b.add(GetPromoReturns{{0, 0}});
        b.add(GetPromoReturns{std::vector<uint64_t>(100, 1)});
        b.add(ReturnPromoUses{{PromoReturn{0, 1, order, 1, "ETE-2027"}}});
        b.add(ReturnPromoUses{{PromoReturn{1'000, 0, order, 1, ""}}});
      },
      [](RequestBuilder& b) {
        const OrderId order = make_order_id(0, 1, 0);
        b.add(DefineAnnexFee{1, kNone, "Frais de dossier", 990, false, true});
        b.add(DefineAnnexFee{2, kNone, "", -5, true, false});
        b.add(SetOrderFee{order, 1, -1});
        b.add(SetOrderFee{order, 9, INT64_MAX});
        b.add(RemoveOrderFee{order, 1});
        b.add(RemoveOrderFee{order, 0});
      },
      [](RequestBuilder& b) {
        const OrderId order = make_order_id(0, 1, 0);
        b.add(MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {BatchItem{order, 1}, BatchItem{order, 2}}});
        b.add(MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {BatchItem{order, 1}, BatchItem{order, 1}}});
        b.add(MakePaymentBatch{BatchKind::kAccountingExport, kNow, "", "décembre", {}});
        b.add(MakePaymentBatch{static_cast<BatchKind>(9), -1, std::string(300, 'x'), "", {}});
        b.add(FreezePayments{0, BatchKind::kPayout, 1, 0, {BatchItem{order, 1}}});
        b.add(FreezePayments{7, BatchKind::kAccountingExport, 0, INT64_MAX, {}});
        b.add(SettlePaymentBatch{BatchKind::kPayout, 1, {}, {RefusedPayment{order, 1, "not a cheque"}}});
        b.add(ListPaymentBatches{BatchKind::kChequeDeposit, 0, 0});
        b.add(ListPaymentBatches{BatchKind::kPayout, 1'000, 1'000});
        b.add(SetAutoInvoicing{kNone, true});
        b.add(SetAutoInvoicing{ProductId{99}, false});
        b.add(GetAutoInvoices{0});
        b.add(GetAutoInvoices{300});
        b.add(CreditCashback{ContactId{7}, 2'000, "fidélité"});
        b.add(CreditCashback{ContactId{7}, -INT64_MAX, std::string(300, 'x')});
        b.add(GetCashback{ContactId{7}});
        b.add(ApplyCashback{order, 500});
        b.add(ApplyCashback{order, 0});
        b.add(RemoveCashback{order});
        b.add(ClaimCashback{CashbackClaim{order, 1, ContactId{7}, 500, kNow, 0}});
        b.add(NoteCashbackClaim{order, 1, true});
        b.add(GetCashbackReturns{{0, 0}});
        b.add(GetCashbackReturns{std::vector<uint64_t>(100, 1)});
        b.add(ReturnCashback{{CashbackReturn{0, 1, order, 1, 500}}});
        b.add(ReturnCashback{{CashbackReturn{1'000, 0, order, 1, -1}}});
        b.add(ReturnCashback{{CashbackReturn{0, 2, order, 0, -INT64_MAX, ContactId{8}}}});
        b.add(SetSponsorshipRule{kNone, 1'500, 2'000});
        b.add(SetSponsorshipRule{ProductId{99}, -1, INT64_MAX});
        b.add(SetSponsor{order, ContactId{8}});
        b.add(SetSponsor{order, kNone});
        b.add(RemoveSponsor{order});
        b.add(CheckSponsor{SponsorClaim{order, 1, ContactId{8}, ContactId{7}, 1'500, 2'000, kNow, 0}});
        b.add(NoteSponsor{order, 1, true});
        {
          SubmitPreRegistration c{ChannelId{2}, "CART-1", Requester{}, {}, "près de l'allée"};
          c.requester.last_name = "MARTIN";
          c.requester.email = "anne@example.org";
          c.requester.birth_date = 19800214;
          c.lines = {LineRequest{1000, 1, 1, 2, kNone}, LineRequest{1001, 1, 1, 1, kNone}};
          b.add(c);
          b.add(PlacePreRegistration{1, make_prereg_id(0, 1), c});
          c.reference = std::string(100, 'r');  // too long
          c.requester.birth_date = 19801345;
          c.requester.authenticated = true;
          b.add(c);
        }
        b.add(ListPreRegistrations{0, kNone, 0, 100});
        b.add(ListPreRegistrations{0xFF, ChannelId{2}, UINT64_MAX, 1'000});
        b.add(SetPreRegistrationMatch{{make_prereg_id(0, 1)}, MatchMode::kContact, ContactId{7}});
        b.add(SetPreRegistrationMatch{{}, MatchMode{9}, kNone});
        b.add(DeletePreRegistrations{{make_prereg_id(0, 1), make_prereg_id(1, 1), 0}});
        b.add(
            IntegratePreRegistrations{{},
                                      IntegrationOptions{IntegrationMethod::kIdentifiedBooked,
                                                         IntegrationLevel::kConfirmed, kNone, "", true, false, false}});
        b.add(IntegratePreRegistrations{
            {make_prereg_id(0, 1)},
            IntegrationOptions{IntegrationMethod{0}, IntegrationLevel{7}, ContactId{3}, std::string(300, 's'), false}});
        b.add(ApplyPreRegistrations{
            7,
            IntegrationOptions{IntegrationMethod::kAllFiled, IntegrationLevel::kOption, ContactId{9}, "Nord", false},
            {IntegrationDecision{make_prereg_id(0, 1), ContactId{7}, MatchBasis::kNumber}}});
        b.add(MatchPreRegistrants{{PreRegRequester{make_prereg_id(0, 1), Requester{}, kNone}}});
        b.add(ListLeads{ContactId{9}, "Nord", 0b111, 0, 100});
        b.add(SetLeadStatus{make_prereg_id(0, 1), LeadStatus::kLost});
        b.add(SetPerformanceStaff{kGa, ContactId{8}, kNone});
        b.add(SetPerformanceStaff{PerformanceId{99}, kNone, kNone});
        b.add(GetPerformance{kGa});
      },
      [](RequestBuilder& b) {
        b.add(DefineDocumentType{DocumentTypeId{1}, "Fiche sanitaire", {ProductId{1}}});
        b.add(DefineDocumentType{DocumentTypeId{2}, "", {ProductId{99}}});
        b.add(AddParticipant{make_order_id(0, 1, 1), ContactId{8}, kNone, 0});
        b.add(SetLegalRepresentative{make_order_id(0, 1, 1), ContactId{8}, ContactId{9}});
        b.add(AttachDocument{make_order_id(0, 1, 1), ContactId{8}, DocumentTypeId{1}, "fiche.pdf", {}, 0, "%PDF-1.4"});
        b.add(CheckDocument{make_order_id(0, 1, 1), 1, true});
        b.add(GetDocument{make_order_id(0, 1, 1), 1});
        b.add(SetAttendance{make_order_id(0, 1, 1), ContactId{8}, Attendance::kAbsent, "malade"});
        b.add(RemoveParticipant{make_order_id(0, 1, 1), ContactId{8}});
        b.add(SetLinePrice{make_order_id(0, 1, 1), 0, 4'500});
      },
      [](RequestBuilder& b) {
        b.add(DefineDeparture{kGa, ProductId{1}, "Lyon", 20'270'705, 5'000});
        b.add(DefineDeparture{PerformanceId{1001}, ProductId{1}, "Grenoble", 20'270'705, 2'000});
        b.add(DefineDeparture{PerformanceId{99}, ProductId{99}, "", 20'271'332, -1});
        b.add(DefineAddOn{AddOnId{1}, ProductId{1}, "Canoë", 3'500});
        b.add(DefineAddOn{AddOnId{2}, ProductId{99}, "", -5});
        b.add(SetAddOnQuota{kGa, AddOnId{1}, 1});
        b.add(GetAddOnStock{kGa});
        const OrderId order = hold(b);
        b.add(AddParticipant{order, ContactId{8}, kNone, 0});
        b.add(AddAddOn{order, ContactId{8}, AddOnId{1}, -1});
        b.add(AddAddOn{order, ContactId{8}, AddOnId{1}, 3'000});
        b.add(SetReturnCity{order, PerformanceId{1001}});
        b.add(ChangeDeparture{order, PerformanceId{1001}});
        b.add(RenderOrderPdf{order});
        b.add(RemoveAddOn{order, ContactId{8}, AddOnId{1}});
        b.add(SetReturnCity{order, kNone});
      },
      [](RequestBuilder& b) {
        const OrderId order = option(b);
        // As a client sends them (the bytes in content), then as the server logs them (the digest).
        b.add(AttachDepartureBook{kGaOverdue, "convocation.pdf", {}, 0, "%PDF-1.4 convocation"});
        b.add(AttachDepartureBook{kGaOverdue, "convocation.pdf", std::string(64, 'a'), 20, {}});
        b.add(AttachDepartureBook{PerformanceId{99}, "", {}, 0, {}});
        b.add(AttachTravelBook{order, "convocation-dupont.pdf", {}, 0, std::string("%PDF\0\xff", 6)});
        b.add(SetTravelBookMode{order, TravelBookMode::kIndividual});
        b.add(AttachTravelBook{order, "convocation-dupont.pdf", std::string(64, 'b'), 6, {}});
        b.add(SendTravelBookMail{order});
        b.add(GetTravelBookMails{{0, 0}});
        b.add(GetTravelBookMails{{5}});
        b.add(NoteTravelBookMail{order, 1, true, "Anne MARTIN <anne@example.org>", ""});
        b.add(NoteTravelBookMail{order, 2, false, "", "no recipient has an e-mail address"});
        b.add(SetTravelBookMode{order, TravelBookMode::kGroup});
        b.add(SendTravelBookMail{make_order_id(0, 1, 1)});
      },
  };
}

// A request of `count` commands of the randomised workload.
std::vector<Command> workload_request(uint64_t seed, uint32_t count) {
  workload::RandomWorkload w(seed, 1);
  FuzzShard shard(kNow);
  std::vector<Command> out;
  for (uint32_t i = 0; i < count; ++i) {
    Command c = w.next(shard.now_ms());
    const Reply r = shard.run(c);
    w.observe(c, r);
    out.push_back(std::move(c));
  }
  return out;
}

std::string stream_of(uint8_t limit_choice, uint8_t chunk_seed, const std::vector<std::string>& payloads) {
  std::string s{static_cast<char>(limit_choice), static_cast<char>(chunk_seed)};
  for (const std::string& p : payloads) {
    uint8_t header[net::kFrameHeaderBytes];
    net::put_frame_length(header, static_cast<uint32_t>(p.size()));
    s.append(reinterpret_cast<const char*>(header), sizeof header);
    s += p;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const std::filesystem::path frames = root / "client_frame", streams = root / "frame_reader";
  std::filesystem::create_directories(frames);
  std::filesystem::create_directories(streams);

  const auto scenarios = one_of_each();
  std::vector<bool> sent(kCommandCount, false);
  std::vector<std::string> payloads;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    RequestBuilder b;
    scenarios[i](b);
    for (const Command& c : b.commands()) sent[c.body.index()] = true;
    const std::string name = std::string(command_name(b.commands().back().body));
    std::printf("%-24s %zu commands, last: %s %s\n", name.c_str(), b.commands().size(),
                std::string(reply_code_name(b.last().code)).c_str(), b.last().message.c_str());
    payloads.push_back(payload_of(net::request_frame(kRequestId, b.commands())));
    write_file(frames / cat("request_", i + 1, "_", name), payloads.back());
  }
  for (size_t k = 0; k < kCommandCount; ++k)
    if (!sent[k]) {
      std::fprintf(stderr, "no scenario of one_of_each sends %s: add it\n", std::string(kCommandInfo[k].name).c_str());
      return 1;
    }
  const std::string hello = payload_of(net::hello_frame(2, "fuzz-webshop", "fuzz corpus"));
  write_file(frames / "hello", hello);
  write_file(frames / "admin_snapshot", payload_of(net::admin_frame(2, wire::AdminAction::Snapshot)));
  for (uint64_t seed = 1; seed <= 8; ++seed)
    write_file(frames / cat("workload_", seed), payload_of(net::request_frame(kRequestId, workload_request(seed, 40))));

  // Streams: a connection's first frames, under each frame size limit, cut differently.
  for (uint8_t choice = 0; choice < 8; ++choice) {
    std::vector<std::string> connection = {hello};
    for (size_t k = choice; k < payloads.size(); k += 8) connection.push_back(payloads[k]);
    write_file(streams / cat("connection_", int{choice}),
               stream_of(choice, static_cast<uint8_t>(choice * 37), connection));
  }
  write_file(streams / "empty_frames", stream_of(5, 1, {"", "", hello, ""}));
  write_file(streams / "over_limit", stream_of(4, 2, {hello, std::string(300, 'x')}));
  return 0;
}
