// Reminder emails: grouping per recipient and the documents' text (see
// reminder_email.h). Bodies are built with "\n" and encoded at the end.
#include "reminders/reminder_email.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <tuple>

#include "mail/mail_format.h"
#include "reminders/reminder_fields.h"

namespace tessera::reminders {
namespace {

using engine::ReminderItem;

enum class Document : uint8_t { kOrders = 0, kSubscriber, kThirdParty };

struct Recipient {
  Document document;
  engine::ContactId contact;
  std::string name;
  std::string email;
  std::string language;  // "" = the organisation's
};

struct Group {
  Recipient recipient;
  std::vector<uint32_t> items;
};

std::string full_name(const ReminderItem& item) {
  if (item.first_name.empty()) return item.last_name;
  if (item.last_name.empty()) return item.first_name;
  return item.first_name + " " + item.last_name;
}

Recipient recipient_of(const ReminderItem& item) {
  if (!is_subscription_item(item)) return {Document::kOrders, item.contact, full_name(item), item.email, item.language};
  if (item.payer == engine::kNone)
    return {Document::kSubscriber, item.contact, full_name(item), item.email, item.language};
  return {Document::kThirdParty, item.payer, item.payer_name, item.payer_email, item.language};
}

std::string undeliverable_reason(const ReminderItem& item, const Recipient& to) {
  const std::string who = to.document == Document::kThirdParty ? "payer " + std::to_string(item.payer_number)
                                                               : "contact " + std::to_string(item.contact_number);
  return who + (to.email.empty() ? " has no email address" : " has an invalid email address: " + to.email);
}

// Groups items per (document, recipient, address), in first-seen order.
void group_items(const engine::ReminderBatch& batch, std::vector<Group>& groups,
                 std::vector<UndeliverableItem>& undeliverable) {
  std::map<std::tuple<Document, engine::ContactId, std::string>, size_t> open;
  for (uint32_t i = 0; i < batch.items.size(); ++i) {
    Recipient to = recipient_of(batch.items[i]);
    if (!mail::is_valid_email_address(to.email)) {
      undeliverable.push_back({i, undeliverable_reason(batch.items[i], to)});
      continue;
    }
    const auto key = std::make_tuple(to.document, to.contact, to.email);
    auto it = open.find(key);
    if (it == open.end() || groups[it->second].items.size() >= kReminderItemsPerEmailMax) {
      groups.push_back({std::move(to), {}});
      it = open.insert_or_assign(key, groups.size() - 1).first;
    }
    groups[it->second].items.push_back(i);
  }
}

size_t display_width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void append_padded(std::string& out, std::string_view text, size_t width) {
  out += text;
  out.append(width - std::min(width, display_width(text)), ' ');
}

// The chosen fields of the group's items as a text table.
std::string field_table(const engine::ReminderBatch& batch, const std::vector<uint32_t>& items,
                        const LocalTime& local) {
  const auto& columns = batch.format.columns;
  std::vector<std::vector<std::string>> rows(1);
  for (auto field : columns) rows[0].emplace_back(reminder_field_name(field));
  for (uint32_t i : items) {
    rows.emplace_back();
    for (auto field : columns) rows.back().push_back(reminder_field_value(batch.items[i], field, local));
  }
  std::vector<size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) line += " | ";
      append_padded(line, rows[r][c], widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) {
      size_t total = 0;
      for (size_t w : widths) total += w;
      out += std::string(total + 3 * (columns.empty() ? 0 : columns.size() - 1), '-') + "\n";
    }
  }
  return out;
}

void append_order(std::string& body, const ReminderItem& item, const LocalTime& local) {
  body += "Commande n° " + to_string(item.order);
  if (item.file_number != 0) body += " (dossier " + std::to_string(item.file_number) + ")";
  body += "\n  Produit : " + item.product_name + "\n";
  if (item.performance_starts_ms != 0)
    body += "  Séance : " + local.date_time(item.performance_starts_ms) + (local.is_utc() ? " UTC\n" : "\n");
  body += "  Quantité : " + std::to_string(item.quantity) + "\n";
  body += "  Date limite : " + local.date(item.due_ms) + "\n";
  body += "  Montant : " + local.money(item.amount_cents) + "\n\n";
}

void append_subscription(std::string& body, const ReminderItem& item, bool third_party, const LocalTime& local) {
  body += "Abonnement n° " + to_string(item.subscription) + " : " + item.series_name + "\n";
  if (third_party) body += "  Abonné : " + full_name(item) + " (n° " + std::to_string(item.contact_number) + ")\n";
  body += "  Fin : " + local.date(item.ends_ms) + "\n";
  if (!item.last_issue_name.empty()) body += "  Dernier numéro : " + item.last_issue_name + "\n";
  body += "  Relance n° " + std::to_string(item.reminder_rank) + "\n\n";
}

std::string greeting(const Recipient& to) { return to.name.empty() ? "Bonjour,\n\n" : "Bonjour " + to.name + ",\n\n"; }

std::string order_body(const engine::ReminderBatch& batch, const Group& group, const LocalTime& local) {
  std::string body = greeting(group.recipient);
  body += "Les options et réservations suivantes arrivent à échéance :\n\n";
  int64_t total_cents = 0;
  for (uint32_t i : group.items) {
    append_order(body, batch.items[i], local);
    total_cents += batch.items[i].amount_cents;
  }
  body += "Total : " + local.money(total_cents) + "\n\n";
  body += "Sans confirmation ou paiement avant la date limite, elles pourront être libérées.\n\n";
  return body;
}

std::string subscription_body(const engine::ReminderBatch& batch, const Group& group, const LocalTime& local) {
  const bool third_party = group.recipient.document == Document::kThirdParty;
  std::string body = greeting(group.recipient);
  body += third_party ? "Les abonnements suivants, que vous réglez, arrivent à échéance :\n\n"
                      : "Votre abonnement arrive à échéance :\n\n";
  for (uint32_t i : group.items) append_subscription(body, batch.items[i], third_party, local);
  body += "Merci de le renouveler pour continuer à recevoir la publication.\n\n";
  return body;
}

std::string subject_of(const engine::ReminderBatch& batch, const Group& group, const EmailSettings& settings) {
  switch (group.recipient.document) {
    case Document::kOrders:
      return settings.order_subject;
    case Document::kSubscriber: {
      const std::string& series = batch.items[group.items[0]].series_name;
      return series.empty() ? settings.subscription_subject : settings.subscription_subject + " - " + series;
    }
    case Document::kThirdParty:
      return settings.third_party_subject;
  }
  return settings.order_subject;
}

std::string message_id(const engine::ReminderBatch& batch, const Group& group, const EmailSettings& settings,
                       int64_t now_ms, size_t index) {
  const ReminderItem& first = batch.items[group.items[0]];
  const uint64_t what = is_subscription_item(first) ? first.subscription.value() : first.order.value();
  return "<tessera-reminder." + to_string(batch.run) + "." + std::to_string(what) + "." + std::to_string(now_ms) + "." +
         std::to_string(index) + "@" + std::string(mail::email_domain(settings.from_address)) + ">";
}

// The back office's template of the group's document, in the recipient's
// language, else in the organisation's; nullptr: the built-in text.
const engine::DefineDocumentTemplate* template_for(const engine::ReminderBatch& batch, const Group& group,
                                                   const EmailSettings& settings) {
  const engine::DocumentKind kind = group.recipient.document == Document::kOrders ? engine::DocumentKind::kOrderReminder
                                    : group.recipient.document == Document::kSubscriber
                                        ? engine::DocumentKind::kSubscriptionReminder
                                        : engine::DocumentKind::kThirdPartyReminder;
  for (const std::string_view language : {std::string_view(group.recipient.language), settings.local.language_code()})
    for (const engine::DefineDocumentTemplate& t : batch.templates)
      if (t.document == kind && !language.empty() && t.language == language) return &t;
  return nullptr;
}

// The value of a template field for the group (engine::kTemplateFields).
std::string field_value(std::string_view field, const engine::ReminderBatch& batch, const Group& group,
                        const LocalTime& local) {
  const ReminderItem& first = batch.items[group.items[0]];
  const bool payer = group.recipient.document == Document::kThirdParty;
  if (field == "name") return group.recipient.name;
  if (field == "first_name") return payer ? std::string() : first.first_name;
  if (field == "last_name") return payer ? first.payer_name : first.last_name;
  if (field == "contact_number") return std::to_string(payer ? first.payer_number : first.contact_number);
  if (field == "table") return field_table(batch, group.items, local);
  if (field == "count") return std::to_string(group.items.size());
  if (field == "series") return first.series_name;
  if (field == "total") {
    int64_t cents = 0;
    for (uint32_t i : group.items) cents += batch.items[i].amount_cents;
    return local.money(cents);
  }
  std::string items;  // "items": each reminder as the built-in text lists it
  for (uint32_t i : group.items) {
    if (group.recipient.document == Document::kOrders) {
      append_order(items, batch.items[i], local);
    } else {
      append_subscription(items, batch.items[i], payer, local);
    }
  }
  return items;
}

// `text` with each {field} replaced and "{{" / "}}" made single (the
// engine checked the fields when the template was defined).
std::string fill_template(std::string_view text, const engine::ReminderBatch& batch, const Group& group,
                          const LocalTime& local) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if ((ch == '{' || ch == '}') && i + 1 < text.size() && text[i + 1] == ch) {
      out += ch;
      ++i;
    } else if (const size_t end = ch == '{' ? text.find('}', i) : std::string_view::npos;
               end != std::string_view::npos) {
      out += field_value(text.substr(i + 1, end - i - 1), batch, group, local);
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

EmailMessage render_message(const engine::ReminderBatch& batch, const Group& group, const EmailSettings& settings,
                            int64_t now_ms, size_t index) {
  EmailMessage m{group.recipient.email, subject_of(batch, group, settings), {}, group.items};
  const LocalTime& local = settings.local;
  std::string body;
  if (const engine::DefineDocumentTemplate* t = template_for(batch, group, settings)) {
    m.subject = fill_template(t->subject, batch, group, local);
    std::replace_if(
        m.subject.begin(), m.subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    body = fill_template(t->body, batch, group, local);
    if (body.back() != '\n') body += '\n';
  } else {
    body = group.recipient.document == Document::kOrders ? order_body(batch, group, local)
                                                         : subscription_body(batch, group, local);
    body += "Détail :\n\n" + field_table(batch, group.items, local) + "\nCordialement,\n";
    if (!settings.from_name.empty()) body += settings.from_name + "\n";
  }
  m.data =
      mail::compose_text_mail({settings.from_name, settings.from_address, group.recipient.name, group.recipient.email,
                               m.subject, now_ms, message_id(batch, group, settings, now_ms, index)},
                              body);
  return m;
}

}  // namespace

ReminderEmails render_reminder_emails(const engine::ReminderBatch& batch, const EmailSettings& settings,
                                      int64_t now_ms) {
  ReminderEmails out;
  if (!mail::is_valid_email_address(settings.from_address)) {
    for (uint32_t i = 0; i < batch.items.size(); ++i) {
      out.undeliverable.push_back({i, "invalid sender address: " + settings.from_address});
    }
    return out;
  }
  std::vector<Group> groups;
  group_items(batch, groups, out.undeliverable);
  for (size_t g = 0; g < groups.size(); ++g) {
    out.messages.push_back(render_message(batch, groups[g], settings, now_ms, g));
  }
  return out;
}

}  // namespace tessera::reminders
