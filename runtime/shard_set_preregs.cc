// ShardSet and pre-registrations (engine/commands_preregistrations.h): the
// parts of a submission on the other shards it spans, the directory's
// match of listed requests, and an integration's second step.
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

template <typename T>
const T* detail_of(const engine::Reply& r) {
  return r.ok() && r.detail ? std::get_if<T>(&r.detail->value) : nullptr;
}

template <typename T>
engine::Reply with_detail(engine::Reply r, T detail) {
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(detail)});
  return r;
}

// Waits for the replies of several commands sent at once; calls `then`
// with them (in the order sent) on the thread completing the last.
class Gather {
 public:
  Gather(size_t n, std::function<void(std::vector<engine::Reply>&&)> then)
      : replies_(n), left_(n), then_(std::move(then)) {}
  Completion* part(size_t i) {
    return new ThenCompletion([this, i](engine::Reply&& r) {
      replies_[i] = std::move(r);
      if (left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        then_(std::move(replies_));
        delete this;
      }
    });
  }

 private:
  std::vector<engine::Reply> replies_;
  std::atomic<size_t> left_;
  std::function<void(std::vector<engine::Reply>&&)> then_;
};

}  // namespace

void ShardSet::place_pre_registration(engine::Command submitted, engine::Reply&& home, Completion* done) {
  const auto* page = detail_of<engine::PreRegPage>(home);
  if (page == nullptr || page->rows.size() != 1 || page->rows[0].missing_shards.empty()) {
    done->complete(std::move(home));
    return;
  }
  const engine::PreRegRow row = page->rows[0];
  const auto& request = std::get<engine::SubmitPreRegistration>(submitted.body);
  auto* gather = new Gather(row.missing_shards.size(), [this, row, home = std::move(home), submitted,
                                                        done](std::vector<engine::Reply>&& parts) mutable {
    engine::PreRegRow merged = row;
    merged.missing_shards.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto* p = detail_of<engine::PreRegPage>(parts[i]);
      if (p == nullptr || p->rows.size() != 1) {
        // Held whole or not at all: the parts placed give their stock back.
        engine::Reply refused =
            parts[i].ok() ? engine::refuse(engine::ReplyCode::kUnavailable, "no part placed") : std::move(parts[i]);
        refused.message = engine::cat("shard ", row.missing_shards[i], ": ", refused.message, " (pre-registration ",
                                      row.id, " withdrawn)");
        engine::Command withdraw{0, engine::DeletePreRegistrations{{row.id}}, submitted.principal};
        auto* then = new ThenCompletion(
            [done, refused = std::move(refused)](engine::Reply&&) mutable { done->complete(std::move(refused)); });
        if (!submit_internal(*this, withdraw, then)) then->complete(engine::Reply{});
        return;
      }
      const engine::PreRegRow& part = p->rows[0];
      merged.lines.insert(merged.lines.end(), part.lines.begin(), part.lines.end());
      merged.orders.insert(merged.orders.end(), part.orders.begin(), part.orders.end());
    }
    done->complete(with_detail(std::move(home), engine::PreRegPage{{std::move(merged)}, 1, 0}));
  });
  for (size_t i = 0; i < row.missing_shards.size(); ++i) {
    engine::Command place{0, engine::PlacePreRegistration{row.missing_shards[i], row.id, request}, submitted.principal};
    Completion* part = gather->part(i);
    if (!submit_internal(*this, place, part))
      part->complete(engine::refuse(engine::ReplyCode::kUnavailable,
                                    "stopping: the shop's retry of the same reference places the rest"));
  }
}

void ShardSet::match_pre_registrations(engine::Reply&& listed, Completion* done) {
  const auto* page = detail_of<engine::PreRegPage>(listed);
  engine::MatchPreRegistrants ask;
  if (page != nullptr)
    for (const engine::PreRegRow& row : page->rows)
      if (row.status == engine::PreRegStatus::kPending && row.match_mode != engine::MatchMode::kNoContact)
        ask.requests.push_back(
            {row.id, row.requester,
             row.match_mode == engine::MatchMode::kContact ? row.match.contact : engine::ContactId{}});
  if (ask.requests.empty() || !directory_) {
    done->complete(std::move(listed));
    return;
  }
  auto* then = new ThenCompletion([listed = std::move(listed), done](engine::Reply&& answer) mutable {
    const auto* found = detail_of<engine::PreRegMatches>(answer);
    if (found != nullptr) {
      engine::PreRegPage filled = std::get<engine::PreRegPage>(listed.detail->value);
      size_t at = 0;
      for (engine::PreRegRow& row : filled.rows)
        if (at < found->ids.size() && found->ids[at] == row.id) row.match = found->matches[at++];
      listed = with_detail(std::move(listed), std::move(filled));
    }
    done->complete(std::move(listed));
  });
  if (!submit_directory(*directory_, engine::Command{0, std::move(ask)}, then)) then->complete(engine::Reply{});
}

void ShardSet::integrate_pre_registrations(engine::Command asked, engine::Reply&& listed, Completion* done,
                                           Integrated then) {
  // First who each request is (the listed rows, matched), then the shards.
  auto* apply = new ThenCompletion([this, asked, done, then = std::move(then)](engine::Reply&& matched) {
    const auto& c = std::get<engine::IntegratePreRegistrations>(asked.body);
    const auto* page = detail_of<engine::PreRegPage>(matched);
    if (page == nullptr) {
      done->complete(std::move(matched));
      return;
    }
    engine::ApplyPreRegistrations step{asked.key, c.options, {}};
    auto decision_of = [](const engine::PreRegRow& row) {
      engine::IntegrationDecision d{row.id, {}, engine::MatchBasis::kUnmatched};
      // An integrated part names whom it went to: a part of it left pending goes there too.
      if (row.status != engine::PreRegStatus::kPending || row.match_mode != engine::MatchMode::kNoContact) {
        d.contact = row.match.contact;
        d.basis = row.match.basis;
      }
      return d;
    };
    if (c.ids.empty()) {
      for (const engine::PreRegRow& row : page->rows) step.decisions.push_back(decision_of(row));
    } else {  // in the client's order; an id no shard holds is answered "not found"
      for (uint64_t id : c.ids) {
        const auto it =
            std::find_if(page->rows.begin(), page->rows.end(), [id](const engine::PreRegRow& r) { return r.id == id; });
        step.decisions.push_back(it != page->rows.end()
                                     ? decision_of(*it)
                                     : engine::IntegrationDecision{id, {}, engine::MatchBasis::kUnmatched});
      }
    }
    if (step.decisions.empty()) {
      done->complete(with_detail(engine::Reply{}, engine::PreRegResults{}));
      return;
    }
    engine::Command command{0, std::move(step), asked.principal};
    Completion* applied = done;
    if (then)
      applied = new ThenCompletion([then, rows = *page, done](engine::Reply&& results) mutable {
        then(std::move(rows), std::move(results), done);
      });
    if (!submit_internal(*this, command, applied))
      applied->complete(engine::refuse(engine::ReplyCode::kUnavailable, "stopping: nothing integrated"));
  });
  match_pre_registrations(std::move(listed), apply);
}

}  // namespace tessera::runtime
