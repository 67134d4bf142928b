// ShardSet: N shard runners and the routing between them.
//
// submit() sends a command to the shard that owns it (engine::command_route):
// performance set-up and new orders by performance id, order commands by the
// shard in the order id, back-office queries to every shard, selections of
// orders split by shard; the replies of a fan-out are merged by
// engine::merge_replies. Catalog definitions go to every shard with a
// CatalogBarrier: prepared on all, applied on all or on none.
//
// The contact directory partition (directory/) runs beside the shards.
// Contact commands go to it; after a record's number or types change, the
// set hands them to every shard (SetContactProfile, a catalog broadcast)
// before it answers, and at start() it resends what a shard lacks (a crash
// between the directory's write and the shards'). A fan-out whose merged
// reply names contacts (follow-up rows, reminder items) is completed with
// their names, e-mails and numbers from the directory (GetContactCards): a
// read at query time, so no shard holds a copy of a record.
// (shard_set_contacts.cc)
//
// Promo returns: a shard keeps the promo uses its orders give back in an
// outbox; the same pump reads the returns the register on shard 0 has not
// taken (GetPromoReturns) and logs them there (ReturnPromoUses).
//
// Client marks: a shard marks a contact at its first confirmed order there;
// the client pump (a thread of the set, while it runs) reads the marks the
// directory has not taken (GetClientMarks, a fan-out query answered once
// durable) and logs them in the directory (NoteContactClients) every
// kClientPumpIntervalMs, so a contact shows as a client within about that.
// Thread-safety: submit() from any thread; start/stop from the owner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "base/local_time.h"
#include "engine/command.h"
#include "engine/reply_merge.h"
#include "runtime/catalog_broadcast.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "runtime/shard_runner.h"

namespace tessera::runtime {

inline constexpr int64_t kClientPumpIntervalMs = 250;

class ShardSet {
 public:
  // REQUIRES 1 <= shard_count <= kShardsMax.
  ShardSet(uint32_t shard_count, const Clock& clock, engine::ShardConfig config = {});
  // Runners built elsewhere (e.g. recovered from the command log), one per
  // shard, in shard order, and the contact directory's (nullptr: contact
  // commands are answered Unavailable).
  explicit ShardSet(std::vector<std::unique_ptr<ShardRunner>> runners,
                    std::unique_ptr<DirectoryRunner> directory = nullptr);
  // Stops what still runs (the client pump's thread first).
  ~ShardSet() { stop(); }
  ShardSet(const ShardSet&) = delete;
  ShardSet& operator=(const ShardSet&) = delete;
  // What the organisation configures that merging fan-out replies needs
  // (engine/reply_merge.h). REQUIRES before start().
  void set_merge_settings(engine::MergeSettings settings);
  const engine::MergeSettings& merge_settings() const { return merge_settings_; }
  // The organisation's time zone: the year an invoice is numbered in.
  // REQUIRES before start().
  void set_local_time(LocalTime local) { local_ = std::move(local); }
  const LocalTime& local_time() const { return local_; }
  void start();
  // Starts every runner stepped (runtime/shard_runner.h) and no pump
  // thread: the owner calls turn() (the simulator, sim/), and the pumps'
  // work by hand (pump_client_marks() ...). `step` is what a wait for a
  // reply calls until the reply is there (call(), the start's
  // reconciliations): it must turn the runners.
  void start_stepped(std::function<void()> step);
  // Stepped: one turn of the directory and of each shard, in order.
  // Returns how much they did (PartitionRunner::turn()).
  size_t turn();
  bool stepped() const { return static_cast<bool>(step_); }
  void stop();

  // Returns false iff the owning shard's inbox is full (nothing queued, done
  // not called). A broadcast either reaches every shard or returns false
  // without queueing anywhere only when the first shard refuses; once one
  // shard took it the others are retried until they accept.
  bool submit(engine::Command&& command, Completion* done);

  // Submits and waits for the reply (kBusy when the inbox stays full).
  engine::Reply call(engine::Command command);
  // done.wait(), or turning the runners until it is done when stepped.
  engine::Reply& await(WaitableCompletion& done);

  uint32_t size() const { return static_cast<uint32_t>(runners_.size()); }
  // Shard i's runner serves loops[i] between its batches (runtime/
  // event_loop.h: the protocol server's connections); an empty span detaches
  // them all. Returns once no runner uses a loop it had before.
  void attach_event_loops(std::span<EventLoop* const> loops) {
    for (uint32_t i = 0; i < size(); ++i) runners_[i]->attach(i < loops.size() ? loops[i] : nullptr);
  }
  ShardRunner& runner(uint32_t shard) { return *runners_[shard]; }
  DirectoryRunner* directory() { return directory_.get(); }

  // Forwards the client marks the directory lacks, now (the pump does it
  // every kClientPumpIntervalMs): the marks taken, or the refusal.
  engine::Reply pump_client_marks();

  // Steps 2 and 3 of numbering a document the order's shard froze
  // (engine/commands_invoices.h): the client's name and address from the
  // directory, the number from the register (RecordInvoice, shard 0), the
  // mark on the order (NoteInvoice). `done` gets the register's reply, the
  // numbered document (its message says so if the mark could not be sent:
  // a retry or the next start sends it). (shard_set_invoices.cc)
  void number_document(engine::InvoiceDocument document, Completion* done);

  // Numbers the invoices the shards froze on departures
  // (engine/auto_invoicing.h), now (the pump does it every
  // kClientPumpIntervalMs), and hands each numbered one to the hook: the
  // invoices numbered, or the first refusal. A document the register
  // refuses is reported once and left pending (the next start retries it).
  engine::Reply pump_auto_invoices();
  // What the pump calls, on its thread, with each invoice it numbered (the
  // server renders its PDF). Any thread, any time.
  void on_auto_invoice(std::function<void(const engine::InvoiceDocument&)> hook);

  // Steps 2 and 3 of applying a promo code (engine/commands_promo.h): the
  // register counts the claim's use (ClaimPromoUse, shard 0), the order
  // notes the answer (NotePromoClaim); `done` gets the register's refusal
  // or the order's reply. claim_promo_of takes ApplyPromoCode's reply: a
  // pending claim goes on, any other reply is `done`'s as it is.
  // (shard_set_promo.cc)
  void claim_promo(engine::PromoClaim claim, Completion* done);
  void claim_promo_of(engine::Reply&& taken, Completion* done);
  // Forwards the promo uses orders gave back that the register has not
  // taken, now (the pump does it every kClientPumpIntervalMs): the uses
  // given back, or the refusal.
  engine::Reply pump_promo_returns();
  // The same two steps for cashback (engine/commands_cashback.h): the
  // contact directory pays the claim (ClaimCashback), the order notes it
  // (NoteCashbackClaim). claim_cashback_of takes ApplyCashback's reply.
  void claim_cashback_of(engine::Reply&& taken, Completion* done);
  // Likewise naming a sponsor (engine/commands_sponsorship.h): the
  // directory checks the claim (CheckSponsor), the order notes it
  // (NoteSponsor). claim_sponsor_of takes SetSponsor's reply.
  void claim_sponsor_of(engine::Reply&& taken, Completion* done);
  // Forwards the cashback orders gave back that the directory has not
  // taken, now (the pump does it every kClientPumpIntervalMs): the cents
  // given back, or the refusal.
  engine::Reply pump_cashback_returns();

  // Steps 2 and 3 of a payment batch (engine/commands_batches.h): the
  // shards freeze its payments (FreezePayments, each shard at once), the
  // register settles it (SettlePaymentBatch, shard 0); `done` gets the
  // settled batch, or kUnavailable when stopping (the batch stays open and
  // the next start settles it). settle_batch_of takes MakePaymentBatch's
  // reply: an open batch goes on, any other reply is `done`'s as it is.
  // (shard_set_batches.cc)
  void settle_batch(engine::PaymentBatch batch, Completion* done);
  void settle_batch_of(engine::Reply&& created, Completion* done);

  // Pre-registrations (engine/commands_preregistrations.h; shard_set_preregs.cc).
  // Step 2 of a submission: `home` is the home shard's reply to `submitted`;
  // the other shards it names place their parts, and `done` gets the whole
  // request — or, a part refused, that refusal once the parts placed are
  // withdrawn (their stock returns).
  void place_pre_registration(engine::Command submitted, engine::Reply&& home, Completion* done);
  // Fills each pending row of a merged PreRegPage with the directory's match
  // (or the card of the operator's pick), then completes `done`.
  void match_pre_registrations(engine::Reply&& listed, Completion* done);
  // An integration's second step: `listed` is the merged reply of `asked`
  // (IntegratePreRegistrations); matched, it becomes ApplyPreRegistrations
  // on every shard, whose merged results `done` gets — through `then` when
  // given, with the requests as matched (on the thread completing the last
  // shard: `then` must not block it).
  using Integrated = std::function<void(engine::PreRegPage matched, engine::Reply&& results, Completion* done)>;
  void integrate_pre_registrations(engine::Command asked, engine::Reply&& listed, Completion* done,
                                   Integrated then = {});

  // Completes `done` with a merged fan-out reply, once the contacts it names
  // are filled in from the directory.
  void deliver(engine::Reply&& merged, Completion* done);

  // Contacts a DeleteContact or MergeContacts is working on (from its first
  // step to its reply): another of the two naming one is refused (Busy),
  // so a merge cannot move orders onto a contact whose deletion counted its
  // orders before them, nor a deletion count a contact whose merge is half
  // handed over. In memory only: a start finishes or undoes both first
  // (reconcile_contacts). claim_contacts takes all or none.
  bool claim_contacts(const std::vector<engine::ContactId>& ids);
  void release_contacts(const std::vector<engine::ContactId>& ids);

 private:
  bool submit_contacts(engine::Command&& command, Completion* done);
  // Before the runners start: contacts recorded only on the shards (logged
  // by DefineContact before the directory existed) and profiles a shard
  // lacks. Sent once everything runs.
  std::vector<engine::Command> reconcile_contacts();
  // Before the runners start: the documents frozen and not numbered (a
  // crash between the steps); numbered once everything runs.
  std::vector<engine::InvoiceDocument> pending_documents();
  void complete_pending_documents(std::vector<engine::InvoiceDocument> pending);
  // Likewise the promo, cashback and sponsor claims taken and not answered.
  struct PendingClaims {
    std::vector<engine::PromoClaim> promo;
    std::vector<engine::CashbackClaim> cashback;
    std::vector<engine::SponsorClaim> sponsor;
  };
  PendingClaims pending_claims();
  void complete_pending_claims(PendingClaims pending);
  // Likewise the payment batches opened and not settled.
  std::vector<engine::PaymentBatch> open_batches();
  void complete_open_batches(std::vector<engine::PaymentBatch> open);

  // Submits each (shard, body) part; merges the replies for `done`.
  bool fan_out(engine::Command& command, std::vector<std::pair<uint32_t, engine::CommandBody>> parts, Completion* done);
  bool submit_catalog(engine::Command&& command, Completion* done);
  // What start() and start_stepped() share: takes what the runners left
  // unfinished, starts them, finishes it.
  void start_runners(bool stepped);
  std::function<void()> step_;  // stepped: turns the runners

  std::vector<std::unique_ptr<ShardRunner>> runners_;
  std::unique_ptr<DirectoryRunner> directory_;
  engine::MergeSettings merge_settings_;  // read by the runners' threads once started
  LocalTime local_;
  std::mutex catalog_mutex_;  // catalog commands enter every inbox in one order

  std::mutex contacts_busy_mutex_;  // guards contacts_busy_ (claim_contacts)
  std::vector<engine::ContactId> contacts_busy_;

  void run_client_pump();
  std::mutex pump_mutex_;                 // one pump at a time; guards what follows
  std::vector<uint64_t> marks_taken_;     // by shard: the directory's last mark taken
  std::vector<uint64_t> promo_taken_;     // by shard: the promo register's last return taken
  std::vector<uint64_t> cashback_taken_;  // by shard: the directory's last cashback return taken
  std::function<void(const engine::InvoiceDocument&)> auto_invoice_hook_;
  std::set<std::pair<uint64_t, uint32_t>> auto_refused_;  // (order, attempt) the register refused: not retried
  std::condition_variable pump_wake_;
  bool pump_stopping_ = false;
  std::thread pump_;
};

}  // namespace tessera::runtime
