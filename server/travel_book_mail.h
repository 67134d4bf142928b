// The travel-book e-mails (engine/commands_travel_book.h): the server's
// side of the shards' outbox.
//
// A thread of its own wakes every interval, reads every shard's mails
// (GetTravelBookMails), and for each: reads the client's record and the
// participants' legal representatives' from the contact directory, picks
// the recipients the client's record names (minors_email_to: the client,
// the legal representatives — the client when there is none —, or both),
// writes one e-mail per recipient (the book is in the client's account; or
// the convocation is there but cannot be opened until the missing
// documents are sent and/or the balance is paid), sends them through the
// relay, and records the outcome on the order (NoteTravelBookMail: sent to
// whom, or why not). A mail the relay refuses, or one nobody can receive
// (no address, no relay), is recorded as not sent: an operator sends it
// again (SendTravelBookMail). A stop between sending and the note sends it
// again at the next start (at least once, never lost).
// Thread-safety: start/stop from the owner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/local_time.h"
#include "engine/contact_card.h"
#include "engine/reply_detail.h"
#include "mail/smtp_client.h"
#include "runtime/clock.h"
#include "runtime/shard_set.h"

namespace tessera::server {

struct TravelBookMailSettings {
  std::string from;       // mail_from; empty = no e-mail
  std::string from_name;  // the organisation
  mail::SmtpOptions smtp;
  LocalTime local;
  int64_t interval_ms = 1'000;
};

// One recipient's e-mail about `mail`: French when the recipient's language
// (else the organisation's) is French.
std::string render_travel_book_mail(const engine::TravelBookMail& mail, const engine::ContactCard& to,
                                    const TravelBookMailSettings& settings, int64_t now_ms);

class TravelBookMailer {
 public:
  TravelBookMailer(TravelBookMailSettings settings, runtime::ShardSet& shards, const runtime::Clock& clock)
      : settings_(std::move(settings)), shards_(shards), clock_(clock) {}
  ~TravelBookMailer() { stop(); }
  TravelBookMailer(const TravelBookMailer&) = delete;
  TravelBookMailer& operator=(const TravelBookMailer&) = delete;

  void start();
  void stop();
  // Sends and notes every mail waiting now, on the calling thread (what
  // the thread runs each interval): the mails noted.
  uint32_t drain();

 private:
  void run();
  engine::NoteTravelBookMail deliver(const engine::TravelBookMail& mail);

  const TravelBookMailSettings settings_;
  runtime::ShardSet& shards_;
  const runtime::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tessera::server
