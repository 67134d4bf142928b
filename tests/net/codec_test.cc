// Codec: every engine command survives encode -> verify -> decode unchanged,
// replies too, and bad input is refused field by field.
#include "net/codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "net/messages.h"
#include "net/result_code.h"
#include "tests/directory/full_contact.h"
#include "tests/net/net_test_support.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
namespace fb = flatbuffers;
using testing::full_contact;

// A follow-up filter with every field set.
FollowUpFilter full_filter() {
  return FollowUpFilter{BookingKind::kReservation,
                        1'800'000'000'000,
                        1,
                        1,
                        2,
                        2000,
                        20001,
                        {21, 22},
                        42,
                        kContactGuide | kContactSupport,
                        {1, 3},
                        3,
                        {2001},
                        {20002},
                        {4},
                        {43},
                        {0, 4}};
}

DefineReminderFormat reminder_format() {
  return DefineReminderFormat{3,
                              "Relance",
                              FormatType::kReminder,
                              ";",
                              "csv",
                              true,
                              {ReminderField::kContactNumber, ReminderField::kLastName, ReminderField::kQuantity}};
}

// An advanced search with every criterion set (and the two "with" flags
// off: their default is on).
FindContacts full_find() {
  return FindContacts{kContactIndividual | kContactPartner,
                      "Dup*nt, c",
                      7611,
                      "ACME",
                      "5678",
                      "chantal@",
                      "FR",
                      "750",
                      "PAR",
                      true,
                      false,
                      false,
                      "123 456",
                      9,
                      IbanFilter::kWithout,
                      "ref-7611",
                      ContactLinkKind::kSubsidiaryOf,
                      43,
                      true,
                      20,
                      50};
}

// A credit note with every field set.
InvoiceDocument invoice_document() {
  return InvoiceDocument{
      InvoiceKind::kCreditNote,
      2026,
      17,
      make_order_id(1, 2, 3),
      2,
      1'790'000'000'000,
      12,
      ContactId{42},
      1042,
      "Jeanne DUPONT\n12 rue des Lilas\n69001 Lyon",
      {InvoiceLine{"Séjour Nîmes - Adulte", 2, 6000, 12000, 1'791'000'000'000}, InvoiceLine{"Option", 1, 500, 500, 0}},
      12500,
      1500,
      11000,
      4000,
      2026,
      16,
      "séjour modifié",
      1000,
      "ETE-2027"};
}

// One command of every kind, with non-default values in every field.
FrozenPayment frozen_payment() {
  return FrozenPayment{make_order_id(1, 2, 3),
                       1,
                       PaymentMode::kCheque,
                       12'050,
                       1'789'000'000'000,
                       1'789'000'100'000,
                       0,
                       7,
                       kNone,
                       "M. et Mme Durand",
                       "La Banque Postale"};
}

Requester requester() {
  return Requester{
      "MARTIN", "Anne", "anne@example.org", "+33 6 12 34 56 78", 19800214, "3 rue Neuve", "69001", "LYON", "FR",
      true,     5001};
}
SubmitPreRegistration pre_registration() {
  return SubmitPreRegistration{
      2, "CART-2026-0042", requester(), {LineRequest{1000, 1, 3, 2, kNone}}, "près de l'allée"};
}
IntegrationOptions integration_options() {
  return IntegrationOptions{
      IntegrationMethod::kIdentifiedBooked, IntegrationLevel::kReservation, 9, "Rhône-Alpes", true, false, true};
}

std::vector<Command> one_of_each() {
  DefineProduct product{7, 2, 3, "Produit", ExpiryPolicy::kOverdueThenArchive, 86'400'000, 600'000, 5, 4, true};
  DefineVenueLayout layout{
      3,
      "Grande salle",
      {1, 2},
      {LayoutSection{"Orchestre",
                     {LayoutRow{1, 101, {LayoutSeat{0, kSeatWheelchair, 1}, LayoutSeat{0, kSeatCompanion, 2}}},
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
      Command{11, DefineContingent{10001, 1000, 5, 20, {3, 4}, "Groupes scolaires"}},
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
      Command{34, DefineSubContingent{100011, 1000, 10001, 4, {3}, "Classe A"}},
      Command{35, SetContingentReleaseBack{1000, 10001, 1'799'000'000'000}},
      // Back office.
      Command{36, DefineContact{42, 100000002951, "DUPONT", "Anne", "anne@example.org",
                                kContactIndividual | kContactPartner}},
      Command{37, UpdateContact{42, 100000002952, "DURAND", "", "", kContactOrganisation}},
      Command{38, SetOrderFile{make_order_id(1, 1, 2), 7700}},
      Command{39, QueryFollowUp{full_filter(), FollowUpCursor{1'800'000'000'000, make_order_id(1, 3, 4), 2}, 50}},
      Command{40, PreviewRelease{full_filter()}},
      Command{41, ReleaseAll{FollowUpFilter{BookingKind::kOption, 5, 1, 1, 0, 0, 0, {}, 0, 0, {}, 0}}},
      Command{42, MarkOrders{{make_order_id(0, 1, 1), make_order_id(1, 1, 1)}, ReleaseMark::kKeep}},
      Command{43, LockOrders{{make_order_id(1, 1, 9)}, true}},
      Command{44, ReleaseOrders{{make_order_id(0, 2, 1), make_order_id(1, 2, 1)}}},
      Command{45, RemindOrders{{make_order_id(0, 4, 1)}, 3, Delivery::kEmail}},
      Command{46,
              [] {
                auto changed = reminder_format();
                changed.replace = true;  // a change: the field must survive the wire
                return changed;
              }()},
      Command{47, DefineSeries{5, "Revue"}},
      Command{48, DefineIssue{5, 12, 1'790'000'000'000, "Numéro 12"}},
      Command{49, Subscribe{900, 5, 42, 43, 1'800'000'000'000}},
      Command{50, RenewSubscription{900, 1'830'000'000'000}},
      Command{51, StartReminderRun{7,
                                   5,
                                   {11, 12},
                                   Audience::kThirdParty,
                                   3,
                                   Delivery::kReview,
                                   1'790'000'000'000,
                                   1'792'000'000'000,
                                   false}},
      Command{52, RecordRunExport{7, 10, 2, "/var/tessera/reminders/run7.csv", {901, 903}}},
      Command{53, ValidateReminderRun{7}},
      Command{54, CancelReminderRun{8}},
      Command{55, GetReminderRun{7}},
      // Seats and general admission in one order.
      Command{56, HoldSeatsWithLines{42, 2, seats, {LineRequest{1000, 5, 6, 2, 0}}, 60'000}},
      Command{57, BookSeatsWithLines{BookingKind::kReservation,
                                     42,
                                     1,
                                     best,
                                     {LineRequest{1000, 5, 6, 1, 0}, LineRequest{1000, 5, 6, 4, 10001}},
                                     1'800'000'000'000}},
      // Principals.
      Command{58, DefinePrincipal{"shop-a", Role::kWebshop, {1, 3}, std::string(64, 'a')}},
      Command{59, RevokePrincipal{4}},
      Command{60, ListPrincipals{}},
      // The order page.
      Command{61, GetOrderRecord{make_order_id(1, 2, 3)}},
      Command{62, AddOrderNote{make_order_id(1, 2, 3), "Rappelée le 3, attend le virement"}},
      Command{63, SetOrderInfo{make_order_id(1, 2, 3), "Mon fils part avec son copain"}},
      Command{64, ListOrders{42, 1000, 0x1F, make_order_id(0, 1, 9), 50}},
      Command{65, GetStockSummary{2001}},
      Command{66, SetOptionLifetime{7, 2, BookingKind::kReservation, 3 * 86'400'000LL}},
      Command{67, PurgeOrderHistory{make_order_id(1, 2, 3), 0}},
      Command{68, ExportCatalog{}},
      // The contact directory.
      Command{69, CreateContact{kNone, 7611, full_contact(), true, 12, true}},
      Command{70, ChangeContact{42, full_contact()}},
      Command{71, LinkContacts{42, 43, ContactLinkKind::kRelayOf, true}},
      Command{72, AddContactNote{42, "Préfère le balcon"}},
      Command{73, GetContact{0, 7611}},
      Command{74, SearchContacts{"Dupont, j", 20, 50, true}},
      Command{75, SetContactProfile{42, 7611, kContactIndividual | kContactGuide, 9}},
      Command{76, GetContactCards{{42, 43, 7}}},
      Command{77, ImportContacts{kColumnLastName | kColumnEmail | kColumnCity,
                                 {ContactImportRow{2, 7611, full_contact()}, ContactImportRow{3, 0, ContactFields{}}}}},
      Command{78, SetContactProfiles{{SetContactProfile{42, 7611, kContactIndividual, 9},
                                      SetContactProfile{43, 0, 0, 10, true, 42}}}},
      Command{79, DeleteContact{42}},
      Command{80, FreezeContact{42, FreezeAction::kThawAll}},
      Command{81, MergeContacts{42, 43}},
      Command{82, DefineContactListEntry{ContactListKind::kIndividualCriterion, 9, "Adhérent", true}},
      Command{83, GetContactLists{true}},
      Command{84, full_find()},
      Command{85, GetClientMarks{{0, 17, 3}}},
      Command{86,
              NoteContactClients{{ClientMark{0, 1, 42, 1'790'000'000'000}, ClientMark{1, 17, 43, 1'791'000'000'000}}}},
      Command{87, GetContactActivity{42, ContactHistory::kMailings, 1'790'000'000'000, 9, 3, 50}},
      Command{88, SetOrderRetention{30 * 86'400'000LL}},
      Command{89, DefineProductType{4, "Spectacle jeune public"}},
      Command{90, DeleteReminderFormat{3}},
      Command{91, ListReminderFormats{}},
      Command{92, ExportReminderRun{7, Delivery::kEmail}},
      Command{93, ListReminderRuns{5, 40}},
      Command{94, ReadRunFile{7, 1u << 20}},
      Command{95, RecordOrderReminders{{make_order_id(0, 4, 1), make_order_id(1, 2, 3)}, 3, Delivery::kFile}},
      Command{96, DefineDocumentTemplate{DocumentKind::kThirdPartyReminder, "fr", "Relance {series}",
                                         "Bonjour {name},\n{items}{{fin}}", true}},
      Command{97, ListDocumentTemplates{}},
      Command{98, DefinePayer{3, "CAF du Rhône"}},
      Command{99, SetValidationRule{2, ValidateOnPayment::kDeposit, 30, false}},
      Command{100, ListPayers{}},
      Command{101, AddPayment{make_order_id(1, 2, 3), PaymentMode::kThirdParty, 4200, 1'790'000'000'000, 42, 3,
                              "M. DUPONT", "Banque Populaire", ""}},
      Command{102, CollectPayment{make_order_id(1, 2, 3), 1, 1'790'100'000'000}},
      Command{103, SetCashDiscount{make_order_id(1, 2, 3), 1500}},
      Command{104, SignContract{make_order_id(1, 2, 3), 1'790'000'000'000}},
      Command{105, ChangePayment{make_order_id(1, 2, 3), 2, PaymentMode::kCard, -500, 0, kNone, kNone, "", "",
                                 "geste commercial"}},
      Command{106, IssueInvoice{make_order_id(1, 2, 3)}},
      Command{107, CancelInvoice{make_order_id(1, 2, 3), "séjour modifié"}},
      Command{108, RecordInvoice{invoice_document()}},
      Command{109, NoteInvoice{make_order_id(1, 2, 3), 2, InvoiceKind::kCreditNote, 2026, 17}},
      Command{110, ListInvoices{InvoiceKind::kInvoice, 2026, make_order_id(1, 2, 3), 16, 50}},
      Command{111, RenderInvoice{InvoiceKind::kCreditNote, 2026, 3}},
      Command{112,
              SetCancellationTerms{
                  4, {{30, 10}, {15, 25}, {0, 100}}, 8, "Voyages Lumière\n12 rue du Port\n13002 Marseille"}},
      Command{113, CancelValidated{make_order_id(1, 2, 3), CancelledBy::kOrganiser, "départ annulé"}},
      Command{114, SetReturnCityRule{4, 2000}},
      Command{115, QuoteReturnCity{4, 5000, 2000}},
      Command{116, DefinePromoCode{"ETE-2027", 0, 15, 1'000, 2'000, 100, 4, 5'000}},
      Command{117, ListPromoCodes{"ETE", 20}},
      Command{118, ApplyPromoCode{make_order_id(1, 2, 3), "ete-2027"}},
      Command{119, RemovePromoCode{make_order_id(1, 2, 3)}},
      Command{120, ClaimPromoUse{PromoClaim{make_order_id(1, 2, 3), 2, "ETE-2027", 4, 12'000, 1'500, 14}}},
      Command{121, NotePromoClaim{make_order_id(1, 2, 3), 2, true, 0, 15}},
      Command{122, GetPromoReturns{{0, 4, 9}}},
      Command{123, ReturnPromoUses{{PromoReturn{1, 5, make_order_id(1, 2, 3), 2, "ETE-2027"}}}},
      Command{124, DefineAnnexFee{3, 4, "Taxe de séjour", 235, true, true}},
      Command{125, SetOrderFee{make_order_id(1, 2, 3), 3, 999}},
      Command{126, RemoveOrderFee{make_order_id(1, 2, 3), 3}},
      Command{127, MakePaymentBatch{BatchKind::kChequeDeposit,
                                    1'790'000'000'000,
                                    "Crédit Agricole",
                                    "bordereau 17",
                                    {BatchItem{make_order_id(1, 2, 3), 1}, BatchItem{make_order_id(0, 4, 1), 2}}}},
      Command{128, FreezePayments{1, BatchKind::kPayout, 4, 0, {BatchItem{make_order_id(1, 2, 3), 3}}}},
      Command{129, SettlePaymentBatch{BatchKind::kAccountingExport,
                                      2,
                                      {frozen_payment()},
                                      {RefusedPayment{make_order_id(1, 2, 3), 2, "not a cheque"}}}},
      Command{130, ListPaymentBatches{BatchKind::kPayout, 3, 20}},
      Command{131, SetAutoInvoicing{4, true}},
      Command{132, GetAutoInvoices{1}},
      Command{133, CreditCashback{7, -1'250, "fidélité 2026"}},
      Command{134, GetCashback{7}},
      Command{135, ApplyCashback{make_order_id(1, 2, 3), 2'550}},
      Command{136, RemoveCashback{make_order_id(1, 2, 3)}},
      Command{137, ClaimCashback{CashbackClaim{make_order_id(1, 2, 3), 2, 7, 2'550, 1'790'000'000'000, 14}}},
      Command{138, NoteCashbackClaim{make_order_id(1, 2, 3), 2, true}},
      Command{139, GetCashbackReturns{{0, 4, 9}}},
      Command{140, ReturnCashback{{CashbackReturn{1, 5, make_order_id(1, 2, 3), 2, 2'550},
                                   CashbackReturn{1, 6, make_order_id(1, 2, 4), 0, -2'000, 8}}}},
      Command{141, SetSponsorshipRule{4, 1'500, 2'000}},
      Command{142, SetSponsor{make_order_id(1, 2, 3), 8}},
      Command{143, RemoveSponsor{make_order_id(1, 2, 3)}},
      Command{144, CheckSponsor{SponsorClaim{make_order_id(1, 2, 3), 3, 8, 7, 1'500, 2'000, 1'790'000'000'000, 14}}},
      Command{145, NoteSponsor{make_order_id(1, 2, 3), 3, false}},
      Command{146, pre_registration()},
      Command{147, PlacePreRegistration{1, make_prereg_id(0, 4), pre_registration()}},
      Command{148, ListPreRegistrations{0b0011, 2, make_prereg_id(0, 3), 50}},
      Command{149, SetPreRegistrationMatch{{make_prereg_id(0, 4), make_prereg_id(1, 1)}, MatchMode::kContact, 7}},
      Command{150, DeletePreRegistrations{{make_prereg_id(1, 9)}}},
      Command{151, IntegratePreRegistrations{{make_prereg_id(0, 4)}, integration_options()}},
      Command{152, ApplyPreRegistrations{77,
                                         integration_options(),
                                         {IntegrationDecision{make_prereg_id(0, 4), 7, MatchBasis::kEmailAndName},
                                          IntegrationDecision{make_prereg_id(1, 2), kNone, MatchBasis::kUnmatched}}}},
      Command{153, MatchPreRegistrants{{PreRegRequester{make_prereg_id(0, 4), requester(), kNone},
                                        PreRegRequester{make_prereg_id(0, 5), Requester{}, 9}}}},
      Command{154, ListLeads{9, "Rhône-Alpes", 0b011, make_prereg_id(0, 2), 20}},
      Command{155, SetLeadStatus{make_prereg_id(0, 4), LeadStatus::kWon}},
      Command{156, SetPerformanceStaff{1000, 21, 22}},
      Command{157, GetPerformance{1000}},
      Command{158, DefineDocumentType{2, "Fiche sanitaire", {4, 5}}},
      Command{159, AddParticipant{make_order_id(1, 2, 3), 21, 30, 1}},
      Command{160, RemoveParticipant{make_order_id(1, 2, 3), 21}},
      Command{161, SetLegalRepresentative{make_order_id(1, 2, 3), 21, 0}},
      Command{162, AttachDocument{make_order_id(1, 2, 3), 21, 2, "fiche.pdf", std::string(64, 'c'), 4096, {}}},
      Command{163, CheckDocument{make_order_id(1, 2, 3), 2, true}},
      Command{164, GetDocument{make_order_id(1, 2, 3), 2}},
      Command{165, SetAttendance{make_order_id(1, 2, 3), 21, Attendance::kAbsent, "malade"}},
      Command{166, SetLinePrice{make_order_id(1, 2, 3), 1, 45'000}},
      Command{167, DefineDeparture{1000, 4, "Lyon", 20'270'705, 5'000}},
      Command{168, DefineAddOn{3, 4, "Canoë", 3'500}},
      Command{169, SetAddOnQuota{1000, 3, 12}},
      Command{170, GetAddOnStock{1000}},
      Command{171, AddAddOn{make_order_id(1, 2, 3), 21, 3, -1}},
      Command{172, RemoveAddOn{make_order_id(1, 2, 3), 21, 3}},
      Command{173, ChangeDeparture{make_order_id(1, 2, 3), 1001}},
      Command{174, SetReturnCity{make_order_id(1, 2, 3), 1002}},
      Command{175, AttachDepartureBook{1000, "convocation.pdf", {}, 0, std::string("%PDF\0\xff", 6)}},
      Command{176, AttachTravelBook{make_order_id(1, 2, 3), "convocation-dupont.pdf", std::string(64, 'c'), 4096, {}}},
      Command{177, SetTravelBookMode{make_order_id(1, 2, 3), TravelBookMode::kIndividual}},
      Command{178, SendTravelBookMail{make_order_id(1, 2, 3)}},
      Command{179, GetTravelBookMails{{0, 7, 3}}},
      Command{180, NoteTravelBookMail{make_order_id(1, 2, 3), 7, true,
                                      "Anne MARTIN <anne@example.org>, Paul MARTIN <paul@example.org>", ""}},
      Command{181, RenderOrderPdf{make_order_id(1, 2, 3)}},
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
    EXPECT_TRUE(testing::deep_equal(commands[i], (*decoded)[i]))
        << "command " << i << " " << command_name(commands[i].body);
}

TEST(Codec, RepliesRoundTripWithProtocolCodes) {
  for (ReplyCode code :
       {ReplyCode::kOk, ReplyCode::kSoldOut, ReplyCode::kBusy, ReplyCode::kUnavailable, kForbidden, kMalformed}) {
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
    EXPECT_TRUE(testing::deep_equal(r, static_cast<const Reply&>(*back))) << result_code_name(code);
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

// ---- Back office -------------------------------------------------------------------

Result<ClientReply> round_trip(const Reply& r) {
  fb::FlatBufferBuilder fbb;
  fbb.Finish(encode_reply(fbb, r));
  return decode_reply(fb::GetRoot<wire::Result>(fbb.GetBufferPointer()));
}

Reply with_detail(ReplyDetail detail) {
  Reply r;
  r.value = 3;
  r.detail = std::make_shared<const ReplyDetail>(std::move(detail));
  return r;
}

FollowUpRow full_row(uint32_t line) {
  FollowUpRow r;
  r.due_ms = 1'800'000'000'000 + line, r.order = make_order_id(1, 2, 3), r.line = line;
  r.state = OrderState::kOverdue, r.mark = ReleaseMark::kKeep, r.locked = true, r.file_number = 7700;
  r.contact = 42, r.contact_number = 100000002951, r.contact_name = "DUPONT Anne", r.channel = 3;
  r.channel_name = "Partenaires", r.product = 2, r.product_name = "Opéra", r.performance = 2001;
  r.performance_starts_ms = 1'810'000'000'000, r.category = 2, r.category_name = "Cat 2", r.tariff = 22;
  r.tariff_name = "Réduit", r.contingent = 20011, r.quantity = 4, r.reminder_rank = 2,
  r.reminded_ms = 1'799'000'000'000, r.contingent_name = "Groupes", r.audience = 3;
  r.audience_name = "Contact occasionnel";
  return r;
}

ReminderItem full_item() {
  ReminderItem i;
  i.contact = 42, i.contact_number = 100000002951, i.last_name = "DUPONT", i.first_name = "Anne";
  i.email = "anne@example.org", i.payer = 43, i.payer_number = 100000002952, i.payer_name = "ACME";
  i.payer_email = "pay@acme.example", i.reminder_rank = 1, i.order = make_order_id(0, 1, 5), i.file_number = 9;
  i.due_ms = 1'800'000'000'000, i.amount_cents = 12'345, i.product_name = "Opéra";
  i.performance_starts_ms = 1'810'000'000'000, i.quantity = 2, i.subscription = 900, i.series_name = "Revue";
  i.ends_ms = 1'801'000'000'000, i.last_issue_name = "Numéro 12";
  i.street = "3 rue des Lilas, Bâtiment B", i.postcode = "75012", i.city = "Paris", i.country = "FR";
  i.language = "fr";
  return i;
}

OrderRecord full_record() {
  OrderRecord r;
  r.order = make_order_id(1, 2, 3), r.state = OrderState::kOverdue, r.status = "option annulable";
  r.kind = BookingKind::kReservation, r.policy = ExpiryPolicy::kOverdueThenArchive, r.contact = 42, r.channel = 3;
  r.principal = 7, r.created_ms = 1'790'000'000'000, r.deadline_ms = 1'791'000'000'000;
  r.hold_expires_ms = 0, r.overdue_until_ms = 1'792'000'000'000, r.hold_until_max_ms = 1'790'000'900'000;
  r.extensions = 1, r.extensions_max = 3, r.mark = ReleaseMark::kKeep, r.locked = true, r.reminder_rank = 2;
  r.reminded_ms = 1'791'500'000'000, r.file_number = 7700, r.quantity = 5, r.total_cents = 21'000;
  r.lines = {
      OrderRecordLine{
          2001, 2, 22, 20011, 2, 4'500, 9'000, {SeatPlace{10, "Orchestre", 4, 7}, SeatPlace{11, "Orchestre", 4, 8}}},
      OrderRecordLine{1000, 1, 11, 0, 3, 4'000, 12'000, {}}};
  r.notes = {OrderNote{1'790'100'000'000, 7, "Rappelée le 3"}};
  r.client_info = "Place à l'avant, svp";
  r.workflow = {WorkflowEntry{1'790'000'000'000, 7, WorkflowAction::kCreated, OrderState::kHeld, OrderState::kHeld, ""},
                WorkflowEntry{1'790'000'100'000, 7, WorkflowAction::kStateChanged, OrderState::kHeld,
                              OrderState::kReservation, ""},
                WorkflowEntry{1'791'000'000'000, 0, WorkflowAction::kStateChanged, OrderState::kReservation,
                              OrderState::kOverdue, ""},
                WorkflowEntry{1'791'500'000'000, 7, WorkflowAction::kEmailSent, OrderState::kOverdue,
                              OrderState::kOverdue, "reminder 2 (format 3)"},
                WorkflowEntry{1'791'600'000'000, 7, WorkflowAction::kPaymentStatus, OrderState::kOverdue,
                              OrderState::kOverdue, "fully paid"}};
  r.cash_discount_cents = 1'000, r.to_pay_cents = 20'000, r.paid_cents = 15'000, r.deferred_cents = 5'000;
  r.awaiting_collection_cents = 5'000, r.balance_cents = 0, r.fully_paid = true;
  r.contract_signed_ms = 1'791'000'000'000;
  r.payments = {
      Payment{1, PaymentMode::kThirdParty, 5'000, 1'790'200'000'000, 42, 3, "CAF", "", "", 0, 1'790'200'000'000, 7},
      Payment{2, PaymentMode::kCheque, 16'000, 1'790'300'000'000, 43, kNone, "M. DUPONT", "BNP", "", 0,
              1'790'300'000'000, 7, 3, 2, 1},
      Payment{3, PaymentMode::kCard, -1'000, 1'790'400'000'000, 42, kNone, "", "", "trop perçu", 0, 1'790'400'000'000,
              7}};
  ParticipantLine with_add_ons{21, 42, 1, Attendance::kPresent, true, "", 10'500, 5'000, 5'500, {}};
  with_add_ons.add_ons = {AddOnLine{3, "Canoë", 3'500, 21}, AddOnLine{4, "Vélo", 0, 21}};
  r.participants = {with_add_ons,
                    ParticipantLine{22, 42, 1, Attendance::kAbsent, true, "malade", 10'500, 0, 10'500, {}}};
  r.departure_city = "Lyon", r.return_departure = 1002, r.return_city = "Grenoble";
  r.return_supplement_cents = -750, r.add_ons_cents = 3'500, r.client_name = "DUPONT Chantal";
  r.client_litigious = true;
  r.travel_book_mode = TravelBookMode::kIndividual;
  r.travel_books = {
      TravelBookLine{"convocation.pdf", std::string(64, 'a'), 4096, true, false, 1'790'500'000'000},
      TravelBookLine{"convocation-dupont.pdf", std::string(64, 'b'), 2048, false, true, 1'790'600'000'000}};
  r.travel_book_attached = true, r.travel_book_released = true;
  r.workflow.push_back(WorkflowEntry{1'790'500'000'000, 7, WorkflowAction::kTravelBook, OrderState::kOverdue,
                                     OrderState::kOverdue, "the departure's convocation attached"});
  return r;
}

ContactSummary contact_summary(ContactId id) {
  return ContactSummary{id,
                        7611,
                        kContactIndividual,
                        kContactAmbassador,
                        "DUPONT",
                        "Chantal",
                        "c@ex.fr",
                        "75012",
                        "PARIS",
                        "FR",
                        "DUPONT, Chantal | FR-75012 [7611]",
                        3,
                        "Contact occasionnel",
                        "12 rue de Lyon, Escalier C",
                        "fr"};
}

PaymentBatch payment_batch() {
  return PaymentBatch{
      BatchKind::kAccountingExport,
      3,
      true,
      1'790'000'000'000,
      4,
      1'789'900'000'000,
      "",
      "décembre",
      {},
      {frozen_payment()},
      {RefusedPayment{make_order_id(1, 2, 3), 2, "order not found (or no longer in memory)"}},
      {ExportedDocument{InvoiceKind::kCreditNote, 2026, 4, make_order_id(1, 2, 3), 1'789'000'000'000, 7, 12'050}},
      12'050,
      "/srv/exports/accounting/accounting-export-000003.csv"};
}

std::vector<ReplyDetail> one_detail_of_each() {
  const OrderOutcome done{make_order_id(0, 1, 1), Outcome::kDone, OrderState::kReleased};
  const OrderOutcome kept{make_order_id(1, 1, 1), Outcome::kSkippedKept, OrderState::kOption};
  const OrderOutcome missing{make_order_id(1, 9, 9), Outcome::kNotFound, OrderState::kHeld};
  ReminderBatch batch{
      7,    RunState::kExported, reminder_format(),          Delivery::kEmail, 10,
      2,    "smtp://mail:25",    {full_item(), full_item()}, {done, missing},  {RankCount{1, 1}, RankCount{2, 1}},
      false};
  return {
      ReplyDetail{FollowUpPage{{full_row(0), full_row(1)}, 250, true}},
      ReplyDetail{BulkOutcomes{
          {done, kept, missing, OrderOutcome{make_order_id(0, 2, 2), Outcome::kSkippedState, OrderState::kConfirmed}}}},
      ReplyDetail{ReleaseSummary{
          120, 4, 3, 480, 20, {ReleasedStock{1000, 1, 60, 240, 0}, ReleasedStock{2001, 2, 60, 240, 20}}}},
      ReplyDetail{std::move(batch)},
      // Token hashes never leave the server: the sample has none.
      ReplyDetail{PrincipalList{
          {PrincipalRecord{1, "shop-a", Role::kWebshop, {1, 3}, false, 1'790'000'000'000, 0, ""},
           PrincipalRecord{
               2, "Anne (back office)", Role::kBackoffice, {}, true, 1'790'000'000'000, 1'791'000'000'000, ""}}}},
      ReplyDetail{IssuedToken{3, "tsk_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}},
      ReplyDetail{full_record()},
      ReplyDetail{OrderPage{{OrderSummary{make_order_id(0, 1, 1), OrderState::kOption, 42, 1, 3, 1'790'000'000'000,
                                          1'791'000'000'000, 1000, 2, 9'000},
                             OrderSummary{make_order_id(1, 1, 1), OrderState::kCancelled, 42, 2, 0, 1'790'000'000'000,
                                          0, 2001, 1, 4'500}},
                            12,
                            make_order_id(1, 1, 1)}},
      ReplyDetail{StockSummary{
          2001, {StockRow{1, true, 300, 200, 4, 10, 20, 6, 30, 30}, StockRow{3, false, 100, 90, 0, 0, 5, 0, 0, 5}}}},
      ReplyDetail{CatalogExport{
          {Command{0, DefineSeason{1, "Saison 2026-2027"}}, Command{0, DefineContingent{10001, 1000, 1, 50, {3}}},
           Command{0, SetContingentReleaseBack{1000, 10001, 1'790'000'000'000}}},
          0x0123456789abcdefULL}},
      ReplyDetail{ContactCard{42,
                              7611,
                              full_contact(),
                              26,
                              1'790'000'000'000,
                              7,
                              1'791'000'000'000,
                              8,
                              1'790'000'000'000,
                              7,
                              {ContactLinkView{ContactLinkKind::kChildOf, false, 43, 7612, "DUPONT Léo"}},
                              {ContactNote{1'790'000'000'000, 7, "Préfère le balcon"}},
                              3,
                              true,
                              44,
                              12,
                              "Jeune public",
                              {"Abonné", ""},
                              1'789'000'000'000}},
      ReplyDetail{ContactSearchPage{{contact_summary(42), contact_summary(43)}, 187}},
      ReplyDetail{ContactCards{{contact_summary(42)}}},
      ReplyDetail{ContactImportReport{
          {ContactImportResult{2, ImportOutcome::kCreated, 42, 7611, "", kContactIndividual, 9},
           ContactImportResult{3, ImportOutcome::kRefused, 0, 0, "an individual needs a first name", 0, 0},
           ContactImportResult{4, ImportOutcome::kUnchanged, 43, 7612, "", 0, 0}},
          1,
          0,
          1,
          1}},
      ReplyDetail{ContactLists{{ContactListEntry{ContactListKind::kIndividualCriterion, 4, "Abonné", false},
                                ContactListEntry{ContactListKind::kOrganisationCriterion, 2, "Mécène", true},
                                ContactListEntry{ContactListKind::kAudience, 3, "Jeune public", false}}}},
      ReplyDetail{
          ContactFindPage{{ContactFindRow{42, 7611, kContactIndividual, kContactAmbassador,
                                          static_cast<uint8_t>(ContactLinkKind::kRelayOf), 50, "ACME", "DUPONT Chantal",
                                          50, "ACME", "PARIS", "12 rue de Lyon, Bât. B", 1'789'000'000'000},
                           ContactFindRow{50, 7700, kContactOrganisation, 0, 0, kNone, "", "ACME", 42, "DUPONT Chantal",
                                          "LYON", "BP 12", 0}},
                          187}},
      ReplyDetail{ClientMarks{{ClientMark{0, 1, 42, 1'790'000'000'000}, ClientMark{1, 1, 43, 1'791'000'000'000}}}},
      ReplyDetail{ContactActivity{42,
                                  3,
                                  12'050,
                                  4'017,
                                  2,
                                  1,
                                  1'789'000'000'000,
                                  1'792'000'000'000,
                                  {ChannelUse{2, 2}, ChannelUse{1, 1}},
                                  1,
                                  1'795'000'000'000,
                                  ContactHistory::kMailings,
                                  {ActivityRow{1'790'000'000'000, 9, 3, kNone, 0, 0, false, 0, 0, 2, false,
                                               "reminder 2 in a letter file (format 3)"},
                                   ActivityRow{1'789'000'000'000, 0, (uint64_t{4} << 32) | 17, kNone, 0, 0, false, 17,
                                               4, 1, true, "subscription reminder 1 (run 4, format 3)"}},
                                  5,
                                  1'789'000'000'000,
                                  0,
                                  (uint64_t{4} << 32) | 17,
                                  "ARGENT"}},
      ReplyDetail{ReminderFormats{{reminder_format(), reminder_format()}}},
      ReplyDetail{ReminderRuns{
          {ReminderRunSummary{9, 5, "Revue", RunState::kExported, 3, Delivery::kEmail, Audience::kThirdParty, false,
                              1'790'000'000'000, 1'792'000'000'000, 2, 1'789'000'000'000, 1'789'000'100'000,
                              1'789'000'200'000, 40, 38, 2, "smtp://mail:25"},
           ReminderRunSummary{8, 5, "Revue", RunState::kSelected, 3, Delivery::kReview, Audience::kDirect, true, 0, 0,
                              1, 1'788'000'000'000, 0, 0, 12, 0, 0, ""}},
          30,
          8}},
      ReplyDetail{RunFile{9, "Relance_run9_20261204-101500.csv", 0, 120, 0, "last_name;city\nGIRAUD;Lyon\n"}},
      ReplyDetail{DocumentTemplates{
          {DefineDocumentTemplate{DocumentKind::kOrderReminder, "en", "Reminder", "Dear {name},\n{table}", false},
           DefineDocumentTemplate{DocumentKind::kOrderReminder, "fr", "Rappel", "Bonjour {name},\n{items}", false}}}},
      ReplyDetail{Payers{{DefinePayer{3, "CAF du Rhône"}, DefinePayer{8, "Comité d'entreprise"}}}},
      ReplyDetail{Invoices{{invoice_document(), invoice_document()},
                           9,
                           "/srv/exports/invoices/invoice-2026-000017.pdf",
                           std::string("%PDF-1.3\n\0\xff binary", 19),
                           {"/srv/exports/invoices/invoice-2026-000017.pdf", ""}}},
      ReplyDetail{Promo{PromoClaim{make_order_id(1, 2, 3), 2, "ETE-2027", 4, 12'000, 1'790'000'000'000, 14},
                        PromoState::kApplied, 0, 15, 1'800, 10'200}},
      ReplyDetail{PromoCodes{{PromoCodeUses{DefinePromoCode{"ETE-2027", 0, 15, 1'000, 2'000, 100, 4, 5'000}, 12},
                              PromoCodeUses{DefinePromoCode{"MOINS20", 2'000, 0, 0, 0, 0, kNone, 0}, 0}},
                             7}},
      ReplyDetail{PromoReturns{{PromoReturn{0, 1, make_order_id(0, 1, 0), 1, "MOINS20"},
                                PromoReturn{1, 4, make_order_id(1, 2, 3), 2, "ETE-2027"}}}},
      ReplyDetail{payment_batch()},
      ReplyDetail{FrozenPayments{{frozen_payment()}, {RefusedPayment{make_order_id(0, 4, 1), 3, "a refund"}}}},
      ReplyDetail{PaymentBatches{{payment_batch(), PaymentBatch{}}, 12}},
      ReplyDetail{CashbackAccount{7,
                                  1'800,
                                  3'000,
                                  1'200,
                                  {CashbackMovement{1'790'000'000'000, 3'000, 0, 14, "bienvenue"},
                                   CashbackMovement{1'790'000'100'000, -1'200, make_order_id(1, 2, 3), 0, ""}}}},
      ReplyDetail{CashbackUse{CashbackClaim{make_order_id(1, 2, 3), 2, 7, 1'200, 1'790'000'100'000, 14},
                              PromoState::kApplied, 1'800, 3'000, 9'000}},
      ReplyDetail{CashbackReturns{{CashbackReturn{0, 1, make_order_id(0, 1, 0), 1, 500},
                                   CashbackReturn{1, 4, make_order_id(1, 2, 3), 2, 1'200}}}},
      ReplyDetail{SponsorUse{SponsorClaim{make_order_id(1, 2, 3), 3, 8, 7, 1'500, 2'000, 1'790'000'000'000, 14},
                             PromoState::kPending, 1'500, 10'500}},
      ReplyDetail{PreRegPage{{PreRegRow{make_prereg_id(0, 4),
                                        2,
                                        "CART-2026-0042",
                                        21,
                                        1'790'000'000'000,
                                        requester(),
                                        "près de l'allée",
                                        {LineRequest{1000, 1, 3, 2, kNone}, LineRequest{1001, 1, 3, 2, kNone}},
                                        {make_order_id(0, 1, 4), make_order_id(1, 1, 7)},
                                        PreRegStatus::kPending,
                                        MatchMode::kAutomatic,
                                        PreRegMatch{20, 5001, "MARTIN Anne", MatchBasis::kNumber, 100, 1},
                                        {1},
                                        0,
                                        0,
                                        0,
                                        0}},
                             7,
                             make_prereg_id(0, 4)}},
      ReplyDetail{PreRegResults{
          {PreRegResult{make_prereg_id(0, 4), PreRegOutcome::kBooked, make_order_id(0, 1, 4), 0,
                        OrderState::kReservation, 20, ""},
           PreRegResult{make_prereg_id(0, 5), PreRegOutcome::kRefused, 0, 0, OrderState::kOption, kNone, "sold out"}},
          "/var/lib/tessera/exports/pre-registrations/integration-31.pdf",
          "",
          {"anne@example.org", "paul@example.net"},
          {"contact 23 (assistant of performance 1000): no e-mail address"}}},
      ReplyDetail{
          PreRegMatches{{make_prereg_id(0, 4)}, {PreRegMatch{20, 5001, "MARTIN Anne", MatchBasis::kEmail, 60, 1}}}},
      ReplyDetail{LeadPage{{LeadRow{make_prereg_id(0, 5),
                                    kNone,
                                    requester(),
                                    "rappeler",
                                    {LineRequest{1000, 1, 3, 2, kNone}},
                                    {make_order_id(0, 1, 5)},
                                    9,
                                    "Rhône-Alpes",
                                    LeadStatus::kLost,
                                    1'790'000'000'000,
                                    14}},
                           1,
                           0}},
      ReplyDetail{PerformanceCard{1000, 3, 1'790'000'000'000, 500, 4, 21, 22}},
      ReplyDetail{DocumentFile{make_order_id(1, 2, 3),
                               OrderDocument{2, 21, 1, "fiche.pdf", std::string(64, 'c'), 5, 1'790'000'000'000, 14,
                                             true, true, true, 1'790'000'100'000, 15},
                               std::string("%PDF\0\xff", 6)}},
      ReplyDetail{AddOnStock{1000, {AddOnStockRow{3, "Canoë", 3'500, 12, 12}, AddOnStockRow{4, "Vélo", 1'000, 5, 0}}}},
      ReplyDetail{DepartureChange{make_order_id(1, 2, 3),
                                  1000,
                                  1001,
                                  {AddOnLine{3, "Canoë", 3'000, 21}, AddOnLine{3, "Canoë", 3'500, 22}}}},
      ReplyDetail{TravelBookMails{
          {TravelBookMail{
               0, 1, make_order_id(0, 2, 3), 42, {43, 44}, "convocation.pdf", true, {}, 0, 1'790'700'000'000},
           TravelBookMail{1,
                          7,
                          make_order_id(1, 2, 3),
                          45,
                          {},
                          "convocation-dupont.pdf",
                          false,
                          {"Fiche sanitaire", "Carte d'identité"},
                          12'500,
                          1'790'800'000'000}}}},
  };
}

TEST(Codec, EveryReplyDetailKindRoundTripsUnchanged) {
  const std::vector<ReplyDetail> details = one_detail_of_each();
  ASSERT_EQ(details.size(), std::variant_size_v<decltype(ReplyDetail::value)>) << "add the new detail kind here";
  for (const ReplyDetail& d : details) {
    const Reply r = with_detail(d);
    auto back = round_trip(r);
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_TRUE(testing::deep_equal(r, static_cast<const Reply&>(*back)));
    ASSERT_NE(back->detail, nullptr) << "detail kind " << d.value.index();
    EXPECT_TRUE(testing::deep_equal(d.value, back->detail->value)) << "detail kind " << d.value.index();
  }
  auto plain = round_trip(Reply{});
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(plain->detail, nullptr) << "a reply without detail stays without";
}

TEST(Codec, EmptyDetailsRoundTrip) {
  for (ReplyDetail d : {ReplyDetail{FollowUpPage{}}, ReplyDetail{BulkOutcomes{}}, ReplyDetail{ReleaseSummary{}},
                        ReplyDetail{ReminderBatch{}}}) {
    auto back = round_trip(with_detail(d));
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    ASSERT_NE(back->detail, nullptr);
    EXPECT_TRUE(testing::deep_equal(d.value, back->detail->value));
  }
}

// Decodes one Result whose detail is built by `build`.
template <typename Build>
Result<ClientReply> decode_built(Build build) {
  fb::FlatBufferBuilder fbb;
  const auto [type, detail] = build(fbb);
  fbb.Finish(wire::CreateResult(fbb, wire::ResultCode::Ok, 0, wire::OrderState::Held, 0, 0, type, detail));
  return decode_reply(fb::GetRoot<wire::Result>(fbb.GetBufferPointer()));
}
using BuiltDetail = std::pair<wire::ResultDetail, fb::Offset<void>>;

TEST(Codec, DetailWithUnknownEnumIsRefused) {
  auto outcome = decode_built([](fb::FlatBufferBuilder& fbb) -> BuiltDetail {
    std::vector<wire::OrderOutcome> v{{1, static_cast<wire::Outcome>(9), wire::OrderState::Option}};
    return {wire::ResultDetail::BulkOutcomes, wire::CreateBulkOutcomes(fbb, fbb.CreateVectorOfStructs(v)).Union()};
  });
  ASSERT_FALSE(outcome.is_ok());
  EXPECT_NE(outcome.status().message().find("outcome"), std::string::npos) << outcome.status().message();
  auto state = decode_built([](fb::FlatBufferBuilder& fbb) -> BuiltDetail {
    const auto row = wire::CreateFollowUpRow(fbb, 1, 2, 0, static_cast<wire::OrderState>(40));
    return {wire::ResultDetail::FollowUpPage,
            wire::CreateFollowUpPage(fbb, fbb.CreateVector(std::vector{row}), 1, false).Union()};
  });
  ASSERT_FALSE(state.is_ok());
  EXPECT_NE(state.status().message().find("order state"), std::string::npos) << state.status().message();
  auto run = decode_built([](fb::FlatBufferBuilder& fbb) -> BuiltDetail {
    const auto format = wire::CreateDefineReminderFormat(fbb, 1, fbb.CreateString("f"));
    return {wire::ResultDetail::ReminderBatch,
            wire::CreateReminderBatch(fbb, 1, static_cast<wire::RunState>(7), format).Union()};
  });
  ASSERT_FALSE(run.is_ok());
  EXPECT_NE(run.status().message().find("run state"), std::string::npos) << run.status().message();
  auto unknown = decode_built([](fb::FlatBufferBuilder& fbb) -> BuiltDetail {
    return {static_cast<wire::ResultDetail>(99), wire::CreateBulkOutcomes(fbb).Union()};
  });
  EXPECT_FALSE(unknown.is_ok());
}

TEST(Codec, OverLongDetailListsAreRefused) {
  FollowUpPage page;
  page.rows.assign(kFollowUpRowsMax + 1, full_row(0));
  BulkOutcomes outcomes;
  outcomes.orders.assign(kBulkOrdersMax + 1, OrderOutcome{1, Outcome::kDone, OrderState::kReleased});
  for (ReplyDetail d : {ReplyDetail{std::move(page)}, ReplyDetail{std::move(outcomes)}}) {
    auto back = round_trip(with_detail(d));
    ASSERT_FALSE(back.is_ok()) << "detail kind " << d.value.index();
    EXPECT_NE(back.status().message().find("max"), std::string::npos) << back.status().message();
  }
}

TEST(Codec, OverLongContactDetailsAreRefused) {
  ContactCard names;
  names.criteria_names = {"Abonné", std::string(kNameLengthMax + 1, 'c')};
  ContactCard many_names;
  many_names.criteria_names.assign(kContactCriteriaMax + 1, "Abonné");
  ContactFindPage page;
  page.rows.assign(kContactSearchRowsMax + 1, ContactFindRow{42, 7611, kContactIndividual});
  const std::vector<std::pair<ReplyDetail, std::string>> bad = {
      {ReplyDetail{std::move(names)}, "criteria_names has an entry longer than"},
      {ReplyDetail{std::move(many_names)}, "criteria_names has"},
      {ReplyDetail{std::move(page)}, "rows has"},
      {ReplyDetail{ContactFindPage{{ContactFindRow{42, 7611, kContactIndividual, 0x40}}, 1}}, "contact flags"},
  };
  for (const auto& [d, what] : bad) {
    auto back = round_trip(with_detail(d));
    ASSERT_FALSE(back.is_ok()) << what;
    EXPECT_NE(back.status().message().find(what), std::string::npos) << back.status().message();
  }
}

// ContactLinkKind counts from 1: its wire values, not its count, bound it.
TEST(Codec, EnumValuesWithAGapAreCheckedOneByOne) {
  const EncodedRequest e = encode({Command{0, LinkContacts{42, 43, ContactLinkKind::kSubsidiaryOf, false}},
                                   Command{0, LinkContacts{42, 43, static_cast<ContactLinkKind>(0), false}},
                                   Command{0, LinkContacts{42, 43, static_cast<ContactLinkKind>(5), false}}});
  ASSERT_NE(e.request, nullptr);
  auto last = decode_command(e.request->commands()->Get(0));
  ASSERT_TRUE(last.is_ok()) << last.status().to_string();
  EXPECT_EQ(std::get<LinkContacts>(last->body).kind, ContactLinkKind::kSubsidiaryOf);
  for (uint32_t i = 1; i < 3; ++i) {
    auto c = decode_command(e.request->commands()->Get(i));
    ASSERT_FALSE(c.is_ok()) << "case " << i;
    EXPECT_NE(c.status().message().find("contact link kind"), std::string::npos) << c.status().message();
  }
}

// A client that leaves the flags out (FlatBuffers omits a field equal to
// the schema default) gets the engine's defaults: prospects and relays in.
TEST(Codec, FindContactsWithoutItsFlagsKeepsProspectsAndRelays) {
  fb::FlatBufferBuilder fbb;
  const auto find = wire::CreateFindContacts(fbb);
  fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::FindContacts, find.Union()));
  auto c = decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer()));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(testing::deep_equal(std::get<FindContacts>(c->body), FindContacts{}));
}

TEST(Codec, BackOfficeCommandsRefuseUnknownEnumsAndOverLongLists) {
  FollowUpFilter many_tariffs = full_filter();
  many_tariffs.tariffs.assign(kFilterListMax + 1, 11);
  FollowUpFilter many_categories = full_filter();
  many_categories.categories.assign(kFilterListMax + 1, 1);
  FollowUpFilter bad_types = full_filter();
  bad_types.contact_types = 0x80;
  DefineReminderFormat many_columns = reminder_format();
  many_columns.columns.assign(kReminderColumnsMax + 1, ReminderField::kLastName);
  DefineReminderFormat bad_column = reminder_format();
  bad_column.columns.push_back(static_cast<ReminderField>(kReminderFieldCount));
  const std::vector<std::pair<Command, std::string>> bad = {
      {Command{0, QueryFollowUp{many_tariffs, {}, 10}}, "tariffs"},
      {Command{0, PreviewRelease{many_categories}}, "categories"},
      {Command{0, ReleaseAll{bad_types}}, "contact type"},
      {Command{0, MarkOrders{std::vector<OrderId>(kBulkOrdersMax + 1, 1), ReleaseMark::kKeep}}, "orders"},
      {Command{0, MarkOrders{{1}, static_cast<ReleaseMark>(2)}}, "release mark"},
      {Command{0, LockOrders{std::vector<OrderId>(kBulkOrdersMax + 1, 1), true}}, "orders"},
      {Command{0, ReleaseOrders{std::vector<OrderId>(kBulkOrdersMax + 1, 1)}}, "orders"},
      {Command{0, RemindOrders{{1}, 3, static_cast<Delivery>(5)}}, "delivery"},
      {Command{0, many_columns}, "columns"},
      {Command{0, bad_column}, "reminder field"},
      {Command{0, StartReminderRun{1, 5, std::vector<IssueId>(kRunIssuesMax + 1, 1), Audience::kDirect, 3,
                                   Delivery::kFile}},
       "issues"},
      {Command{0, StartReminderRun{1, 5, {1}, static_cast<Audience>(2), 3, Delivery::kFile}}, "audience"},
      {Command{0, DefineContact{1, 1, "X", "", "", 0x80}}, "contact type"},
      {Command{0, DefineContact{1, 1, std::string(kNameLengthMax + 1, 'x'), "", "", kContactIndividual}}, "last_name"},
      {Command{0, UpdateContact{1, 1, "X", "", std::string(kEmailLengthMax + 1, 'e'), kContactIndividual}}, "email"},
      {Command{0, DefineSeries{1, std::string(kNameLengthMax + 1, 's')}}, "name"},
      {Command{0, RecordRunExport{1, 0, 0, std::string(kRunDestinationLengthMax + 1, '/')}}, "destination"},
      {Command{0, AddOrderNote{1, std::string(kNoteLengthMax + 1, 'n')}}, "text"},
      {Command{0, SetOrderInfo{1, std::string(kNoteLengthMax + 1, 'i')}}, "text"},
  };
  std::vector<Command> commands;
  for (const auto& [c, what] : bad) commands.push_back(c);
  const EncodedRequest e = encode(commands);
  ASSERT_NE(e.request, nullptr);
  for (uint32_t i = 0; i < bad.size(); ++i) {
    auto c = decode_command(e.request->commands()->Get(i));
    ASSERT_FALSE(c.is_ok()) << "case " << i << " (" << bad[i].second << ")";
    EXPECT_NE(c.status().message().find(bad[i].second), std::string::npos) << c.status().message();
  }
}

TEST(Codec, FollowUpQueryNeedsItsFilterTable) {
  fb::FlatBufferBuilder fbb;
  const auto query = wire::CreateQueryFollowUp(fbb, 0, nullptr, 10);
  fbb.Finish(wire::CreateCommand(fbb, 1, wire::CommandBody::QueryFollowUp, query.Union()));
  auto c = decode_command(fb::GetRoot<wire::Command>(fbb.GetBufferPointer()));
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("filter is required"), std::string::npos);
}

}  // namespace
}  // namespace tessera::net

namespace tessera::net {
namespace {

// The Commands table of docs/protocol.md, row by row, as the registry
// (engine/command_list.h) says it: tag, name, least role, logged, where it
// is applied, reply table. The columns after it (the v1 `value`) are prose.
std::string reply_table_name(engine::ReplyKind kind) {
  switch (kind) {
    case engine::ReplyKind::kAck:
      return "— (NONE)";
    case engine::ReplyKind::kOrder:
      return "OrderReply";
    case engine::ReplyKind::kSeatOrder:
      return "SeatOrderReply";
    case engine::ReplyKind::kAvailability:
      return "AvailabilityReply";
    case engine::ReplyKind::kCount:
      return "CountReply";
    case engine::ReplyKind::kReleaseBack:
      return "ReleaseBackReply";
    case engine::ReplyKind::kRunState:
      return "RunStateReply";
    case engine::ReplyKind::kFollowUpPage:
      return "FollowUpPage";
    case engine::ReplyKind::kBulkOutcomes:
      return "BulkOutcomes";
    case engine::ReplyKind::kReleaseSummary:
      return "ReleaseSummary";
    case engine::ReplyKind::kPrincipal:
      return "PrincipalReply";
    case engine::ReplyKind::kPrincipals:
      return "PrincipalList";
    case engine::ReplyKind::kReminderBatch:
      return "ReminderBatch";
    case engine::ReplyKind::kOrderRecord:
      return "OrderRecord";
    case engine::ReplyKind::kOrderPage:
      return "OrderPage";
    case engine::ReplyKind::kStockSummary:
      return "StockSummary";
    case engine::ReplyKind::kCatalogExport:
      return "CatalogExport";
    case engine::ReplyKind::kContact:
      return "ContactCard";
    case engine::ReplyKind::kContactSearch:
      return "ContactSearchPage";
    case engine::ReplyKind::kContactCards:
      return "ContactCards";
    case engine::ReplyKind::kContactImport:
      return "ContactImportReport";
    case engine::ReplyKind::kContactLists:
      return "ContactLists";
    case engine::ReplyKind::kContactFind:
      return "ContactFindPage";
    case engine::ReplyKind::kClientMarks:
      return "ClientMarks";
    case engine::ReplyKind::kContactActivity:
      return "ContactActivity";
    case engine::ReplyKind::kReminderFormats:
      return "ReminderFormats";
    case engine::ReplyKind::kReminderRuns:
      return "ReminderRuns";
    case engine::ReplyKind::kRunFile:
      return "RunFile";
    case engine::ReplyKind::kDocumentTemplates:
      return "DocumentTemplates";
    case engine::ReplyKind::kPayers:
      return "Payers";
    case engine::ReplyKind::kInvoices:
      return "Invoices";
    case engine::ReplyKind::kPromo:
      return "Promo";
    case engine::ReplyKind::kPromoCodes:
      return "PromoCodes";
    case engine::ReplyKind::kPromoReturns:
      return "PromoReturns";
    case engine::ReplyKind::kPaymentBatch:
      return "PaymentBatch";
    case engine::ReplyKind::kFrozenPayments:
      return "FrozenPayments";
    case engine::ReplyKind::kPaymentBatches:
      return "PaymentBatches";
    case engine::ReplyKind::kCashbackAccount:
      return "CashbackAccount";
    case engine::ReplyKind::kCashbackUse:
      return "CashbackUse";
    case engine::ReplyKind::kCashbackReturns:
      return "CashbackReturns";
    case engine::ReplyKind::kSponsorUse:
      return "SponsorUse";
    case engine::ReplyKind::kPreRegistrations:
      return "PreRegPage";
    case engine::ReplyKind::kPreRegResults:
      return "PreRegResults";
    case engine::ReplyKind::kPreRegMatches:
      return "PreRegMatches";
    case engine::ReplyKind::kLeads:
      return "LeadPage";
    case engine::ReplyKind::kPerformanceCard:
      return "PerformanceCard";
    case engine::ReplyKind::kDocumentFile:
      return "DocumentFile";
    case engine::ReplyKind::kAddOnStock:
      return "AddOnStock";
    case engine::ReplyKind::kDepartureChange:
      return "DepartureChange";
    case engine::ReplyKind::kTravelBookMails:
      return "TravelBookMails";
  }
  return "?";
}

std::string applied_on(engine::RouteKind route) {
  switch (route) {
    case engine::RouteKind::kCatalog:
      return "every shard, all or none";
    case engine::RouteKind::kFanOut:
      return "every shard, merged";
    case engine::RouteKind::kPerformance:
      return "shard of `performance`";
    case engine::RouteKind::kSeatRequest:
      return "shard of `request.performance`";
    case engine::RouteKind::kFirstLine:
      return "shard of the first line's performance";
    case engine::RouteKind::kOrder:
      return "shard in the `order` id";
    case engine::RouteKind::kSelection:
      return "split by the shard of each of `orders`";
    case engine::RouteKind::kSubscription:
      return "shard of `subscription`";
    case engine::RouteKind::kDirectory:
      return "shard 0";
    case engine::RouteKind::kContacts:
      return "contact directory";
    case engine::RouteKind::kShard:
      return "the shard `shard` names";
  }
  return "?";
}

std::string least_role(engine::Role role) {
  switch (role) {
    case engine::Role::kWebshop:
      return "webshop";
    case engine::Role::kBackoffice:
      return "backoffice";
    case engine::Role::kAdmin:
      return "admin";
    case engine::Role::kInternal:
      return "none (server only)";
  }
  return "?";
}

// The row's cells up to the reply table; "logged" may carry a remark after
// "yes" (DefinePrincipal: "yes (token hash only)").
std::vector<std::string> registry_cells(const engine::CommandInfo& c) {
  return {std::to_string(c.tag),    "`" + std::string(c.name) + "`",
          least_role(c.least_role), c.access == engine::Access::kQuery ? "no (query)" : "yes",
          applied_on(c.route),      reply_table_name(c.reply)};
}

std::vector<std::string> markdown_cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t at = line.find('|');
  while (at != std::string::npos) {
    const size_t next = line.find('|', at + 1);
    if (next == std::string::npos) break;
    std::string cell = line.substr(at + 1, next - at - 1);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
    at = next;
  }
  return cells;
}

TEST(ProtocolDoc, TheCommandsTableIsTheRegistryRowByRow) {
  std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/docs/protocol.md");
  ASSERT_TRUE(in) << "docs/protocol.md";
  std::vector<std::vector<std::string>> rows;  // the table's rows, in order
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> cells = markdown_cells(line);
    if (cells.size() >= 6 && !cells[0].empty() && std::isdigit(static_cast<unsigned char>(cells[0][0])))
      rows.push_back(cells);
  }
  std::string expected;  // what the rows must begin with: printed on a mismatch, to paste
  for (const engine::CommandInfo& c : engine::kCommandInfo) {
    const std::vector<std::string> want = registry_cells(c);
    for (const std::string& cell : want) expected += "| " + cell + " ";
    expected += "| ... |\n";
  }
  ASSERT_EQ(rows.size(), std::size(engine::kCommandInfo)) << "one row per command, in tag order:\n" << expected;
  std::string mismatches;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string> want = registry_cells(engine::kCommandInfo[i]);
    for (size_t k = 0; k < want.size(); ++k) {
      const std::string& got = rows[i][k];
      const bool same = k == 3 && want[k] == "yes" ? got.rfind("yes", 0) == 0 : got == want[k];
      if (!same)
        mismatches += "row " + std::to_string(i + 1) + " cell " + std::to_string(k + 1) + ": \"" + got +
                      "\", the registry says \"" + want[k] + "\"\n";
    }
  }
  EXPECT_EQ(mismatches, "") << "docs/protocol.md's Commands table, as the registry has it:\n" << expected;
}

}  // namespace
}  // namespace tessera::net

namespace tessera::net {
namespace {

TEST(WireTables, EveryCommandsEngineStructMatchesItsWireTable) { EXPECT_EQ(check_wire_tables(), ""); }

}  // namespace
}  // namespace tessera::net
