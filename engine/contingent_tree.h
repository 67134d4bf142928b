// ContingentTree: contingents (stock set aside for channels or partners),
// sub-contingents with planned quotas, and release-back of unsold stock to
// the parent (or the open sale) at a date, through the shard's timers.
//
// Stock moves between a contingent and its parent by capacity transfers
// (StockLedger::transfer_units): the parent's quota gives capacity to the
// child's, so a unit is always counted in exactly one place. After
// release-back a contingent is closed to sales; whatever its orders return
// later flows on to the nearest open ancestor (flow_back).
//
// Invariants (check_invariants): parents come first and match; no subtree
// holds more than its planned quota; released contingents hold no unsold
// stock; release-back timers match their dates.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/seat_inventory.h"
#include "engine/shard_timers.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

class ContingentTree {
 public:
  ContingentTree(StockLedger& stock, SeatInventory& seats, ShardTimers& timers, const Catalog& catalog,
                 const int64_t& now_ms)
      : stock_(stock), seats_(seats), timers_(timers), catalog_(catalog), now_ms_(now_ms) {}

  Reply on(const DefineContingent& c);
  Reply on(const DefineSubContingent& c);
  Reply on(const SetContingentReleaseBack& c);
  // Rules 2 (engine/command.h): the definition of an existing contingent
  // given again with another name renames it (a catalog file applied again
  // names the contingents an older one left unnamed). nullopt: not that
  // case (on() answers, e.g. Duplicate).
  std::optional<Reply> rename(const DefineContingent& c);
  std::optional<Reply> rename(const DefineSubContingent& c);

  // Stock an order just returned to a released contingent moves on.
  void flow_back(const OrderLine& line, uint32_t first_seat, uint32_t count);
  // The release-back timer of contingents index `index` fired.
  void on_release_back(uint32_t index);

  // Adds the armed release-back timers to *timed.
  Status check_invariants(uint32_t* timed) const;

 private:
  Reply check_channels(const std::vector<ChannelId>& channels) const;
  // The contingent `id` if it is exactly this definition but for its name.
  Contingent* same_but_name(ContingentId id, PerformanceId performance, uint32_t parent, CategoryId category,
                            uint32_t allotment, const std::vector<ChannelId>& channels);
  void arm_release_back(Contingent& k, uint32_t index);

  StockLedger& stock_;
  SeatInventory& seats_;
  ShardTimers& timers_;
  const Catalog& catalog_;
  const int64_t& now_ms_;
};

}  // namespace tessera::engine
