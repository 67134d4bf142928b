// Catalog plan: what `tessera apply FILE` would change on a server, given
// the file's commands (catalog/catalog_file.h) and the server's catalog
// (ExportCatalog).
//
// Each command of the file names one thing (a season, the price of a tariff
// for a category on a channel, the cap of a channel on a performance...).
// Against the server it is either new (create), equal (nothing to do), or
// different: a setting (prices, general-admission capacity, channel caps,
// expiry policies of a channel, option lifetimes, release-back dates) is
// changed by sending it again; a definition (a season, product, tariff,
// layout, performance, contingent...) cannot change once made, so a file
// that differs from the server on one is refused whole, naming its line.
// Nothing is ever deleted: what the server has and the file does not is
// listed and kept.
//
// check_plan then runs the plan through a real engine shard loaded with the
// server's catalog, so a reference the server would refuse (a tariff of an
// unknown product, an allotment over the stock) is refused before anything
// is sent, naming the line.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/catalog_file.h"
#include "engine/command.h"

namespace tessera::catalog {

enum class StepKind : uint8_t { kCreate, kChange };

struct PlanStep {
  StepKind kind;
  engine::Command command;
  uint32_t line;     // in the file
  std::string what;  // "price of tariff 11 for category 1 on channel 2"
  std::string from;  // kChange: the server's value ("6000 cents"); empty for kCreate
  std::string to;    // the file's value, for a setting; empty otherwise
};

struct Plan {
  std::vector<PlanStep> steps;         // in the file's canonical order
  uint32_t unchanged = 0;              // commands of the file the server already has
  std::vector<std::string> kept;       // what the server has and the file does not (never deleted)
  std::vector<std::string> conflicts;  // Conflicts::kKeepServers: "SOURCE:LINE: ..." definitions left as they are
};

// A definition in the file that differs from the server's: refuse the
// whole file (tessera apply), or keep the server's and say so (the
// server's start-up, which must not fail on a data directory whose catalog
// has moved on from the file).
enum class Conflicts : uint8_t { kRefuse, kKeepServers };

// The plan, or invalid_argument "SOURCE:LINE: ..." for the first definition
// that differs from the server's.
Result<Plan> plan_catalog(const CatalogFile& file, const std::vector<engine::Command>& server, std::string_view source,
                          Conflicts conflicts = Conflicts::kRefuse);

// Runs `server` then the plan's steps on an engine shard at now_ms: ok, or
// invalid_argument "SOURCE:LINE: <what> refused: <code>: <message>" for the
// first step the engine refuses.
Status check_plan(const Plan& plan, const std::vector<engine::Command>& server, std::string_view source,
                  int64_t now_ms);

// The plan as a person reads it: one line per step ("create performance 1000
// (line 120)", "change price of ... (line 40): 6000 cents -> 6100 cents"),
// then the count of unchanged entries and what is kept.
std::string describe(const Plan& plan);

// "season 1", "price of tariff 11 for category 1 on channel 2": what one
// set-up command names.
std::string identity_of(const engine::Command& command);

// Sends commands as one batch and returns one reply per command, or why it
// could not (connection lost...).
using SendBatch = std::function<Result<std::vector<engine::Reply>>(std::vector<engine::Command>)>;

// Commands per batch while applying: well under any server's request limit.
inline constexpr size_t kApplyBatch = 256;

// `tessera apply` whole, for the CLI and the server's start-up alike: reads
// the server's catalog through `send` (ExportCatalog), plans, checks the plan
// on an engine shard at now_ms, and unless dry_run sends its steps in order,
// kApplyBatch a batch. Returns the plan; or invalid_argument "SOURCE:LINE:
// ..." for a file the plan or the check refuses (nothing sent); or, for a
// step the server refuses (its catalog changed since it was read), the
// failed_precondition naming the line and how many steps were applied
// before it; or the transport's error.
Result<Plan> apply_catalog(const CatalogFile& file, std::string_view source, const SendBatch& send, int64_t now_ms,
                           bool dry_run, Conflicts conflicts = Conflicts::kRefuse);

}  // namespace tessera::catalog
