// Catalog plan: identities, settings and definitions, and the dry run
// through an engine shard.
#include "catalog/catalog_plan.h"

#include <algorithm>
#include <map>

#include "base/strings.h"
#include "catalog/catalog_values.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"
#include "engine/shard.h"

namespace tessera::catalog {

using namespace tessera::engine;

namespace {

std::string channel_text(ChannelId channel) {
  return channel == kNone ? std::string("every channel") : cat("channel ", channel);
}

// What a command names, and for a setting its value (empty for a
// definition, which cannot change once made).
struct Named {
  std::string identity;
  std::string setting;
};

struct Namer {
  Named operator()(const DefineSeason& c) const { return {cat("season ", c.season), {}}; }
  Named operator()(const DefineProductFamily& c) const { return {cat("product family ", c.family), {}}; }
  Named operator()(const DefineProductType& c) const { return {cat("product type ", c.type), {}}; }
  Named operator()(const DefineChannel& c) const { return {cat("channel ", c.channel), {}}; }
  Named operator()(const DefineCategory& c) const { return {cat("category ", c.category), {}}; }
  Named operator()(const DefineProduct& c) const { return {cat("product ", c.product), {}}; }
  Named operator()(const SetChannelExpiryPolicy& c) const {
    return {cat("expiry policy of product ", c.product, " on channel ", c.channel),
            cat(expiry_word(c.expiry_policy), " grace ", format_duration_ms(c.overdue_grace_ms))};
  }
  Named operator()(const SetOptionLifetime& c) const {
    return {cat(c.kind == BookingKind::kOption ? "option" : "reservation", " lifetime of product ", c.product, " on ",
                channel_text(c.channel)),
            format_duration_ms(c.lifetime_ms)};
  }
  Named operator()(const DefineTariff& c) const { return {cat("tariff ", c.tariff), {}}; }
  Named operator()(const SetTariffPrice& c) const {
    return {cat("price of tariff ", c.tariff, " for category ", c.category, " on ", channel_text(c.channel)),
            cat(c.price_cents, " cents")};
  }
  Named operator()(const DefineVenueLayout& c) const { return {cat("layout ", c.layout), {}}; }
  Named operator()(const DefinePerformance& c) const { return {cat("performance ", c.performance), {}}; }
  Named operator()(const SetGeneralAdmission& c) const {
    return {cat("general admission of category ", c.category, " on performance ", c.performance),
            cat(c.capacity, " units")};
  }
  Named operator()(const AssignLayout& c) const { return {cat("layout of performance ", c.performance), {}}; }
  Named operator()(const SetChannelCap& c) const {
    return {cat("cap of channel ", c.channel, " on performance ", c.performance), cat(c.cap, " units")};
  }
  Named operator()(const SetPerformanceStaff& c) const {
    return {cat("staff of performance ", c.performance),
            cat("responsible ", c.responsible, ", assistant ", c.assistant)};
  }
  Named operator()(const DefineContingent& c) const { return {cat("contingent ", c.contingent), {}}; }
  Named operator()(const DefineSubContingent& c) const { return {cat("contingent ", c.contingent), {}}; }
  Named operator()(const SetContingentReleaseBack& c) const {
    return {cat("release-back of contingent ", c.contingent), cat(c.release_back_ms, " ms since 1970 (UTC)")};
  }
  template <typename T>
  Named operator()(const T&) const {
    return {};  // not a set-up command: named by its command name
  }
};

Named named(const Command& c) {
  Named n = std::visit(Namer{}, c.body);
  if (n.identity.empty()) n.identity = std::string(command_name(c.body));
  return n;
}

uint64_t body_hash(const Command& c) {
  Hasher h;
  h.add(c.body);
  return h.value();
}

// The file names a contingent the server has unnamed or named otherwise,
// with the rest of its definition the same: a rename (the engine takes the
// definition again with the new name as one).
template <typename Define>
bool renames_only(const Command& current, const Command& wanted) {
  const auto* a = std::get_if<Define>(&current.body);
  const auto* b = std::get_if<Define>(&wanted.body);
  if (a == nullptr || b == nullptr || a->name == b->name) return false;
  Define same = *b;
  same.name = a->name;
  return body_hash(Command{0, same}) == body_hash(current);
}

}  // namespace

std::string identity_of(const Command& command) { return named(command).identity; }

Result<Plan> plan_catalog(const CatalogFile& file, const std::vector<Command>& server, std::string_view source,
                          Conflicts conflicts) {
  std::map<std::string, const Command*> on_server;
  for (const Command& c : server) on_server.emplace(identity_of(c), &c);
  Plan plan;
  std::map<std::string, bool> in_file;
  for (const CatalogEntry& e : file.entries) {
    const Named n = named(e.command);
    in_file[n.identity] = true;
    const auto found = on_server.find(n.identity);
    if (found == on_server.end()) {
      plan.steps.push_back(PlanStep{StepKind::kCreate, e.command, e.line, n.identity, {}, n.setting});
      continue;
    }
    const Command& current = *found->second;
    if (current.body.index() == e.command.body.index() && body_hash(current) == body_hash(e.command)) {
      ++plan.unchanged;
      continue;
    }
    if (renames_only<DefineContingent>(current, e.command) || renames_only<DefineSubContingent>(current, e.command)) {
      const auto name_of = [](const Command& c) {
        return std::visit(
            [](const auto& d) -> std::string {
              if constexpr (requires { d.name; }) return d.name.empty() ? "unnamed" : cat("name \"", d.name, "\"");
              return {};
            },
            c.body);
      };
      plan.steps.push_back(
          PlanStep{StepKind::kChange, e.command, e.line, n.identity, name_of(current), name_of(e.command)});
      continue;
    }
    // A sub-contingent and a contingent share the id space: a change of
    // kind is a change of definition.
    if (n.setting.empty() || current.body.index() != e.command.body.index()) {
      std::string why = cat(
          source, ":", e.line, ": ", n.identity,
          " differs from the server's, and a definition cannot change once made "
          "(only settings do: prices, capacities, caps, expiry policies, option "
          "lifetimes, release-back dates, contingent names, performance staff); give it a new id, or make the file say "
          "what the server has (tessera export-catalog)");
      if (conflicts == Conflicts::kRefuse) return Status::invalid_argument(std::move(why));
      plan.conflicts.push_back(std::move(why));
      continue;
    }
    plan.steps.push_back(PlanStep{StepKind::kChange, e.command, e.line, n.identity, named(current).setting, n.setting});
  }
  for (const Command& c : server) {
    std::string id = identity_of(c);
    if (!in_file.count(id)) plan.kept.push_back(std::move(id));
  }
  return plan;
}

Status check_plan(const Plan& plan, const std::vector<Command>& server, std::string_view source, int64_t now_ms) {
  Shard shard(0, 1, now_ms);
  // The server's catalog as it stands. Its own commands may not all apply
  // again (a release-back date now past): the rest still does.
  for (const Command& c : server) (void)shard.apply(c, now_ms);
  for (const PlanStep& step : plan.steps) {
    const Reply r = shard.apply(step.command, now_ms);
    if (!r.ok())
      return Status::invalid_argument(cat(source, ":", step.line, ": ", step.what,
                                          " would be refused: ", reply_code_name(r.code), ": ", r.message));
  }
  return Status::ok();
}

std::string describe(const Plan& plan) {
  std::string out;
  for (const PlanStep& s : plan.steps) {
    if (s.kind == StepKind::kCreate) {
      out += cat("create ", s.what, s.to.empty() ? "" : cat(": ", s.to), " (line ", s.line, ")\n");
    } else {
      out += cat("change ", s.what, ": ", s.from, " -> ", s.to, " (line ", s.line, ")\n");
    }
  }
  out += cat(plan.steps.size(), " to send, ", plan.unchanged, " unchanged");
  if (!plan.kept.empty()) {
    out += cat(", ", plan.kept.size(), " on the server and not in the file (kept: apply never deletes)");
    for (size_t i = 0; i < plan.kept.size() && i < 10; ++i) out += cat(i ? ", " : ": ", plan.kept[i]);
    if (plan.kept.size() > 10) out += ", ...";
  }
  return out + "\n";
}

Result<Plan> apply_catalog(const CatalogFile& file, std::string_view source, const SendBatch& send, int64_t now_ms,
                           bool dry_run, Conflicts conflicts) {
  auto exported = send({Command{0, ExportCatalog{}}});
  if (!exported.is_ok()) return exported.status();
  const Reply& r = exported->front();
  if (!r.ok())
    return Status::failed_precondition(
        cat("reading the server's catalog refused: ", reply_code_name(r.code), ": ", r.message));
  if (!r.detail || !std::holds_alternative<CatalogExport>(r.detail->value))
    return Status::failed_precondition("the server answered ExportCatalog without its catalog (an older server?)");
  const std::vector<Command>& server = std::get<CatalogExport>(r.detail->value).commands;
  auto plan = plan_catalog(file, server, source, conflicts);
  if (!plan.is_ok()) return plan.status();
  const Status checked = check_plan(*plan, server, source, now_ms);
  if (!checked.is_ok()) return checked;
  if (dry_run) return plan;
  const std::vector<PlanStep>& steps = plan->steps;
  for (size_t first = 0; first < steps.size(); first += kApplyBatch) {
    const size_t end = std::min(steps.size(), first + kApplyBatch);
    std::vector<Command> batch;
    for (size_t i = first; i < end; ++i) batch.push_back(steps[i].command);
    auto replies = send(std::move(batch));
    if (!replies.is_ok())
      return Status::unavailable(cat(replies.status().message(), "; ", first, " of ", steps.size(),
                                     " steps applied before it (apply the file again to finish)"));
    for (size_t i = 0; i < replies->size(); ++i) {
      const Reply& reply = (*replies)[i];
      if (reply.ok()) continue;
      const PlanStep& step = steps[first + i];
      const std::string what = cat(source, ":", step.line, ": ", step.what, " refused: ", reply_code_name(reply.code),
                                   ": ", reply.message, "; ", first + i, " of ", steps.size(),
                                   " steps applied before it (the server's catalog changed since it was read?)");
      return reply.code == ReplyCode::kBusy || reply.code == ReplyCode::kUnavailable
                 ? Status::unavailable(what)
                 : Status::failed_precondition(what);
    }
  }
  return plan;
}

}  // namespace tessera::catalog
