// PromoRegister: definitions, claims, returns, pages, snapshots.
#include "engine/promo_register.h"

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

template <typename T>
Reply detail_reply(T out, int64_t value) {
  Reply r;
  r.value = value;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

}  // namespace

std::string normal_promo_code(std::string_view code) {
  if (code.empty() || code.size() > kPromoCodeBytesMax) return {};
  std::string out(code);
  for (char& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) return {};
  }
  return out;
}

Reply PromoRegister::check(const DefinePromoCode& c) {
  if (normal_promo_code(c.code) != c.code)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a promo code is 1 to ", kPromoCodeBytesMax, " letters, digits, '-' or '_'"));
  if ((c.amount_cents == 0) == (c.percent == 0))
    return refuse(ReplyCode::kInvalidArgument, "a promo code takes an amount or a percent off (exactly one)");
  if (c.amount_cents < 0 || c.amount_cents > kPaymentCentsMax || c.percent > 100)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a promo code's amount is in [1, ", kPaymentCentsMax, "] cents, its percent in [1, 100]"));
  if (c.valid_from_ms < 0 || c.valid_from_ms > kTimeMsMax || c.valid_until_ms < 0 || c.valid_until_ms > kTimeMsMax ||
      (c.valid_until_ms != 0 && c.valid_until_ms <= c.valid_from_ms))
    return refuse(ReplyCode::kInvalidArgument, "a promo code's validity ends after it starts (0: no end)");
  if (c.max_uses > kPromoUsesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a promo code's use limit is at most ", kPromoUsesMax));
  if (c.min_package_cents < 0 || c.min_package_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a minimum package is in [0, ", kPaymentCentsMax, "] cents"));
  return Reply{};
}

Reply PromoRegister::on(const DefinePromoCode& c) {
  DefinePromoCode d = c;
  d.code = normal_promo_code(c.code);
  if (d.code.empty())
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a promo code is 1 to ", kPromoCodeBytesMax, " letters, digits, '-' or '_'"));
  if (Reply bad = check(d); !bad.ok()) return bad;
  auto it = codes_.find(d.code);
  if (it == codes_.end()) {
    if (codes_.size() >= kPromoCodesMax)
      return refuse(ReplyCode::kLimitExceeded, cat("the register keeps at most ", kPromoCodesMax, " promo codes"));
    codes_.emplace(d.code, PromoCodeUses{d, 0});
  } else {
    it->second.definition = d;  // its uses stay
  }
  return Reply{};
}

Reply PromoRegister::on(const ListPromoCodes& c) const {
  if (c.limit > kPromoCodesPageMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a page lists at most ", kPromoCodesPageMax, " promo codes"));
  const uint32_t limit = c.limit == 0 ? kPromoCodesPageMax : c.limit;
  PromoCodes out;
  out.total = static_cast<uint32_t>(codes_.size());
  const std::string after = normal_promo_code(c.after);
  for (auto it = after.empty() ? codes_.begin() : codes_.upper_bound(after);
       it != codes_.end() && out.codes.size() < limit; ++it)
    out.codes.push_back(it->second);
  const int64_t listed = static_cast<int64_t>(out.codes.size());
  return detail_reply(std::move(out), listed);
}

Reply PromoRegister::on(const ClaimPromoUse& c) {
  const PromoClaim& claim = c.claim;
  const std::string code = normal_promo_code(claim.code);
  if (code.empty() || code != claim.code || claim.order.value() == 0 || claim.attempt == 0 ||
      claim.attempt > kOrderPromoClaimsMax || claim.package_cents < 0)
    return refuse(ReplyCode::kInvalidArgument, "a promo claim names its order, attempt and code");
  auto it = codes_.find(code);
  if (it == codes_.end()) return refuse(ReplyCode::kNotFound, cat("promo code ", code, " is unknown"));
  const DefinePromoCode& d = it->second.definition;
  Promo granted{claim, PromoState::kApplied, d.amount_cents, d.percent, 0, 0};
  if (auto seen = claims_.find({claim.order.value(), claim.attempt}); seen != claims_.end()) {
    // The same step again (a retry, or the completion after a crash).
    if (seen->second != code)
      return refuse(ReplyCode::kDuplicate,
                    cat("order ", claim.order, "'s promo claim ", claim.attempt, " was for code ", seen->second));
    return detail_reply(std::move(granted), it->second.uses);
  }
  if (claim.at_ms < d.valid_from_ms)
    return refuse(ReplyCode::kInvalidState, cat("promo code ", code, " is valid from ", d.valid_from_ms, " (ms)"));
  if (d.valid_until_ms != 0 && claim.at_ms >= d.valid_until_ms)
    return refuse(ReplyCode::kInvalidState, cat("promo code ", code, " ended at ", d.valid_until_ms, " (ms)"));
  if (d.product != kNone && claim.product != d.product)
    return refuse(ReplyCode::kInvalidArgument, cat("promo code ", code, " is for product ", d.product, " only"));
  if (claim.package_cents < d.min_package_cents)
    return refuse(ReplyCode::kInvalidState, cat("promo code ", code, " needs an order of at least ",
                                                d.min_package_cents, " cents (this one: ", claim.package_cents, ")"));
  if (d.max_uses != 0 && it->second.uses >= d.max_uses)
    return refuse(ReplyCode::kSoldOut,
                  cat("promo code ", code, " is used by ", it->second.uses, " orders: its limit is ", d.max_uses));
  claims_.emplace(std::pair{claim.order.value(), claim.attempt}, code);
  ++it->second.uses;
  return detail_reply(std::move(granted), it->second.uses);
}

Reply PromoRegister::on(const ReturnPromoUses& c) {
  for (const PromoReturn& r : c.returns)
    if (r.shard >= kShardsMax || r.seq == 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("a promo return names a shard below ", kShardsMax, " and a seq from 1"));
  int64_t given_back = 0;
  for (const PromoReturn& r : c.returns) {
    if (r.shard >= taken_.size()) taken_.resize(r.shard + 1, 0);
    if (r.seq <= taken_[r.shard]) continue;  // taken already
    taken_[r.shard] = r.seq;
    auto use = claims_.find({r.order.value(), r.attempt});
    if (use == claims_.end()) continue;  // the claim was refused: nothing was counted
    if (auto code = codes_.find(use->second); code != codes_.end() && code->second.uses > 0) --code->second.uses;
    claims_.erase(use);
    ++given_back;
  }
  Reply out;
  out.value = given_back;
  return out;
}

PromoRegister::State PromoRegister::state() const {
  State s;
  for (const auto& [code, uses] : codes_) s.codes.push_back(uses);
  for (const auto& [key, code] : claims_) s.uses.push_back(Use{OrderId{key.first}, key.second, code});
  s.returns_taken = taken_;
  return s;
}

Status PromoRegister::restore(State state) {
  codes_.clear();
  claims_.clear();
  taken_ = std::move(state.returns_taken);
  if (taken_.size() > kShardsMax || state.codes.size() > kPromoCodesMax)
    return Status::invalid_argument("snapshot's promo register is out of range");
  for (PromoCodeUses& c : state.codes) {
    if (!check(c.definition).ok() || codes_.contains(c.definition.code))
      return Status::invalid_argument("snapshot's promo register has a code out of range or repeated");
    const std::string code = c.definition.code;
    codes_.emplace(code, std::move(c));
  }
  std::map<std::string, uint32_t> counted;
  for (Use& u : state.uses) {
    if (!codes_.contains(u.code) || u.order.value() == 0 || u.attempt == 0 ||
        !claims_.emplace(std::pair{u.order.value(), u.attempt}, u.code).second)
      return Status::invalid_argument("snapshot's promo register has a use of no code, or one twice");
    ++counted[u.code];
  }
  for (const auto& [code, c] : codes_)
    if (c.uses != (counted.contains(code) ? counted.at(code) : 0))
      return Status::invalid_argument("snapshot's promo register counts other uses than it keeps");
  return Status::ok();
}

void PromoRegister::hash_into(Hasher& h) const {
  if (!empty()) h.add(state());  // absent before promo codes existed
}

}  // namespace tessera::engine
