// The travel-book e-mails (see travel_book_mail.h).
#include "server/travel_book_mail.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/strings.h"
#include "mail/mail_format.h"

namespace tessera::server {

namespace {

std::string full_name(const engine::ContactFields& f) {
  return cat(f.first_name, f.first_name.empty() ? "" : " ", f.last_name);
}

bool french(const engine::ContactFields& f, const LocalTime& local) {
  return f.language.empty() ? local.language() == Language::kFrench : f.language == "fr";
}

std::string names_text(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += cat(out.empty() ? "" : ", ", n);
  return out;
}

}  // namespace

std::string render_travel_book_mail(const engine::TravelBookMail& mail, const engine::ContactCard& to,
                                    const TravelBookMailSettings& settings, int64_t now_ms) {
  const bool fr = french(to.record, settings.local);
  const std::string name = full_name(to.record);
  std::string subject, body = cat(fr ? "Bonjour " : "Hello ", name, ",\n\n");
  if (mail.available) {
    subject = fr ? "Votre carnet de voyage est disponible" : "Your travel book is available";
    body += fr ? cat("Votre carnet de voyage (", mail.book, ") pour la commande ", mail.order,
                     " est disponible dans votre espace client.\n")
               : cat("Your travel book (", mail.book, ") for order ", mail.order,
                     " is available in your customer account.\n");
  } else {
    subject = fr ? "Votre convocation est disponible" : "Your convocation is available";
    body += fr ? cat("Votre convocation (", mail.book, ") pour la commande ", mail.order,
                     " est disponible, mais vous ne pouvez pas encore y accéder :\n")
               : cat("Your convocation (", mail.book, ") for order ", mail.order,
                     " is available, but you cannot open it yet:\n");
    if (!mail.missing.empty())
      body += fr ? cat("- formalités manquantes : ", names_text(mail.missing), "\n")
                 : cat("- documents missing: ", names_text(mail.missing), "\n");
    if (mail.balance_cents > 0)
      body += fr ? cat("- reste à régler : ", settings.local.money(mail.balance_cents), "\n")
                 : cat("- still to pay: ", settings.local.money(mail.balance_cents), "\n");
  }
  body += cat("\n", settings.from_name, "\n");
  const std::string id = cat("<tessera-travel-book.", mail.shard, ".", mail.seq, ".", to.contact, "@",
                             mail::email_domain(settings.from), ">");
  return mail::compose_text_mail({settings.from_name, settings.from, name, to.record.email, subject, now_ms, id}, body);
}

void TravelBookMailer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void TravelBookMailer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TravelBookMailer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(settings_.interval_ms), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    drain();
    lock.lock();
  }
}

uint32_t TravelBookMailer::drain() {
  uint32_t noted = 0;
  std::vector<uint64_t> taken(shards_.size(), 0);
  for (;;) {
    const engine::Reply page = shards_.call(engine::Command{0, engine::GetTravelBookMails{taken}});
    const auto* mails = page.ok() && page.detail ? std::get_if<engine::TravelBookMails>(&page.detail->value) : nullptr;
    if (mails == nullptr || mails->mails.empty()) break;
    for (const engine::TravelBookMail& m : mails->mails) {
      taken[m.shard] = std::max(taken[m.shard], m.seq);
      const engine::Reply r = shards_.call(engine::Command{0, deliver(m)});
      if (!r.ok()) {  // stopping, most likely: the next start sends it again
        std::fprintf(stderr, "tessera-server: travel-book mail %llu of order %llu not noted: %s\n",
                     static_cast<unsigned long long>(m.seq), static_cast<unsigned long long>(m.order.value()),
                     r.message.c_str());
        return noted;
      }
      ++noted;
    }
  }
  return noted;
}

engine::NoteTravelBookMail TravelBookMailer::deliver(const engine::TravelBookMail& m) {
  engine::NoteTravelBookMail note{m.order, m.seq, false, {}, {}};
  if (settings_.from.empty() || settings_.smtp.host.empty()) {
    note.message = "no e-mail relay is configured (smtp_host, mail_from)";
    return note;
  }
  auto card_of = [this](engine::ContactId id) -> std::optional<engine::ContactCard> {
    const engine::Reply r = shards_.call(engine::Command{0, engine::GetContact{id, 0}});
    if (!r.ok() || !r.detail) return std::nullopt;
    return std::get<engine::ContactCard>(r.detail->value);
  };
  const std::optional<engine::ContactCard> client = card_of(m.client);
  if (!client) {
    note.message = cat("contact ", m.client, " is not in the contact directory");
    return note;
  }
  std::vector<engine::ContactCard> to;
  const engine::MinorsEmailTo who = client->record.minors_email_to;
  if (who != engine::MinorsEmailTo::kClient)
    for (engine::ContactId rep : m.representatives)
      if (std::optional<engine::ContactCard> card = card_of(rep)) to.push_back(std::move(*card));
  if (who != engine::MinorsEmailTo::kLegalRepresentative || to.empty()) to.insert(to.begin(), *client);
  std::erase_if(to, [](const engine::ContactCard& c) { return !mail::is_valid_email_address(c.record.email); });
  if (to.empty()) {
    note.message = "no recipient has an e-mail address";
    return note;
  }
  std::vector<mail::OutgoingMail> out;
  const int64_t now = clock_.now_ms();
  for (const engine::ContactCard& c : to)
    out.push_back(mail::OutgoingMail{settings_.from, {c.record.email}, render_travel_book_mail(m, c, settings_, now)});
  const std::vector<Status> sent = mail::send_mails(settings_.smtp, out);
  for (size_t i = 0; i < to.size(); ++i) {
    if (sent[i].is_ok()) {
      note.sent = true;
      note.recipients +=
          cat(note.recipients.empty() ? "" : ", ", mail::format_mailbox(full_name(to[i].record), to[i].record.email));
    } else {
      note.message += cat(note.message.empty() ? "" : "; ", to[i].record.email, ": ", sent[i].message());
    }
  }
  return note;
}

}  // namespace tessera::server
