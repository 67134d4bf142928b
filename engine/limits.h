// Named maxima: every queue, batch, table and list in Tessera has one, here.
//
// A limit that is reached gives a clear error (ReplyCode::kLimitExceeded or
// Status::resource_exhausted); nothing grows without bound. Values are sized
// for one shard on a 24 GiB machine.
#pragma once

#include <cstdint>

namespace tessera::engine {

// Inventory set-up.
inline constexpr uint32_t kShardsMax = 64;  // order ids keep 8 bits of shard
inline constexpr uint32_t kCategoriesPerPerformanceMax = 64;
inline constexpr uint32_t kChannelCapsPerPerformanceMax = 32;
inline constexpr uint32_t kContingentChannelsMax = 16;
inline constexpr uint32_t kTariffPricesMax = 256;
inline constexpr uint32_t kPolicyOverridesPerProductMax = 32;
inline constexpr uint32_t kNameLengthMax = 200;
inline constexpr uint32_t kEntitiesMax = 1u << 22;  // each of seasons, products, performances...

// Seated inventory.
inline constexpr uint32_t kLayoutSeatsMax = 200'000;     // seats in one venue layout
inline constexpr uint32_t kLayoutSectionsMax = 1'000;    // sections in one venue layout
inline constexpr uint32_t kRowSeatsMax = 1'000;          // seats in one row (a row is a run between aisles)
inline constexpr uint32_t kLayoutCategoriesMax = 64;     // seat categories in one layout (== per performance)
inline constexpr uint32_t kLayoutsMax = 4'096;           // venue layouts per shard (a copy on every shard)
inline constexpr uint32_t kSeatsPerCommandMax = 20'000;  // seats named in one block/unblock/move command
inline constexpr uint32_t kSeatContingentsPerPerformanceMax = 4'000;  // seated contingents (fits the 14-bit slot)
inline constexpr uint32_t kContingentDepthMax = 8;       // nesting: root contingent + 7 levels of sub-groups
inline constexpr uint32_t kSeatsNamedInMessageMax = 20;  // taken seats listed in one refusal message

// Orders.
inline constexpr uint32_t kOrderLinesMax = 64;                // lines in one order
inline constexpr uint32_t kLineQuantityMax = 1000;            // units in one line
inline constexpr uint32_t kOrderQuantityMax = 10'000;         // units in one order
inline constexpr uint32_t kLiveOrdersPerShardMax = 1u << 25;  // 33M live orders per shard
inline constexpr uint32_t kIdempotencyKeysMax = 1u << 20;     // remembered request keys per shard (FIFO)
inline constexpr uint32_t kBulkOrdersMax = 10'000;            // orders named in one bulk command

// Back office.
inline constexpr uint32_t kContactsMax = 1u << 24;  // contact records (a copy on every shard)
inline constexpr uint32_t kEmailLengthMax = 254;
// The contact directory (directory/contact_directory.h).
inline constexpr uint32_t kDirectoryContactsMax = 1u << 24;  // contacts in the directory
inline constexpr uint32_t kContactFieldLengthMax = 200;      // bytes of a phone, city, code... field
inline constexpr uint32_t kAddressLinesMax = 600;            // bytes of an address's street lines
inline constexpr uint32_t kContactAddressesMax = 3;          // main, delivery, billing
inline constexpr uint32_t kContactCriteriaMax = 64;          // criteria on one contact
inline constexpr uint32_t kContactLinksMax = 1'000;          // links from or to one contact
inline constexpr uint32_t kContactNotesMax = 256;            // notes on one contact
inline constexpr uint32_t kContactSearchRowsMax = 100;       // rows in one search answer
inline constexpr uint32_t kContactSearchRowsDefault = 20;
inline constexpr uint32_t kContactCardsMax = 1'000;         // contacts in one GetContactCards
inline constexpr uint32_t kContactImportRowsMax = 1'000;    // rows in one ImportContacts (and profiles in one
                                                            // SetContactProfiles)
inline constexpr uint32_t kContactListEntriesMax = 1'000;   // entries in one list the organisation defines
inline constexpr uint32_t kClientMarksPerReplyMax = 4'096;  // client marks one shard answers at once
inline constexpr uint32_t kActivityChannelsMax = 64;        // channels in one ContactActivity (the most used)
inline constexpr uint32_t kFollowUpRowsMax = 100;           // rows in one follow-up answer (the screen's cap)
// QueryFollowUp limit 0: the follow-up screen's page (seed 000: 100 rows).
inline constexpr uint32_t kFollowUpRowsDefault = 100;
inline constexpr uint32_t kSkippedOrdersPage = 100;  // skipped orders a release summary names per page
inline constexpr uint32_t follow_up_limit(uint32_t limit) { return limit == 0 ? kFollowUpRowsDefault : limit; }
inline constexpr int64_t kOptionLifetimeMsMin = 60'000;  // SetOptionLifetime: at least a minute
inline constexpr uint32_t kOrderListRowsMax = 500;       // orders in one ListOrders answer
inline constexpr uint32_t kOrderNotesMax = 256;          // operator notes on one order
inline constexpr uint32_t kNoteLengthMax = 4000;         // bytes of a note or of the client's information
inline constexpr uint32_t kOrderWorkflowMax = 1024;      // workflow entries after which operators' actions are refused
// The most entries an order's workflow can reach: the last few transitions
// (confirm, close) are never refused for room.
inline constexpr uint32_t kOrderWorkflowEntriesMax = kOrderWorkflowMax + 8;
// Money (engine/order_money.h).
inline constexpr uint32_t kPayersMax = 1'000;       // third-party payers defined (all in one ListPayers answer)
inline constexpr uint32_t kOrderPaymentsMax = 256;  // payments and refunds on one order
inline constexpr int64_t kPaymentCentsMax = 10'000'000'000;  // one payment: 100 million in cents
inline constexpr uint32_t kMoneyTextMax = 200;               // bytes of a payment's label, bank or reason
inline constexpr int64_t kMoneyDateAheadMsMax = 86'400'000;  // a date received/collected/signed: at most a day ahead
// Invoices (engine/commands_invoices.h).
inline constexpr uint32_t kInvoicesPageMax = 500;      // documents in one ListInvoices answer
inline constexpr uint32_t kAutoInvoicesPageMax = 256;  // invoices in one GetAutoInvoices answer
inline constexpr uint32_t kInvoiceLinesMax = 1'000;    // lines of one document (an order has at most that many)
inline constexpr uint32_t kInvoiceTextMax = 2'000;  // bytes of a document's billed-to block, a line's label, a reason
inline constexpr uint32_t kInvoiceYearMin = 1970;   // a numbering year
inline constexpr uint32_t kInvoiceYearMax = 9999;
inline constexpr uint32_t kInvoiceNumberMax = 999'999;     // per kind and year (the PDF prints 6 digits)
inline constexpr uint32_t kOrderDocumentsMax = 64;         // invoices and credit notes of one order
inline constexpr uint32_t kOrderPendingDocumentsMax = 3;   // frozen by one command (CancelValidated: 3)
inline constexpr uint32_t kCancellationStepsMax = 32;      // steps of one cancellation scale
inline constexpr uint32_t kCancellationDaysMax = 3'660;    // a step's days before the start
inline constexpr uint32_t kReturnCityRuleMax = 100'000;    // hundredths of a percent: 1000 %
inline constexpr uint32_t kInvoicePdfBytesMax = 2u << 20;  // a rendered document in a RenderInvoice answer
// Promo codes (engine/commands_promo.h).
inline constexpr uint32_t kPromoCodeBytesMax = 32;           // a code's text
inline constexpr uint32_t kPromoCodesMax = 100'000;          // codes the register keeps
inline constexpr uint32_t kPromoCodesPageMax = 500;          // codes in one ListPromoCodes answer
inline constexpr uint32_t kPromoUsesMax = 10'000'000;        // a code's use limit
inline constexpr uint32_t kPromoReturnsPerReplyMax = 4'096;  // returns one shard answers at once
inline constexpr uint32_t kOrderPromoClaimsMax = 64;         // promo claims one order may begin
inline constexpr uint32_t kOrderFeesMax = 32;                // annex fees on one order
inline constexpr uint32_t kAnnexFeesMax = 1'000;             // annex fees defined
// The administrative file (engine/commands_dossier.h).
inline constexpr uint32_t kDocumentTypesMax = 1'000;     // document types defined
inline constexpr uint32_t kOrderDocumentFilesMax = 256;  // documents attached to one order
inline constexpr uint32_t kDocumentBytesMax = 64u
                                              << 20;  // one document (the server's limit is lower: 10 MiB by default)
inline constexpr uint32_t kAbsenceReasonBytesMax = 200;
// Departures and add-ons (engine/commands_dossier.h).
inline constexpr uint32_t kDeparturesMax = 100'000;             // departures defined
inline constexpr uint32_t kAddOnsMax = 10'000;                  // add-ons defined
inline constexpr uint32_t kParticipantAddOnsMax = 32;           // add-ons one participant selects
inline constexpr uint32_t kAddOnQuotasPerShardMax = 1'000'000;  // add-on quotas on one shard
inline constexpr uint32_t kAddOnCapacityMax = 1'000'000;        // one add-on's quota on one departure
// The travel book (engine/commands_travel_book.h).
inline constexpr uint32_t kDepartureBooksMax = 64;            // convocations of one departure
inline constexpr uint32_t kOrderTravelBooksMax = 64;          // individual convocations of one order
inline constexpr uint32_t kTravelBookMailsPerReplyMax = 256;  // mails one shard answers at once
inline constexpr uint32_t kTravelBookOutboxMax = 100'000;     // mails waiting on one shard
inline constexpr int64_t kLinePriceCentsMax =
    100'000'000;  // SetLinePrice: a unit at most 1 million  // a participant's absence reason
// Cashback (engine/commands_cashback.h).
inline constexpr uint32_t kCashbackLabelBytesMax = kMoneyTextMax;  // a credit's label
inline constexpr uint32_t kCashbackMovementsKept = 100;            // movements a contact's cashback shows (the latest)
inline constexpr uint32_t kCashbackReturnsPerReplyMax = 4'096;     // returns one shard answers at once
inline constexpr uint32_t kOrderCashbackClaimsMax = 64;            // cashback claims one order may begin
inline constexpr uint32_t kOrderSponsorClaimsMax = 64;             // sponsor claims one order may begin
// Payment batches (engine/commands_batches.h).
inline constexpr uint32_t kBatchItemsMax = 1'000;                        // payments a deposit or payout names
inline constexpr uint32_t kBatchesMax = 1'000'000;                       // batches of one kind
inline constexpr uint32_t kBatchesPageMax = 50;                          // batches in one ListPaymentBatches answer
inline constexpr uint32_t kExportPaymentsPerShardMax = 2'048;            // payments one export takes from one shard
inline constexpr uint32_t kExportDocumentsMax = 4'096;                   // invoices and credit notes one export takes
inline constexpr uint32_t kBatchTextMax = 200;                           // bytes of a batch's counterpart or label
inline constexpr int64_t kOrderRetentionMsMin = 3'600'000;               // SetOrderRetention: an hour
inline constexpr int64_t kOrderRetentionMsMax = 3'660LL * 86'400'000LL;  // ... to ten years
inline constexpr uint32_t kFilterListMax = 64;                           // values of one follow-up filter list
inline constexpr uint32_t kReminderFormatsMax = 1'024;
inline constexpr uint32_t kReminderColumnsMax = 32;  // fields in one reminder format
inline constexpr uint32_t kSeriesMax = 65'536;
inline constexpr uint32_t kIssuesPerSeriesMax = 10'000;
inline constexpr uint32_t kSubscriptionsPerShardMax = 1u << 24;
inline constexpr uint32_t kRunIssuesMax = 1'000;             // issues chosen for one reminder run
inline constexpr uint32_t kRunItemsMax = 1'000'000;          // subscriptions reminded by one run
inline constexpr uint32_t kRunsMax = 100'000;                // reminder runs remembered per shard
inline constexpr uint32_t kReminderItemsInReplyMax = 1'000;  // items a run's reply lists (the export has them all)
inline constexpr uint32_t kRunsInReplyMax = 100;             // runs one ListReminderRuns page lists
inline constexpr uint32_t kRunFileChunkBytes = 1u << 20;     // bytes of a run's file one ReadRunFile reply carries
inline constexpr uint32_t kTemplateSubjectBytesMax = 200;    // a document template's subject
inline constexpr uint32_t kTemplateBodyBytesMax = 16'384;    // a document template's body
inline constexpr uint32_t kDocumentTemplatesMax = 256;       // templates defined (kinds × languages)
inline constexpr uint32_t kRunDestinationLengthMax = 1'024;  // a run's export destination (path or URL)

// Time. Engine time is milliseconds since the Unix epoch.
inline constexpr int64_t kHoldTtlMsMin = 1'000;                               // 1 s
inline constexpr int64_t kHoldTtlMsMax = 24LL * 3600 * 1000;                  // 24 h
inline constexpr int64_t kDeadlineAheadMsMax = 3LL * 365 * 24 * 3600 * 1000;  // 3 years
inline constexpr int64_t kTimeMsMax = (int64_t{1} << 48) - 1;                 // timing wheel range

// Shard loop.
inline constexpr uint32_t kExpiriesPerSliceMax = 65'536;  // expiries per advance() slice
inline constexpr uint32_t kInboxCapacity = 1u << 16;      // commands waiting per shard
inline constexpr uint32_t kBatchCommandsMax = 8'192;      // commands drained per loop

// Pre-registrations and leads (engine/commands_preregistrations.h).
inline constexpr uint32_t kPreRegReferenceMax = 64;          // bytes of a shop's cart reference
inline constexpr uint32_t kPreRegRowsMax = 500;              // rows in one list answer
inline constexpr uint32_t kPreRegBatchMax = 10'000;          // requests one match, delete or integration names
inline constexpr uint32_t kIntegrationMailsMax = 1'000;      // information e-mails one integration sends
inline constexpr uint32_t kPreRegistrationsMax = 4'000'000;  // parts a shard keeps (pending, integrated, deleted)
inline constexpr uint32_t kLeadsMax = 4'000'000;             // lead parts a shard keeps

inline constexpr uint32_t kPrincipalsMax = 10'000;     // principals ever added (revoked ones count)
inline constexpr uint32_t kPrincipalChannelsMax = 64;  // sales channels of one web shop

}  // namespace tessera::engine
