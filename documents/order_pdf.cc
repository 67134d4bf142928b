// An order as PDF at one revision (see order_pdf.h).
//
// Laid out like an invoice with documents/pdf_writer.h: the first page
// carries the organisation, the title, the revision and the status, the
// client and the trip; the tables (lines, annex fees, participants) run on
// from page to page, a continuation page repeating the heading and the
// header of the table it continues; the sums and the flags follow the last
// row; each page gets its footer once the count is known.
#include "documents/order_pdf.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string_view>
#include <vector>

#include "documents/pdf_writer.h"

namespace tessera::documents {
namespace {

// ---- Labels ------------------------------------------------------------------

// Named apart from the other documents' labels: a unity build compiles them together.
struct OrderLabels {  // UTF-8
  std::string_view order, info_order, version, status, client, contact, litigious;
  std::string_view trip, departure_city, return_city;
  std::string_view performance, category, tariff, description, quantity, unit_price, amount;
  std::string_view fees, fee, participants, participant, add_ons, add_on, share;
  std::string_view total, add_ons_included, return_included, reductions, cash_discount, to_pay, paid, deferred, balance;
  std::string_view invoiced, fully_paid, file_complete, travel_book_attached, yes, no;
  std::string_view continued, page;
};
constexpr OrderLabels kOrderEnglish{
    .order = "Order",
    .info_order = "Order",
    .version = "Version",
    .status = "Status:",
    .client = "Client",
    .contact = "contact",
    .litigious = "LITIGIOUS CLIENT",
    .trip = "Trip",
    .departure_city = "Departure city:",
    .return_city = "Return city:",
    .performance = "Performance",
    .category = "Category",
    .tariff = "Tariff",
    .description = "Description",
    .quantity = "Qty",
    .unit_price = "Unit price",
    .amount = "Amount",
    .fees = "Annex fees",
    .fee = "annex fee",
    .participants = "Participants",
    .participant = "Participant",
    .add_ons = "Add-ons",
    .add_on = "add-on",
    .share = "Share",
    .total = "Package total",
    .add_ons_included = "incl. add-ons",
    .return_included = "incl. return supplement",
    .reductions = "Reductions",
    .cash_discount = "Cash discount",
    .to_pay = "To pay",
    .paid = "Paid",
    .deferred = "Deferred payments",
    .balance = "Balance",
    .invoiced = "Invoiced:",
    .fully_paid = "Fully paid:",
    .file_complete = "File complete:",
    .travel_book_attached = "Travel book attached:",
    .yes = "yes",
    .no = "no",
    .continued = "(continued)",
    .page = "Page",
};
// The seed's words: "options" (a trip's add-ons), "quote part", "frais
// annexes", "soldée", "dossier complet", "carnet de voyage".
constexpr OrderLabels kOrderFrench{
    .order = "Commande n°",
    .info_order = "Commande",  // ASCII (pdf_writer.h)
    .version = "Version",
    .status = "Statut :",
    .client = "Client",
    .contact = "contact",
    .litigious = "CLIENT LITIGIEUX",
    .trip = "Voyage",
    .departure_city = "Ville de départ :",
    .return_city = "Ville de retour :",
    .performance = "Séance",
    .category = "Catégorie",
    .tariff = "Tarif",
    .description = "Désignation",
    .quantity = "Qté",
    .unit_price = "Prix unitaire",
    .amount = "Montant",
    .fees = "Frais annexes",
    .fee = "frais annexe",
    .participants = "Participants",
    .participant = "Participant",
    .add_ons = "Options",
    .add_on = "option",
    .share = "Quote-part",
    .total = "Total brut",
    .add_ons_included = "dont options",
    .return_included = "dont supplément retour",
    .reductions = "Réductions",
    .cash_discount = "Remise",
    .to_pay = "À payer",
    .paid = "Déjà payé",
    .deferred = "Paiements différés",
    .balance = "Solde",
    .invoiced = "Facturée :",
    .fully_paid = "Soldée :",
    .file_complete = "Dossier complet :",
    .travel_book_attached = "Carnet de voyage joint :",
    .yes = "oui",
    .no = "non",
    .continued = "(suite)",
    .page = "Page",
};

const OrderLabels& order_labels(const LocalTime& local) {
  return local.language() == Language::kFrench ? kOrderFrench : kOrderEnglish;
}

// The revision drawn, and when it was saved (order_pdf.h).
size_t order_revision(const engine::OrderRecord& record) { return record.workflow.size(); }
int64_t order_saved_ms(const engine::OrderRecord& record) {
  return record.workflow.empty() ? record.created_ms : record.workflow.back().at_ms;
}

// ---- Layout ------------------------------------------------------------------

static_assert(kOrderPdfBlockLinesMax == kPdfBlockLinesMax, "the client's name is a block, like an address");

constexpr float kOrderColumnGap = 10;
constexpr float kOrderBlockGap = 14;  // below the title, the client and the trip
constexpr float kOrderTableGap = 12;  // above a table's title, the sums and the flags
// The lines: the performance's, category's and tariff's ids (10 digits fit
// on a line), then the money columns.
constexpr float kOrderCategoryX = kPdfMargin + 100;
constexpr float kOrderTariffX = kOrderCategoryX + 100;
constexpr float kOrderIdWidth = 100 - kOrderColumnGap;
constexpr float kOrderTariffWidth = kPdfQuantityRight - 50 - kOrderTariffX;
constexpr std::array<PdfColumn, 6> kOrderLineColumns{{{kPdfMargin, false},
                                                      {kOrderCategoryX, false},
                                                      {kOrderTariffX, false},
                                                      {kPdfQuantityRight, true},
                                                      {kPdfUnitPriceRight, true},
                                                      {kPdfAmountRight, true}}};
// The participants: who, the add-ons up to the unit price's column, the share in the amount's.
constexpr float kOrderAddOnsX = kPdfMargin + 140;
constexpr float kOrderParticipantWidth = kOrderAddOnsX - kOrderColumnGap - kPdfMargin;
constexpr float kOrderAddOnsWidth = kPdfUnitPriceRight - kOrderAddOnsX;
constexpr std::array<PdfColumn, 3> kOrderParticipantColumns{
    {{kPdfMargin, false}, {kOrderAddOnsX, false}, {kPdfAmountRight, true}}};

// ---- The writer --------------------------------------------------------------

enum class OrderTable : uint8_t { kNone, kLines, kFees, kParticipants };

// Writes one record's pages into an open PdfDocument. Single use.
class OrderWriter {
 public:
  OrderWriter(PdfDocument& pdf, const engine::OrderRecord& record, const Organisation& org, const LocalTime& local)
      : pdf_(pdf), record_(record), org_(org), local_(local), labels_(order_labels(local)) {}

  // False iff libharu failed (pdf_.failure() says how).
  bool write();

 private:
  std::string title() const;    // "Order 345" (UTF-8)
  std::string heading() const;  // "Order 345 — Version 3" (WinAnsi)

  void ensure_room(float height);
  void title_and_status();
  void detail(std::string_view label, std::string_view value);
  void titled_block(std::string_view title, const std::vector<std::string>& lines, std::string_view mark);
  void client_block();
  void trip_block();
  void begin_table(OrderTable table, std::string_view title);
  void table_header();
  void row(std::span<const PdfColumn> columns, const std::vector<PdfCell>& cells);
  void line_row(const engine::OrderRecordLine& line);
  void fee_row(const engine::OrderFeeLine& fee);
  void participant_row(const engine::ParticipantLine& participant);
  void sums();
  void flags();

  // `utf8` wrapped into a table cell `width` wide.
  PdfCell wrapped(float width, std::string_view utf8) const;
  std::string money(int64_t cents) const { return win_ansi(local_.money(cents)); }

  PdfDocument& pdf_;
  const engine::OrderRecord& record_;
  const Organisation& org_;
  const LocalTime& local_;
  const OrderLabels& labels_;
  OrderTable table_ = OrderTable::kNone;  // the table being drawn: a new page repeats its header
};

bool OrderWriter::write() {
  pdf_.add_page();
  pdf_.organisation_block(org_);
  title_and_status();
  client_block();
  trip_block();
  begin_table(OrderTable::kLines, {});
  for (const engine::OrderRecordLine& line : record_.lines) {
    if (pdf_.failed()) return false;
    line_row(line);
  }
  if (!record_.fees.empty()) {
    begin_table(OrderTable::kFees, labels_.fees);
    for (const engine::OrderFeeLine& fee : record_.fees) {
      if (pdf_.failed()) return false;
      fee_row(fee);
    }
  }
  if (!record_.participants.empty()) {
    begin_table(OrderTable::kParticipants, labels_.participants);
    for (const engine::ParticipantLine& participant : record_.participants) {
      if (pdf_.failed()) return false;
      participant_row(participant);
    }
  }
  table_ = OrderTable::kNone;
  sums();
  flags();
  pdf_.footers(heading(), win_ansi(labels_.page));
  return !pdf_.failed();
}

std::string OrderWriter::title() const { return std::string(labels_.order) + " " + to_string(record_.order); }

std::string OrderWriter::heading() const {
  return win_ansi(title() + " — " + std::string(labels_.version) + " " + std::to_string(order_revision(record_)));
}

// A new page unless `height` fits above the footer: it opens with the
// heading, "(continued)", and the header of the table being drawn.
void OrderWriter::ensure_room(float height) {
  if (pdf_.fits(height)) return;
  pdf_.add_continuation_page(heading() + " " + win_ansi(labels_.continued));
  table_header();
}

// The title, then the revision with the time it was saved and the status
// (the seed's name in French, the engine's in English).
void OrderWriter::title_and_status() {
  pdf_.down(12 + kPdfTitle.leading());
  pdf_.text(kPdfMargin, pdf_.cursor(), kPdfTitle, win_ansi(title()));
  pdf_.down(10);
  detail(labels_.version, std::to_string(order_revision(record_)) + " — " + local_.date_time(order_saved_ms(record_)));
  detail(labels_.status, local_.language() == Language::kFrench ? engine::seed_status_name(record_.state)
                                                                : engine::order_state_name(record_.state));
  pdf_.down(kOrderBlockGap);
}

void OrderWriter::detail(std::string_view label, std::string_view value) {
  const std::string line = std::string(label) + " " + std::string(value);
  pdf_.lines_at(kPdfMargin, kPdfBody, pdf_.block(kPdfBody, kPdfRight - kPdfMargin, line, kOrderPdfCellLinesMax));
}

// A bold title over `lines` (WinAnsi), then `mark` (UTF-8) in bold when
// there is one, together on one page.
void OrderWriter::titled_block(std::string_view title, const std::vector<std::string>& lines, std::string_view mark) {
  const float bold_lines = mark.empty() ? 1 : 2;
  ensure_room(bold_lines * kPdfBodyBold.leading() + static_cast<float>(lines.size()) * kPdfBody.leading());
  pdf_.lines_at(kPdfMargin, kPdfBodyBold, {win_ansi(title)});
  pdf_.lines_at(kPdfMargin, kPdfBody, lines);
  if (!mark.empty()) pdf_.lines_at(kPdfMargin, kPdfBodyBold, {win_ansi(mark)});
  pdf_.down(kOrderBlockGap);
}

// The client as the contact directory names them (their contact's id when
// it does not), and the mark of a litigious client.
void OrderWriter::client_block() {
  const std::string name = record_.client_name.empty() ? std::string(labels_.contact) + " " + to_string(record_.contact)
                                                       : record_.client_name;
  titled_block(labels_.client, pdf_.block(kPdfBody, kPdfRight - kPdfMargin, name, kOrderPdfBlockLinesMax),
               record_.client_litigious ? labels_.litigious : std::string_view{});
}

// The departure's city and, when the client returns elsewhere, that city;
// nothing for an order that is not a trip.
void OrderWriter::trip_block() {
  if (record_.departure_city.empty()) return;
  const float width = kPdfRight - kPdfMargin;
  std::vector<std::string> lines = pdf_.block(
      kPdfBody, width, std::string(labels_.departure_city) + " " + record_.departure_city, kOrderPdfCellLinesMax);
  if (!record_.return_city.empty()) {
    const std::vector<std::string> back = pdf_.block(
        kPdfBody, width, std::string(labels_.return_city) + " " + record_.return_city, kOrderPdfCellLinesMax);
    lines.insert(lines.end(), back.begin(), back.end());
  }
  titled_block(labels_.trip, lines, {});
}

// A table's bold title (when it has one) and header, on a new page unless
// they fit with a first row.
void OrderWriter::begin_table(OrderTable table, std::string_view title) {
  table_ = OrderTable::kNone;  // a new page here does not repeat the previous table's header
  const float title_height = title.empty() ? 0 : kOrderTableGap + kPdfBodyBold.leading();
  ensure_room(title_height + 2 * kPdfCell.leading() + 8);
  if (!title.empty()) {
    pdf_.down(kOrderTableGap);
    pdf_.lines_at(kPdfMargin, kPdfBodyBold, {win_ansi(title)});
  }
  table_ = table;
  table_header();
}

void OrderWriter::table_header() {
  switch (table_) {
    case OrderTable::kNone:
      return;
    case OrderTable::kLines:
      pdf_.table_header(kOrderLineColumns,
                        {win_ansi(labels_.performance), win_ansi(labels_.category), win_ansi(labels_.tariff),
                         win_ansi(labels_.quantity), win_ansi(labels_.unit_price), win_ansi(labels_.amount)},
                        kPdfCellBold);
      return;
    case OrderTable::kFees:
      pdf_.table_header(kPdfLabelMoneyColumns,
                        {win_ansi(labels_.description), win_ansi(labels_.quantity), win_ansi(labels_.unit_price),
                         win_ansi(labels_.amount)},
                        kPdfCellBold);
      return;
    case OrderTable::kParticipants:
      pdf_.table_header(kOrderParticipantColumns,
                        {win_ansi(labels_.participant), win_ansi(labels_.add_ons), win_ansi(labels_.share)},
                        kPdfCellBold);
      return;
  }
}

void OrderWriter::row(std::span<const PdfColumn> columns, const std::vector<PdfCell>& cells) {
  ensure_room(pdf_row_height(cells, kPdfCell));
  pdf_.table_row(columns, cells, kPdfCell);
}

void OrderWriter::line_row(const engine::OrderRecordLine& line) {
  row(kOrderLineColumns,
      {wrapped(kOrderIdWidth, to_string(line.performance)), wrapped(kOrderIdWidth, to_string(line.category)),
       wrapped(kOrderTariffWidth, to_string(line.tariff)), PdfCell{std::to_string(line.quantity)},
       PdfCell{money(int64_t{line.unit_price_cents})}, PdfCell{money(static_cast<int64_t>(line.amount_cents))}});
}

// The fee as the catalog names it (its id when the catalog does not).
void OrderWriter::fee_row(const engine::OrderFeeLine& fee) {
  const std::string name = fee.name.empty() ? std::string(labels_.fee) + " " + to_string(fee.fee) : fee.name;
  row(kPdfLabelMoneyColumns, {wrapped(kPdfLabelWidth, name), PdfCell{std::to_string(fee.quantity)},
                              PdfCell{money(fee.unit_cents)}, PdfCell{money(fee.amount_cents)}});
}

// The participant's contact, its add-ons one a line with their prices (an
// add-on the catalog no longer names by its id), and its share of the order.
void OrderWriter::participant_row(const engine::ParticipantLine& participant) {
  std::string add_ons;
  // One more than a cell shows: a longer list then ends in "…".
  const size_t listed = std::min(participant.add_ons.size(), kOrderPdfCellLinesMax + 1);
  for (size_t i = 0; i < listed; ++i) {
    const engine::AddOnLine& add_on = participant.add_ons[i];
    add_ons += add_on.name.empty() ? std::string(labels_.add_on) + " " + to_string(add_on.addon) : add_on.name;
    add_ons += " - " + local_.money(add_on.price_cents) + "\n";
  }
  row(kOrderParticipantColumns,
      {wrapped(kOrderParticipantWidth, std::string(labels_.contact) + " " + to_string(participant.contact)),
       pdf_.block(kPdfCell, kOrderAddOnsWidth, add_ons, kOrderPdfCellLinesMax),
       PdfCell{money(participant.share_cents)}});
}

// The package (which includes the trip's add-ons and the return to another
// city, per unit), the adjustments that make what is to pay, then what was
// paid and the balance. An adjustment of 0 has no row.
void OrderWriter::sums() {
  const engine::OrderRecord& r = record_;
  std::vector<PdfSumRow> rows{{std::string(labels_.total), static_cast<int64_t>(r.total_cents), kPdfBody}};
  if (r.add_ons_cents != 0) rows.push_back({std::string(labels_.add_ons_included), r.add_ons_cents, kPdfBody});
  if (const int64_t back = r.return_supplement_cents * r.quantity; back != 0)
    rows.push_back({std::string(labels_.return_included), back, kPdfBody});
  if (r.fees_cents != 0) rows.push_back({std::string(labels_.fees), r.fees_cents, kPdfBody});
  if (r.reduction_cents != 0) rows.push_back({std::string(labels_.reductions), -r.reduction_cents, kPdfBody});
  if (r.cash_discount_cents != 0)
    rows.push_back({std::string(labels_.cash_discount), -r.cash_discount_cents, kPdfBody});
  rows.push_back({std::string(labels_.to_pay), r.to_pay_cents, kPdfBodyBold});
  rows.push_back({std::string(labels_.paid), r.paid_cents, kPdfBody});
  // The balance deducts deferred payments too: shown when there are some, so the rows add up.
  if (r.deferred_cents != 0) rows.push_back({std::string(labels_.deferred), r.deferred_cents, kPdfBody});
  rows.push_back({std::string(labels_.balance), r.balance_cents, kPdfBodyBold});
  ensure_room(kOrderTableGap + pdf_sums_height(rows.size()));
  pdf_.down(kOrderTableGap);
  pdf_.sums(kPdfSumsLabelX, rows, local_);
}

// "Invoiced: yes · Fully paid: no · File complete: yes · Travel book attached: no".
void OrderWriter::flags() {
  auto flag = [&](std::string_view label, bool value) {
    return std::string(label) + " " + std::string(value ? labels_.yes : labels_.no);
  };
  const std::string text = flag(labels_.invoiced, record_.invoiced) + " · " +
                           flag(labels_.fully_paid, record_.fully_paid) + " · " +
                           flag(labels_.file_complete, record_.file_complete) + " · " +
                           flag(labels_.travel_book_attached, record_.travel_book_attached);
  const std::vector<std::string> lines = pdf_.block(kPdfBody, kPdfRight - kPdfMargin, text, kOrderPdfCellLinesMax);
  ensure_room(kOrderTableGap + static_cast<float>(lines.size()) * kPdfBody.leading());
  pdf_.down(kOrderTableGap);
  pdf_.lines_at(kPdfMargin, kPdfBody, lines);
}

PdfCell OrderWriter::wrapped(float width, std::string_view utf8) const {
  PdfCell cell;
  pdf_.wrap_into(cell, kPdfCell, width, win_ansi(utf8), kOrderPdfCellLinesMax);
  return cell;
}

}  // namespace

Result<std::string> render_order_pdf(const engine::OrderRecord& record, const Organisation& org,
                                     const LocalTime& local) {
  const std::string revision = std::to_string(order_revision(record));
  const std::string name = "order " + to_string(record.order) + " version " + revision;
  const size_t rows = record.lines.size() + record.fees.size() + record.participants.size();
  if (rows > kOrderPdfRowsMax) {
    return Status::invalid_argument(name + ": " + std::to_string(rows) +
                                    " lines, annex fees and participants; at most " + std::to_string(kOrderPdfRowsMax));
  }
  PdfDocument pdf(name);
  // open() refuses a saved time outside the years 1970..9999 (invalid_argument).
  const std::string info_title =
      std::string(order_labels(local).info_order) + " " + to_string(record.order) + " version " + revision;
  if (Status opened = pdf.open(info_title, order_saved_ms(record), local); !opened.is_ok()) return opened;
  OrderWriter writer(pdf, record, org, local);
  if (!writer.write()) return pdf.failure("writing");
  return pdf.save();
}

std::string order_pdf_file_name(const engine::OrderRecord& record) {
  char revision[32];
  std::snprintf(revision, sizeof revision, "%04zu", order_revision(record));
  return "order-" + to_string(record.order) + "-" + revision + ".pdf";
}

}  // namespace tessera::documents
