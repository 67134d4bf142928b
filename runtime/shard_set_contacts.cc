// ShardSet and the contact directory: routing to it, the hand-over of each
// contact's profile to the shards, the deletion of a contact (freeze, count,
// delete), names filled in at query time, and the reconciliation at start.
#include <algorithm>
#include <cassert>
#include <thread>

#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/outbox_pump.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

// After the directory's reply (durable): SetContactProfile(s) to every shard,
// then the caller's reply. A hand-over that cannot be sent (stopping) is
// resent by the next start; the directory's write stands, so the caller
// still gets its reply.
class HandOverCompletion final : public Completion {
 public:
  HandOverCompletion(ShardSet& set, Completion* done, bool ack_only) : set_(set), done_(done), ack_only_(ack_only) {}

  void complete(engine::Reply&& reply) override {
    std::optional<engine::CommandBody> body = directory::profile_hand_over(reply);
    if (!body) return finish(std::move(reply));
    const engine::Command profile{0, std::move(*body)};
    if (ack_only_) reply.detail.reset();  // DefineContact / UpdateContact answer an Ack
    reply_ = std::move(reply);
    broadcast_.owner = this;
    if (!submit_internal(set_, profile, &broadcast_)) finish(std::move(reply_));
  }

 private:
  struct Broadcast final : Completion {
    HandOverCompletion* owner = nullptr;
    void complete(engine::Reply&& outcome) override {
      if (!outcome.ok())
        std::fprintf(stderr, "tessera: contact profile hand-over refused (resent at next start): %s\n",
                     outcome.message.c_str());
      owner->finish(std::move(owner->reply_));
    }
  };
  void finish(engine::Reply&& reply) {
    done_->complete(std::move(reply));
    delete this;
  }

  ShardSet& set_;
  Completion* done_;
  bool ack_only_;
  engine::Reply reply_;
  Broadcast broadcast_;
};

// DeleteContact: a logged freeze of the contact on every shard (from then
// on no shard takes an order or subscription for it) answering its live
// orders and running subscriptions; at zero the directory deletes (and
// hands `deleted` over, which closes the contact on the shards for good),
// else the freeze is thawed and the deletion refused. The directory is
// asked only once the shards are frozen, so no order slips in between.
// A kill -9 midway leaves a freeze the next start thaws (reconcile_contacts)
// or a deletion whose hand-over it resends.
class DeleteCompletion final : public Completion {
 public:
  DeleteCompletion(ShardSet& set, DirectoryRunner& directory, engine::Command&& command, Completion* done)
      : set_(set), directory_(directory), command_(std::move(command)), done_(done) {}

  // False (nothing sent, this deleted) when the first shard's inbox is full.
  bool start() {
    engine::Command freeze{0, engine::FreezeContact{contact(), engine::FreezeAction::kFreeze}};
    freeze.principal = command_.principal;
    if (set_.submit(std::move(freeze), this)) return true;
    delete this;
    return false;
  }

  void complete(engine::Reply&& reply) override {
    switch (stage_) {
      case Stage::kFreezing:
        if (!reply.ok()) return finish(std::move(reply));  // refused alike by every shard: nothing frozen
        if (reply.value > 0) {
          return thaw(engine::refuse(engine::ReplyCode::kInvalidState,
                                     cat("contact ", contact(), " has live orders or running subscriptions (",
                                         reply.value, "): release, cancel or close them before deleting it")));
        }
        stage_ = Stage::kDeleting;
        return delete_in_directory();
      case Stage::kDeleting:
        // Deleted: the hand-over closed the contact on the shards for good
        // (a thaw would change nothing). Refused: the freeze goes.
        return reply.ok() ? finish(std::move(reply)) : thaw(std::move(reply));
      case Stage::kThawing:
        return finish(std::move(outcome_));
    }
  }

 private:
  enum class Stage : uint8_t { kFreezing, kDeleting, kThawing };

  engine::ContactId contact() const { return std::get<engine::DeleteContact>(command_.body).contact; }

  void delete_in_directory() {
    auto* hand_over = new HandOverCompletion(set_, this, false);
    if (submit_directory(directory_, command_, hand_over)) return;
    delete hand_over;
    thaw(engine::refuse(engine::ReplyCode::kUnavailable, "the server is stopping"));
  }

  void thaw(engine::Reply&& outcome) {
    stage_ = Stage::kThawing;
    outcome_ = std::move(outcome);
    engine::Command thaw{0, engine::FreezeContact{contact(), engine::FreezeAction::kThaw}};
    thaw.principal = command_.principal;
    if (!submit_internal(set_, thaw, this)) finish(std::move(outcome_));  // the next start thaws it
  }

  void finish(engine::Reply&& reply) {
    set_.release_contacts({contact()});
    done_->complete(std::move(reply));
    delete this;
  }

  ShardSet& set_;
  DirectoryRunner& directory_;
  engine::Command command_;
  Completion* done_;
  Stage stage_ = Stage::kFreezing;
  engine::Reply outcome_;
};

// Gives the contacts a merge claimed back when its reply (after the
// hand-over) is ready.
class ClaimedCompletion final : public Completion {
 public:
  ClaimedCompletion(ShardSet& set, std::vector<engine::ContactId> ids, Completion* done)
      : set_(set), ids_(std::move(ids)), done_(done) {}
  void complete(engine::Reply&& reply) override {
    set_.release_contacts(ids_);
    done_->complete(std::move(reply));
    delete this;
  }
  // Nothing was sent: the claim goes, the caller answers.
  void abandon() {
    set_.release_contacts(ids_);
    delete this;
  }

 private:
  ShardSet& set_;
  std::vector<engine::ContactId> ids_;
  Completion* done_;
};

engine::Reply contact_busy(const std::vector<engine::ContactId>& ids) {
  std::string names;
  for (engine::ContactId id : ids) names += cat(names.empty() ? "" : " or ", id);
  return engine::refuse(engine::ReplyCode::kBusy,
                        cat("contact ", names, " is being deleted or merged: retry once that is answered"));
}

// The contacts a reply names (follow-up rows, reminder items and payers).
std::vector<engine::ContactId> contacts_named(const engine::ReplyDetail& detail) {
  std::vector<engine::ContactId> ids;
  if (const auto* page = std::get_if<engine::FollowUpPage>(&detail.value)) {
    for (const engine::FollowUpRow& row : page->rows) ids.push_back(row.contact);
  } else if (const auto* batch = std::get_if<engine::ReminderBatch>(&detail.value)) {
    for (const engine::ReminderItem& item : batch->items) {
      ids.push_back(item.contact);
      ids.push_back(item.payer);
    }
  } else if (const auto* record = std::get_if<engine::OrderRecord>(&detail.value)) {
    ids.push_back(record->contact);
  }
  std::erase_if(ids, [](engine::ContactId id) { return engine::is_reserved_id(id); });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

const engine::ContactSummary* card_of(const std::vector<engine::ContactSummary>& cards, engine::ContactId id) {
  auto at = std::lower_bound(cards.begin(), cards.end(), id,
                             [](const engine::ContactSummary& c, engine::ContactId x) { return c.contact < x; });
  return at != cards.end() && at->contact == id ? &*at : nullptr;
}

std::string name_of(const engine::ContactSummary& c) {
  return c.first_name.empty() ? c.last_name : cat(c.last_name, " ", c.first_name);
}

// Fills what the directory knows; a contact it lacks keeps the shard's.
void fill(engine::ReplyDetail& detail, const std::vector<engine::ContactSummary>& cards) {
  if (auto* page = std::get_if<engine::FollowUpPage>(&detail.value)) {
    for (engine::FollowUpRow& row : page->rows) {
      if (const engine::ContactSummary* c = card_of(cards, row.contact)) {
        row.contact_name = name_of(*c);
        row.contact_number = c->number;
        row.audience = c->audience;
        row.audience_name = c->audience_name;
      }
    }
  } else if (auto* batch = std::get_if<engine::ReminderBatch>(&detail.value)) {
    for (engine::ReminderItem& item : batch->items) {
      if (const engine::ContactSummary* c = card_of(cards, item.contact)) {
        item.contact_number = c->number;
        item.last_name = c->last_name;
        item.first_name = c->first_name;
        item.email = c->email;
      }
      if (const engine::ContactSummary* c = card_of(cards, item.payer)) {
        item.payer_number = c->number;
        item.payer_name = name_of(*c);
        item.payer_email = c->email;
      }
      // The letter goes to whoever pays: the payer of a third-party
      // subscription, else the contact.
      if (const engine::ContactSummary* to = card_of(cards, item.payer != engine::kNone ? item.payer : item.contact)) {
        item.language = to->language;
        item.street = to->street;
        item.postcode = to->postcode;
        item.city = to->city;
        item.country = to->country;
      }
    }
  } else if (auto* record = std::get_if<engine::OrderRecord>(&detail.value)) {
    if (const engine::ContactSummary* c = card_of(cards, record->contact)) {
      record->client_name = name_of(*c);
      record->client_litigious = (c->flags & engine::kContactLitigious) != 0;
    }
  }
}

// Asks the directory for the cards of a merged reply's contacts, a chunk
// of kContactCardsMax at a time, then completes the caller.
class CardsCompletion final : public Completion {
 public:
  CardsCompletion(DirectoryRunner& directory, engine::Reply&& reply, std::vector<engine::ContactId> ids,
                  Completion* done)
      : directory_(directory), reply_(std::move(reply)), ids_(std::move(ids)), done_(done) {}

  // Sends the next chunk; completes the caller when none is left or the
  // directory is stopping (the reply keeps the shards' names).
  void next() {
    if (at_ >= ids_.size()) return finish();
    const size_t n = std::min<size_t>(engine::kContactCardsMax, ids_.size() - at_);
    engine::GetContactCards ask{std::vector<engine::ContactId>(ids_.begin() + at_, ids_.begin() + at_ + n)};
    at_ += n;
    if (!submit_directory(directory_, engine::Command{0, std::move(ask)}, this)) finish();
  }

  void complete(engine::Reply&& answer) override {
    if (answer.ok() && answer.detail)
      if (const auto* got = std::get_if<engine::ContactCards>(&answer.detail->value))
        cards_.insert(cards_.end(), got->cards.begin(), got->cards.end());
    next();
  }

 private:
  void finish() {
    if (!cards_.empty()) {
      std::sort(cards_.begin(), cards_.end(),
                [](const engine::ContactSummary& a, const engine::ContactSummary& b) { return a.contact < b.contact; });
      auto detail = std::make_shared<engine::ReplyDetail>(*reply_.detail);
      fill(*detail, cards_);
      reply_.detail = std::move(detail);
    }
    done_->complete(std::move(reply_));
    delete this;
  }

  DirectoryRunner& directory_;
  engine::Reply reply_;
  std::vector<engine::ContactId> ids_;
  size_t at_ = 0;
  std::vector<engine::ContactSummary> cards_;
  Completion* done_;
};

}  // namespace

bool ShardSet::submit_contacts(engine::Command&& command, Completion* done) {
  if (!directory_) {
    done->complete(engine::refuse(engine::ReplyCode::kUnavailable, "this server runs no contact directory"));
    return true;
  }
  // Every write may change a profile (directory::profile_hand_over reads
  // the reply: a card or an import report); queries never do.
  if (engine::is_query(command.body)) return directory_->submit(std::move(command), done);
  if (const auto* d = std::get_if<engine::DeleteContact>(&command.body)) {
    if (!claim_contacts({d->contact})) {
      done->complete(contact_busy({d->contact}));
      return true;
    }
    if ((new DeleteCompletion(*this, *directory_, std::move(command), done))->start()) return true;
    release_contacts({d->contact});  // the first shard's inbox is full: nothing sent
    return false;
  }
  ClaimedCompletion* claimed = nullptr;
  if (const auto* m = std::get_if<engine::MergeContacts>(&command.body)) {
    const std::vector<engine::ContactId> ids = {m->survivor, m->duplicate};
    if (!claim_contacts(ids)) {
      done->complete(contact_busy(ids));
      return true;
    }
    done = claimed = new ClaimedCompletion(*this, ids, done);
  }
  const bool ack_only = engine::command_info(command.body).reply == engine::ReplyKind::kAck;
  auto* hand_over = new HandOverCompletion(*this, done, ack_only);
  if (directory_->submit(std::move(command), hand_over)) return true;
  delete hand_over;
  if (claimed) claimed->abandon();
  return false;
}

bool ShardSet::claim_contacts(const std::vector<engine::ContactId>& ids) {
  std::lock_guard lock(contacts_busy_mutex_);
  for (engine::ContactId id : ids)
    if (std::find(contacts_busy_.begin(), contacts_busy_.end(), id) != contacts_busy_.end()) return false;
  contacts_busy_.insert(contacts_busy_.end(), ids.begin(), ids.end());
  return true;
}

void ShardSet::release_contacts(const std::vector<engine::ContactId>& ids) {
  std::lock_guard lock(contacts_busy_mutex_);
  for (engine::ContactId id : ids) {
    auto at = std::find(contacts_busy_.begin(), contacts_busy_.end(), id);
    if (at != contacts_busy_.end()) contacts_busy_.erase(at);
  }
}

void ShardSet::deliver(engine::Reply&& merged, Completion* done) {
  if (!directory_ || !merged.detail) return done->complete(std::move(merged));
  std::vector<engine::ContactId> ids = contacts_named(*merged.detail);
  if (ids.empty()) return done->complete(std::move(merged));
  (new CardsCompletion(*directory_, std::move(merged), std::move(ids), done))->next();
}

// Runs before any runner starts (their state is read directly).
std::vector<engine::Command> ShardSet::reconcile_contacts() {
  std::vector<engine::Command> out;
  if (!directory_) return out;
  const directory::ContactDirectory& dir = directory_->shard();
  // Contacts defined on the shards before the directory existed (every
  // shard had a copy: shard 0's is complete).
  for (const engine::Contact& c : runners_[0]->shard().contacts().all())
    if (!dir.knows(c.record.contact) && !c.record.last_name.empty()) out.push_back(engine::Command{0, c.record});
  // Profiles a shard lacks (a crash between the directory's write and the
  // shards').
  std::vector<engine::SetContactProfile> lacking;
  for (auto& runner : runners_) {
    const engine::ContactBook& book = runner->shard().contacts();
    for (engine::SetContactProfile& p :
         dir.profiles_newer_than([&book](engine::ContactId id) { return book.profile_seq(id); }))
      lacking.push_back(p);
  }
  std::sort(lacking.begin(), lacking.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  lacking.erase(
      std::unique(lacking.begin(), lacking.end(), [](const auto& a, const auto& b) { return a.seq == b.seq; }),
      lacking.end());
  for (size_t at = 0; at < lacking.size(); at += engine::kContactImportRowsMax) {
    const size_t end = std::min<size_t>(lacking.size(), at + engine::kContactImportRowsMax);
    out.push_back(engine::Command{
        0, engine::SetContactProfiles{{std::make_move_iterator(lacking.begin() + static_cast<ptrdiff_t>(at)),
                                       std::make_move_iterator(lacking.begin() + static_cast<ptrdiff_t>(end))}}});
  }
  const size_t records =
      out.size() - (lacking.size() + engine::kContactImportRowsMax - 1) / engine::kContactImportRowsMax;
  // Freezes of deletions a stop cut short (after the profiles: a contact the
  // directory deleted is closed by its profile, and a thaw leaves it so).
  std::vector<engine::ContactId> frozen;
  for (auto& runner : runners_)
    for (const engine::ContactBook::ClosedContact& c : runner->shard().contacts().closed())
      if (c.freezes > 0) frozen.push_back(c.contact);
  std::sort(frozen.begin(), frozen.end());
  frozen.erase(std::unique(frozen.begin(), frozen.end()), frozen.end());
  for (engine::ContactId id : frozen)
    out.push_back(engine::Command{0, engine::FreezeContact{id, engine::FreezeAction::kThawAll}});
  if (!out.empty())
    std::fprintf(stderr,
                 "tessera: contact directory: %zu contacts, %zu profiles and %zu interrupted deletions to reconcile "
                 "with the shards\n",
                 records, lacking.size(), frozen.size());
  return out;
}

engine::Reply ShardSet::pump_client_marks() {
  if (!directory_) return engine::refuse(engine::ReplyCode::kUnavailable, "this server runs no contact directory");
  std::lock_guard lock(pump_mutex_);
  return pump_outbox<engine::GetClientMarks, engine::ClientMarks, engine::NoteContactClients,
                     &engine::ClientMarks::marks, engine::kClientMarksPerReplyMax>(*this, marks_taken_);
}

void ShardSet::run_client_pump() {
  std::unique_lock lock(pump_mutex_);
  while (!pump_stopping_) {
    pump_wake_.wait_for(lock, std::chrono::milliseconds(kClientPumpIntervalMs), [this] { return pump_stopping_; });
    if (pump_stopping_) break;
    lock.unlock();
    auto transient = [](const engine::Reply& r) {
      return r.ok() || r.code == engine::ReplyCode::kUnavailable || r.code == engine::ReplyCode::kBusy;
    };
    if (directory_)
      if (const engine::Reply r = pump_client_marks(); !transient(r))
        std::fprintf(stderr, "tessera: client marks not forwarded (retried): %s\n", r.message.c_str());
    if (const engine::Reply r = pump_promo_returns(); !transient(r))
      std::fprintf(stderr, "tessera: promo returns not forwarded (retried): %s\n", r.message.c_str());
    if (directory_)
      if (const engine::Reply r = pump_cashback_returns(); !transient(r))
        std::fprintf(stderr, "tessera: cashback returns not forwarded (retried): %s\n", r.message.c_str());
    if (const engine::Reply r = pump_auto_invoices(); !transient(r))
      std::fprintf(stderr, "tessera: invoices on departure not numbered (retried): %s\n", r.message.c_str());
    lock.lock();
  }
}

}  // namespace tessera::runtime
