// ShardSet and the contact directory: routing to it, the hand-over of each
// contact's profile to the shards, names filled in at query time, and the
// reconciliation at start.
#include <cassert>
#include <thread>

#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
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
    for (;;) {
      engine::Command copy = profile;
      if (set_.submit(std::move(copy), &broadcast_)) return;
      if (!set_.runner(0).accepting()) return finish(std::move(reply_));
      std::this_thread::yield();  // rare: the first shard's inbox is full
    }
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
    for (;;) {
      engine::Command command{0, ask};
      if (directory_.submit(std::move(command), this)) return;
      if (!directory_.accepting()) return finish();
      std::this_thread::yield();
    }
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
  const bool ack_only = engine::command_info(command.body).reply == engine::ReplyKind::kAck;
  auto* hand_over = new HandOverCompletion(*this, done, ack_only);
  if (directory_->submit(std::move(command), hand_over)) return true;
  delete hand_over;
  return false;
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
  if (!out.empty())
    std::fprintf(stderr, "tessera: contact directory: %zu contacts and %zu profiles to reconcile with the shards\n",
                 out.size() - (lacking.size() + engine::kContactImportRowsMax - 1) / engine::kContactImportRowsMax,
                 lacking.size());
  return out;
}

}  // namespace tessera::runtime
