// WireTable: the rules a wire field must satisfy beyond its type, by name.
#include "net/wire_table.h"

#include "engine/limits.h"

namespace tessera::net::wire_table {

using namespace tessera::engine;

namespace {

// clang-format off
constexpr FieldRule kFieldRules[] = {
  // Texts: names are required, the others optional.
  {"name",                          true,  kNameLengthMax},
  {"last_name",                     true,  kNameLengthMax},
  {"first_name",                    false, kNameLengthMax},
  {"email",                         false, kEmailLengthMax},
  {"separator",                     false, kNameLengthMax},
  {"extension",                     false, kNameLengthMax},
  {"destination",                   false, kRunDestinationLengthMax},
  {"token_hash",                    false, 64},
  {"text",                          false, kNoteLengthMax},
  {"client_info",                   false, kNoteLengthMax},
  {"label",                         false, kMoneyTextMax},
  {"bank",                          false, kMoneyTextMax},
  {"status",                        false, kNameLengthMax},
  {"section",                       false, kNameLengthMax},
  {"detail",                        false, kNameLengthMax},
  {"civility",                      false, kContactFieldLengthMax},
  {"function",                      false, kContactFieldLengthMax},
  {"mobile",                        false, kContactFieldLengthMax},
  {"phone",                         false, kContactFieldLengthMax},
  {"fax",                           false, kContactFieldLengthMax},
  {"language",                      false, kContactFieldLengthMax},
  {"web_login",                     false, kContactFieldLengthMax},
  {"preferred_seats",               false, kContactFieldLengthMax},
  {"admin_number",                  false, kContactFieldLengthMax},
  {"reference_code",                false, kContactFieldLengthMax},
  {"iban",                          false, kContactFieldLengthMax},
  {"ContactAddress.lines",          false, kAddressLinesMax},
  {"postcode",                      false, kContactFieldLengthMax},
  {"city",                          false, kContactFieldLengthMax},
  {"department",                    false, kContactFieldLengthMax},
  {"region",                        false, kContactFieldLengthMax},
  {"country",                       false, kContactFieldLengthMax},
  {"query",                         true,  kNameLengthMax},
  {"other_name",                    false, 2 * kNameLengthMax + 1},
  {"reason",                        false, kNoteLengthMax},
  {"line",                          false, 3 * kNameLengthMax},
  {"FindContacts.name",             false, kNameLengthMax},
  {"DefineContingent.name",         false, kNameLengthMax},  // optional: empty = unnamed
  {"DefineSubContingent.name",      false, kNameLengthMax},
  {"FindContacts.relay",            false, kNameLengthMax},
  {"audience_name",                 false, kNameLengthMax},
  {"role_of_name",                  false, 2 * kNameLengthMax + 1},
  {"relay_name",                    false, 2 * kNameLengthMax + 1},
  {"ContactFindRow.name",           false, 2 * kNameLengthMax + 1},
  {"ContactFindRow.address",        false, 2 * kAddressLinesMax},
  {"street",                        false, 2 * kAddressLinesMax},
  {"series_name",                   false, kNameLengthMax},
  {"RunFile.name",                  false, kRunDestinationLengthMax},
  {"content",                       false, kRunFileChunkBytes},
  {"AttachDocument.content",        false, kDocumentBytesMax},
  {"DocumentFile.content",          false, kDocumentBytesMax},
  {"sha256",                        false, 64},
  {"absence_reason",                false, kAbsenceReasonBytesMax},
  {"SetAttendance.reason",          false, kAbsenceReasonBytesMax},
  {"required_for",                  false, kFilterListMax},
  {"participants",                  false, kOrderQuantityMax},
  {"OrderRecord.documents",         false, kOrderDocumentFilesMax},
  {"missing_documents",             false, kOrderQuantityMax},
  {"DefineDocumentTemplate.subject", false, kTemplateSubjectBytesMax},
  {"DefineDocumentTemplate.body",   false, kTemplateBodyBytesMax},
  // Lists.
  {"lines",                         true,  kOrderLinesMax},
  {"keep",                          false, kOrderLinesMax},
  {"channels",                      false, kContingentChannelsMax},
  {"DefinePrincipal.channels",      false, kPrincipalChannelsMax},
  {"seats",                         false, kSeatsPerCommandMax},
  {"LayoutRow.seats",               true,  kRowSeatsMax},
  {"categories",                    false, kFilterListMax},
  {"DefineVenueLayout.categories",  false, kLayoutCategoriesMax},
  {"sections",                      true,  kLayoutSectionsMax},
  {"rows",                          true,  kLayoutSeatsMax},
  {"tariffs",                       false, kFilterListMax},
  {"FollowUpFilter.performances",   false, kFilterListMax},
  {"FollowUpFilter.contingents",    false, kFilterListMax},
  {"FollowUpFilter.channels",       false, kFilterListMax},
  {"FollowUpFilter.contacts",       false, kFilterListMax},
  {"FollowUpFilter.product_types",  false, kFilterListMax},
  {"orders",                        false, kBulkOrdersMax},
  {"notes",                         false, kOrderNotesMax},
  {"StockSummary.rows",             false, kCategoriesPerPerformanceMax},
  {"workflow",                      false, kOrderWorkflowEntriesMax},
  {"issues",                        false, kRunIssuesMax},
  {"columns",                       false, kReminderColumnsMax},
  {"addresses",                     false, kContactAddressesMax},
  {"criteria",                      false, kContactCriteriaMax},
  {"links",                         false, kContactLinksMax},
  {"ContactCard.notes",             false, kContactNotesMax},
  {"ContactSearchPage.rows",        false, kContactSearchRowsMax},
  {"cards",                         false, kContactCardsMax},
  {"GetContactCards.contacts",      false, kContactCardsMax},
  {"ImportContacts.rows",           true,  kContactImportRowsMax},
  {"ContactImportReport.rows",      false, kContactImportRowsMax},
  {"SetContactProfiles.profiles",   true,  kContactImportRowsMax},
  {"criteria_names",                false, kContactCriteriaMax, 0, "", kNameLengthMax},
  {"ContactLists.entries",          false, 3 * kContactListEntriesMax},
  {"ContactFindPage.rows",          false, kContactSearchRowsMax},
  {"GetClientMarks.after",          false, kShardsMax},
  {"marks",                         false, kClientMarksPerReplyMax * kShardsMax},
  {"ContactActivity.rows",          false, kContactSearchRowsMax},
  {"ContactActivity.channels",      false, kActivityChannelsMax},
  {"ReminderFormats.formats",       false, kReminderFormatsMax},
  {"ReminderRuns.runs",             false, kRunsInReplyMax},
  {"DocumentTemplates.templates",   false, kDocumentTemplatesMax},
  {"payments",                      false, kOrderPaymentsMax},
  {"Payers.payers",                 false, kPayersMax},
  {"InvoiceLine.label",             false, kInvoiceTextMax},
  {"billed_to",                     false, kInvoiceTextMax},
  {"InvoiceDocument.reason",        false, kInvoiceTextMax},
  {"CancelInvoice.reason",          true,  kMoneyTextMax},
  {"Invoices.file",                 false, kRunDestinationLengthMax},
  {"Invoices.pdf",                  false, kInvoicePdfBytesMax},
  {"Invoices.documents",            false, kInvoicesPageMax},
  {"InvoiceDocument.lines",         false, kInvoiceLinesMax},
  {"invoices",                      false, kOrderDocumentsMax},
  {"Invoices.files",                false, kInvoicesPageMax, 0, "", kRunDestinationLengthMax},
  {"scale",                         false, kCancellationStepsMax},
  {"organiser",                     false, kInvoiceTextMax},
  {"CancelValidated.reason",        true,  kMoneyTextMax},
  {"document",                      true},
  {"code",                          false, kPromoCodeBytesMax},
  {"promo_code",                    false, kPromoCodeBytesMax},
  {"ListPromoCodes.after",          false, kPromoCodeBytesMax},
  {"claim",                         true},
  {"definition",                    true},
  {"PromoCodes.codes",              false, kPromoCodesPageMax},
  {"GetPromoReturns.after",         false, kShardsMax},
  {"GetCashbackReturns.after",      false, kShardsMax},
  {"returns",                       false, kPromoReturnsPerReplyMax * kShardsMax},
  {"fees",                          false, kOrderFeesMax},
  {"movements",                     false, kCashbackMovementsKept},
  {"counterpart",                   false, kBatchTextMax},
  {"RefusedPayment.reason",         false, kInvoiceTextMax},
  {"PaymentBatch.file",             false, kRunDestinationLengthMax},
  {"items",                         false, kBatchItemsMax},
  {"frozen",                        false, kExportPaymentsPerShardMax * kShardsMax},
  {"refused",                       false, kBatchItemsMax},
  {"PaymentBatch.documents",        false, kExportDocumentsMax},
  {"PaymentBatches.batches",        false, kBatchesPageMax},
  {"failed_subscriptions",          false, kRunItemsMax},
  {"pmg_tier",                      false, kNameLengthMax},
  {"reference",                     true,  kPreRegReferenceMax},
  {"sector",                        false, kNameLengthMax},
  {"PreRegMatch.name",              false, 2 * kNameLengthMax + 1},
  {"PreRegRow.orders",              false, kShardsMax},
  {"missing_shards",                false, kShardsMax},
  {"kept_options",                  false, kShardsMax},
  {"PreRegPage.rows",               false, kPreRegBatchMax},
  {"LeadPage.rows",                 false, kPreRegRowsMax},
  {"results",                       false, kPreRegBatchMax},
  {"ids",                           false, kPreRegBatchMax},
  {"decisions",                     false, kPreRegBatchMax},
  {"requests",                      false, kPreRegBatchMax},
  {"matches",                       false, kPreRegBatchMax},
  {"PreRegResults.report",          false, kRunDestinationLengthMax},
  {"report_error",                  false, kNoteLengthMax},
  {"mailed",                        false, kIntegrationMailsMax, 0, "", kEmailLengthMax},
  {"not_mailed",                    false, kIntegrationMailsMax, 0, "", kNoteLengthMax},
  // Nested tables.
  {"request",                       true},
  {"filter",                        true},
  {"record",                        true},
  {"requester",                     true},
  {"match",                         true},
  {"IntegratePreRegistrations.options", true},
  {"ApplyPreRegistrations.options", true},
  // Bit sets.
  {"types",                         false, 0, kContactTypesAll, "contact type bits"},
  {"contact_types",                 false, 0, kContactTypesAll, "contact type bits"},
  {"flags",                         false, 0, kSeatFlagsAll,    "seat flags"},
  {"ContactFields.flags",           false, 0, kContactFlagsAll, "contact flags"},
  {"ContactSummary.flags",          false, 0, kContactFlagsAll, "contact flags"},
  {"ContactFindRow.flags",          false, 0, kContactFlagsAll, "contact flags"},
  {"ImportContacts.columns",        false, 0, kContactColumnsAll, "import column bits"},
  {"options",                       false, 0, kSeatOptionsAll,  "seat options"},
};
// clang-format on

const FieldRule* find_rule(std::string_view table, std::string_view field) {
  const FieldRule* general = nullptr;
  for (const FieldRule& r : kFieldRules) {
    if (r.field == field) general = &r;
    const size_t dot = r.field.find('.');
    if (dot != std::string_view::npos && r.field.substr(0, dot) == table && r.field.substr(dot + 1) == field) return &r;
  }
  return general;
}

}  // namespace

const FieldRule& rule_for(std::string_view table, std::string_view field) {
  static constexpr FieldRule kNone{};
  const FieldRule* r = find_rule(table, field);
  return r ? *r : kNone;
}

bool has_rule(std::string_view table, std::string_view field) { return find_rule(table, field) != nullptr; }

}  // namespace tessera::net::wire_table
