// The command registry's table: every command, declared once.
//
// One row per command, in tag order. Everything else about a command is
// derived from its row (engine/command_registry.h): the CommandBody
// alternative, its name, the log record's type tag, routing, the least role
// that may send it, whether it is logged, how a fan-out's replies merge, and
// the typed reply it answers with; net/ derives the wire union dispatch and
// checks at compile time that `wire::CommandBody::<Name>` == tag.
//
// Adding a command: append a row with the next tag, declare its struct in
// engine/command.h (fields() in wire-table order), its apply function
// (Shard::on), its wire table in net/tessera.fbs (union member in tag order)
// with its encode/decode in net/command_codec.cc, and its reply table if it
// needs a new one. A row missing a property does not compile.
//
// Stability: a tag is never reused or renumbered (it is written in every log
// record and every wire frame); a retired command keeps its row. See
// docs/format.md.
//
// Columns:
//   tag     stable numeric tag: CommandBody index + 1, the log record type,
//           the wire union type
//   Name    engine struct (engine/command.h) = wire table (net/tessera.fbs)
//   route   kCatalog       every shard, validated on all before any applies
//           kFanOut        every shard applies its part; replies merged
//           kPerformance   the shard of `performance`
//           kSeatRequest   the shard of `request.performance`
//           kFirstLine     the shard of the first line's performance
//           kOrder         the shard in the `order` id
//           kSelection     split by the shard in each of `orders`
//           kSubscription  the shard of `subscription`
//           kDirectory     shard 0 (principals)
//           kShard         the shard `shard` names (the server's own steps)
//           kContacts      the contact directory partition (directory/)
//   role    least role that may send it: kWebshop < kBackoffice < kAdmin;
//           kInternal = no connection (the server itself)
//   access  kQuery (read-only, never logged) or kWrite
//   merge   kSingle (one shard), kAllAgree (catalog: the common reply),
//           kFirstRefusal, kCountSum, kFollowUpPage, kReleaseSummary, kOutcomes,
//           kReminderOutcomes, kRunBatch, kRunBatchTrimmed, kOrderPage,
//           kCatalogExport, kClientMarks, kRunList, kPromoReturns,
//           kPreRegPage, kPreRegResults, kLeadPage
//   reply   the typed reply (engine/command_registry.h, ReplyKind)
//   effect  what the server does once the command is durable: kNoEffect,
//           kExportReminders (write the reminder file / send the e-mails of
//           the reply's batch, then answer), kReadRunFile (read a chunk of
//           the run's file, off the shard threads), kPrincipals (update
//           the server's principal directory), kNumberInvoice (have the
//           order's pending documents numbered by the register, one after
//           the other, noted on the order and rendered as PDF, then answer) or
//           kRenderInvoice (render the document as PDF off the shard threads),
//           kClaimPromo / kClaimCashback / kClaimSponsor (have the claim
//           the order took paid or checked by its owner and noted on the
//           order, then answer: engine/commands_promo.h,
//           engine/commands_cashback.h, engine/commands_sponsorship.h)
//           or kSettleBatch (have the batch's payments frozen on their
//           shards and the batch settled, an export written as CSV, then
//           answer: engine/commands_batches.h); kPlacePreRegistration
//           (place the request's parts on the other shards it spans, then
//           answer), kMatchPreRegistrations (fill each pending row's match
//           from the directory) and kIntegratePreRegistrations (match, then
//           ApplyPreRegistrations on every shard, then the report and the
//           e-mails): engine/commands_preregistrations.h; kStoreDocument
//           (before the command is logged, the server stores the
//           document's content by its digest, server/document_store.h;
//           once durable, the file is the order's) and kReadDocument (the
//           document's content read back, off the shard threads):
//           engine/commands_dossier.h; kOrderPdf (a saved modification of
//           the order's content: the order's PDF as it stands then, written
//           under the export directory off the shard threads, the reply not
//           waiting for it; RenderOrderPdf: that PDF written again, then
//           answer): server/order_pdf_effects.h
#pragma once

// clang-format off
#define TESSERA_COMMANDS(X)                                                                                             \
  /* tag name                       route          role         access  merge              reply           effect */    \
  X(1,   DefineSeason,              kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(2,   DefineProductFamily,       kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(3,   DefineProduct,             kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(4,   DefineChannel,             kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(5,   DefineCategory,            kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(6,   DefineTariff,              kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(7,   SetTariffPrice,            kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(8,   SetChannelExpiryPolicy,    kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(9,   DefinePerformance,         kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(10,  SetGeneralAdmission,       kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(11,  DefineContingent,          kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(12,  SetChannelCap,             kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(13,  Hold,                      kFirstLine,    kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(14,  Book,                      kFirstLine,    kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(15,  ExtendHold,                kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(16,  ConvertHold,               kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(17,  Confirm,                   kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(18,  Release,                   kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(19,  Cancel,                    kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(20,  Archive,                   kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(21,  Reinstate,                 kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(22,  SetReleaseMark,            kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(23,  SetLock,                   kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(24,  Advance,                   kFanOut,       kInternal,   kWrite, kFirstRefusal,     kCount,         kNoEffect)    \
  X(25,  GetAvailability,           kPerformance,  kWebshop,    kQuery, kSingle,           kAvailability,  kNoEffect)    \
  X(26,  GetOrder,                  kOrder,        kWebshop,    kQuery, kSingle,           kOrder,         kNoEffect)    \
  X(27,  DefineVenueLayout,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kCount,         kNoEffect)    \
  X(28,  AssignLayout,              kPerformance,  kAdmin,      kWrite, kSingle,           kCount,         kNoEffect)    \
  X(29,  HoldSeats,                 kSeatRequest,  kWebshop,    kWrite, kSingle,           kSeatOrder,     kNoEffect)    \
  X(30,  BookSeats,                 kSeatRequest,  kWebshop,    kWrite, kSingle,           kSeatOrder,     kNoEffect)    \
  X(31,  BlockSeats,                kPerformance,  kAdmin,      kWrite, kSingle,           kCount,         kNoEffect)    \
  X(32,  UnblockSeats,              kPerformance,  kAdmin,      kWrite, kSingle,           kCount,         kNoEffect)    \
  X(33,  MoveSeatsToContingent,     kPerformance,  kAdmin,      kWrite, kSingle,           kCount,         kNoEffect)    \
  X(34,  DefineSubContingent,       kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(35,  SetContingentReleaseBack,  kPerformance,  kAdmin,      kWrite, kSingle,           kReleaseBack,   kNoEffect)    \
  X(36,  DefineContact,             kContacts,     kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(37,  UpdateContact,             kContacts,     kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(38,  SetOrderFile,              kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(39,  QueryFollowUp,             kFanOut,       kBackoffice, kQuery, kFollowUpPage,     kFollowUpPage,  kNoEffect)    \
  X(40,  PreviewRelease,            kFanOut,       kBackoffice, kQuery, kReleaseSummary,   kReleaseSummary,kNoEffect)    \
  X(41,  ReleaseAll,                kFanOut,       kBackoffice, kWrite, kReleaseSummary,   kReleaseSummary,kNoEffect)    \
  X(42,  MarkOrders,                kSelection,    kBackoffice, kWrite, kOutcomes,         kBulkOutcomes,  kNoEffect)    \
  X(43,  LockOrders,                kSelection,    kBackoffice, kWrite, kOutcomes,         kBulkOutcomes,  kNoEffect)    \
  X(44,  ReleaseOrders,             kSelection,    kBackoffice, kWrite, kOutcomes,         kBulkOutcomes,  kNoEffect)    \
  X(45,  RemindOrders,              kSelection,    kBackoffice, kWrite, kReminderOutcomes, kReminderBatch, kExportReminders)\
  X(46,  DefineReminderFormat,      kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(47,  DefineSeries,              kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(48,  DefineIssue,               kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(49,  Subscribe,                 kSubscription, kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(50,  RenewSubscription,         kSubscription, kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(51,  StartReminderRun,          kFanOut,       kBackoffice, kWrite, kRunBatch,         kReminderBatch, kExportReminders)\
  X(52,  RecordRunExport,           kFanOut,       kAdmin,      kWrite, kFirstRefusal,     kRunState,      kNoEffect)    \
  X(53,  ValidateReminderRun,       kFanOut,       kBackoffice, kWrite, kFirstRefusal,     kRunState,      kNoEffect)    \
  X(54,  CancelReminderRun,         kFanOut,       kBackoffice, kWrite, kFirstRefusal,     kRunState,      kNoEffect)    \
  X(55,  GetReminderRun,            kFanOut,       kBackoffice, kQuery, kRunBatchTrimmed,  kReminderBatch, kNoEffect)    \
  X(56,  HoldSeatsWithLines,        kSeatRequest,  kWebshop,    kWrite, kSingle,           kSeatOrder,     kNoEffect)    \
  X(57,  BookSeatsWithLines,        kSeatRequest,  kWebshop,    kWrite, kSingle,           kSeatOrder,     kNoEffect)    \
  X(58,  DefinePrincipal,           kDirectory,    kAdmin,      kWrite, kSingle,           kPrincipal,     kPrincipals)  \
  X(59,  RevokePrincipal,           kDirectory,    kAdmin,      kWrite, kSingle,           kAck,           kPrincipals)  \
  X(60,  ListPrincipals,            kDirectory,    kAdmin,      kQuery, kSingle,           kPrincipals,    kNoEffect)    \
  X(61,  GetOrderRecord,            kOrder,        kWebshop,    kQuery, kSingle,           kOrderRecord,   kNoEffect)    \
  X(62,  AddOrderNote,              kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(63,  SetOrderInfo,              kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(64,  ListOrders,                kFanOut,       kBackoffice, kQuery, kOrderPage,        kOrderPage,     kNoEffect)    \
  X(65,  GetStockSummary,           kPerformance,  kBackoffice, kQuery, kSingle,           kStockSummary,  kNoEffect)    \
  X(66,  SetOptionLifetime,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(67,  PurgeOrderHistory,         kFanOut,       kAdmin,      kWrite, kFirstRefusal,     kAck,           kNoEffect)    \
  X(68,  ExportCatalog,             kFanOut,       kBackoffice, kQuery, kCatalogExport,    kCatalogExport, kNoEffect)    \
  X(69,  CreateContact,             kContacts,     kBackoffice, kWrite, kSingle,           kContact,       kNoEffect)    \
  X(70,  ChangeContact,             kContacts,     kBackoffice, kWrite, kSingle,           kContact,       kNoEffect)    \
  X(71,  LinkContacts,              kContacts,     kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(72,  AddContactNote,            kContacts,     kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(73,  GetContact,                kContacts,     kBackoffice, kQuery, kSingle,           kContact,       kNoEffect)    \
  X(74,  SearchContacts,            kContacts,     kBackoffice, kQuery, kSingle,           kContactSearch, kNoEffect)    \
  X(75,  SetContactProfile,         kCatalog,      kInternal,   kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(76,  GetContactCards,           kContacts,     kInternal,   kQuery, kSingle,           kContactCards,  kNoEffect)    \
  X(77,  ImportContacts,            kContacts,     kBackoffice, kWrite, kSingle,           kContactImport, kNoEffect)    \
  X(78,  SetContactProfiles,        kCatalog,      kInternal,   kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(79,  DeleteContact,             kContacts,     kBackoffice, kWrite, kSingle,           kContact,       kNoEffect)    \
  X(80,  FreezeContact,             kFanOut,       kInternal,   kWrite, kCountSum,         kCount,         kNoEffect)    \
  X(81,  MergeContacts,             kContacts,     kBackoffice, kWrite, kSingle,           kContact,       kNoEffect)    \
  X(82,  DefineContactListEntry,    kContacts,     kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(83,  GetContactLists,           kContacts,     kBackoffice, kQuery, kSingle,           kContactLists,  kNoEffect)    \
  X(84,  FindContacts,              kContacts,     kBackoffice, kQuery, kSingle,           kContactFind,   kNoEffect)    \
  X(85,  GetClientMarks,            kFanOut,       kInternal,   kQuery, kClientMarks,      kClientMarks,   kNoEffect)    \
  X(86,  NoteContactClients,        kContacts,     kInternal,   kWrite, kSingle,           kAck,           kNoEffect)    \
  X(87,  GetContactActivity,        kFanOut,       kBackoffice, kQuery, kContactActivity,  kContactActivity,kNoEffect)    \
  X(88,  SetOrderRetention,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(89,  DefineProductType,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(90,  DeleteReminderFormat,      kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(91,  ListReminderFormats,       kDirectory,    kBackoffice, kQuery, kSingle,           kReminderFormats,kNoEffect)  \
  X(92,  ExportReminderRun,         kFanOut,       kBackoffice, kWrite, kRunBatch,         kReminderBatch, kExportReminders)\
  X(93,  ListReminderRuns,          kFanOut,       kBackoffice, kQuery, kRunList,          kReminderRuns,  kNoEffect)    \
  X(94,  ReadRunFile,               kDirectory,    kBackoffice, kQuery, kSingle,           kRunFile,       kReadRunFile) \
  X(95,  RecordOrderReminders,      kSelection,    kInternal,   kWrite, kOutcomes,         kBulkOutcomes,  kNoEffect)    \
  X(96,  DefineDocumentTemplate,    kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(97,  ListDocumentTemplates,     kDirectory,    kBackoffice, kQuery, kSingle,           kDocumentTemplates,kNoEffect) \
  X(98,  DefinePayer,               kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(99,  SetValidationRule,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(100, ListPayers,                kDirectory,    kBackoffice, kQuery, kSingle,           kPayers,        kNoEffect)    \
  X(101, AddPayment,                kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(102, CollectPayment,            kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(103, SetCashDiscount,           kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(104, SignContract,              kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(105, ChangePayment,             kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(106, IssueInvoice,              kOrder,        kBackoffice, kWrite, kSingle,           kInvoices,      kNumberInvoice)\
  X(107, CancelInvoice,             kOrder,        kBackoffice, kWrite, kSingle,           kInvoices,      kNumberInvoice)\
  X(108, RecordInvoice,             kDirectory,    kInternal,   kWrite, kSingle,           kInvoices,      kNoEffect)    \
  X(109, NoteInvoice,               kOrder,        kInternal,   kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(110, ListInvoices,              kDirectory,    kBackoffice, kQuery, kSingle,           kInvoices,      kNoEffect)    \
  X(111, RenderInvoice,             kDirectory,    kBackoffice, kQuery, kSingle,           kInvoices,      kRenderInvoice)\
  X(112, SetCancellationTerms,      kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(113, CancelValidated,           kOrder,        kBackoffice, kWrite, kSingle,           kInvoices,      kNumberInvoice)\
  X(114, SetReturnCityRule,         kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(115, QuoteReturnCity,           kDirectory,    kWebshop,    kQuery, kSingle,           kCount,         kNoEffect)    \
  X(116, DefinePromoCode,           kDirectory,    kBackoffice, kWrite, kSingle,           kAck,           kNoEffect)    \
  X(117, ListPromoCodes,            kDirectory,    kBackoffice, kQuery, kSingle,           kPromoCodes,    kNoEffect)    \
  X(118, ApplyPromoCode,            kOrder,        kWebshop,    kWrite, kSingle,           kPromo,         kClaimPromo)  \
  X(119, RemovePromoCode,           kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(120, ClaimPromoUse,             kDirectory,    kInternal,   kWrite, kSingle,           kPromo,         kNoEffect)    \
  X(121, NotePromoClaim,            kOrder,        kInternal,   kWrite, kSingle,           kPromo,         kNoEffect)    \
  X(122, GetPromoReturns,           kFanOut,       kInternal,   kQuery, kPromoReturns,     kPromoReturns,  kNoEffect)    \
  X(123, ReturnPromoUses,           kDirectory,    kInternal,   kWrite, kSingle,           kCount,         kNoEffect)    \
  X(124, DefineAnnexFee,            kCatalog,      kBackoffice, kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(125, SetOrderFee,               kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(126, RemoveOrderFee,            kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(127, MakePaymentBatch,        kDirectory,    kBackoffice, kWrite, kSingle,           kPaymentBatch,  kSettleBatch) \
  X(128, FreezePayments,            kShard,        kInternal,   kWrite, kSingle,           kFrozenPayments,kNoEffect)    \
  X(129, SettlePaymentBatch,        kDirectory,    kInternal,   kWrite, kSingle,           kPaymentBatch,  kNoEffect)    \
  X(130, ListPaymentBatches,        kDirectory,    kBackoffice, kQuery, kSingle,           kPaymentBatches,kNoEffect)    \
  X(131, SetAutoInvoicing,          kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(132, GetAutoInvoices,           kShard,        kInternal,   kQuery, kSingle,           kInvoices,      kNoEffect)    \
  X(133, CreditCashback,            kContacts,     kBackoffice, kWrite, kSingle,           kCashbackAccount, kNoEffect)  \
  X(134, GetCashback,               kContacts,     kBackoffice, kQuery, kSingle,           kCashbackAccount, kNoEffect)  \
  X(135, ApplyCashback,             kOrder,        kWebshop,    kWrite, kSingle,           kCashbackUse,   kClaimCashback) \
  X(136, RemoveCashback,            kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(137, ClaimCashback,             kContacts,     kInternal,   kWrite, kSingle,           kCashbackUse,   kNoEffect)    \
  X(138, NoteCashbackClaim,         kOrder,        kInternal,   kWrite, kSingle,           kCashbackUse,   kNoEffect)    \
  X(139, GetCashbackReturns,        kFanOut,       kInternal,   kQuery, kCashbackReturns,  kCashbackReturns, kNoEffect)  \
  X(140, ReturnCashback,            kContacts,     kInternal,   kWrite, kSingle,           kAck,           kNoEffect)    \
  X(141, SetSponsorshipRule,        kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(142, SetSponsor,                kOrder,        kBackoffice, kWrite, kSingle,           kSponsorUse,    kClaimSponsor) \
  X(143, RemoveSponsor,             kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(144, CheckSponsor,              kContacts,     kInternal,   kQuery, kSingle,           kSponsorUse,    kNoEffect)    \
  X(145, NoteSponsor,               kOrder,        kInternal,   kWrite, kSingle,           kSponsorUse,    kNoEffect)    \
  X(146, SubmitPreRegistration,     kFirstLine,    kWebshop,    kWrite, kSingle,           kPreRegistrations, kPlacePreRegistration) \
  X(147, PlacePreRegistration,      kShard,        kInternal,   kWrite, kSingle,           kPreRegistrations, kNoEffect) \
  X(148, ListPreRegistrations,      kFanOut,       kBackoffice, kQuery, kPreRegPage,       kPreRegistrations, kMatchPreRegistrations) \
  X(149, SetPreRegistrationMatch,   kFanOut,       kBackoffice, kWrite, kPreRegResults,    kPreRegResults, kNoEffect)    \
  X(150, DeletePreRegistrations,    kFanOut,       kBackoffice, kWrite, kPreRegResults,    kPreRegResults, kNoEffect)    \
  X(151, IntegratePreRegistrations, kFanOut,       kBackoffice, kQuery, kPreRegPage,       kPreRegResults, kIntegratePreRegistrations) \
  X(152, ApplyPreRegistrations,     kFanOut,       kInternal,   kWrite, kPreRegResults,    kPreRegResults, kNoEffect)    \
  X(153, MatchPreRegistrants,       kContacts,     kInternal,   kQuery, kSingle,           kPreRegMatches, kNoEffect)    \
  X(154, ListLeads,                 kFanOut,       kBackoffice, kQuery, kLeadPage,         kLeads,         kNoEffect)    \
  X(155, SetLeadStatus,             kFanOut,       kBackoffice, kWrite, kPreRegResults,    kPreRegResults, kNoEffect)    \
  X(156, SetPerformanceStaff,       kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(157, GetPerformance,            kPerformance,  kBackoffice, kQuery, kSingle,           kPerformanceCard, kNoEffect)    \
  X(158, DefineDocumentType,        kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(159, AddParticipant,            kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(160, RemoveParticipant,         kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(161, SetLegalRepresentative,    kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(162, AttachDocument,            kOrder,        kWebshop,    kWrite, kSingle,           kOrder,         kStoreDocument) \
  X(163, CheckDocument,             kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(164, GetDocument,               kOrder,        kWebshop,    kQuery, kSingle,           kDocumentFile,  kReadDocument) \
  X(165, SetAttendance,             kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(166, SetLinePrice,              kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(167, DefineDeparture,           kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(168, DefineAddOn,               kCatalog,      kAdmin,      kWrite, kAllAgree,         kAck,           kNoEffect)    \
  X(169, SetAddOnQuota,             kPerformance,  kAdmin,      kWrite, kSingle,           kAck,           kNoEffect)    \
  X(170, GetAddOnStock,             kPerformance,  kBackoffice, kQuery, kSingle,           kAddOnStock,    kNoEffect)    \
  X(171, AddAddOn,                  kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(172, RemoveAddOn,               kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(173, ChangeDeparture,           kOrder,        kBackoffice, kWrite, kSingle,           kDepartureChange, kOrderPdf)   \
  X(174, SetReturnCity,             kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kOrderPdf)     \
  X(175, AttachDepartureBook,       kPerformance,  kBackoffice, kWrite, kSingle,           kCount,         kStoreDocument) \
  X(176, AttachTravelBook,          kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kStoreDocument) \
  X(177, SetTravelBookMode,         kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(178, SendTravelBookMail,        kOrder,        kBackoffice, kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(179, GetTravelBookMails,        kFanOut,       kInternal,   kQuery, kTravelBookMails,  kTravelBookMails, kNoEffect)  \
  X(180, NoteTravelBookMail,        kOrder,        kInternal,   kWrite, kSingle,           kOrder,         kNoEffect)    \
  X(181, RenderOrderPdf,            kOrder,        kBackoffice, kQuery, kSingle,           kOrderRecord,   kOrderPdf)
// clang-format on
