// OnSalePlan: the draws of the on-sale mix.
#include "tools/load/onsale_plan.h"

namespace tessera::tools {

OnSaleHold OnSalePlan::next() {
  OnSaleHold h;
  h.seated = roll(100) < kOnSaleSeatedPercent;
  h.category = h.seated ? kVenueSeatCategory : 1 + roll(kVenueGaCategories);
  h.quantity = 1 + roll(kOnSaleQuantityMax);
  const uint32_t fate = roll(100);
  h.follow_up = fate < kOnSaleConfirmPercent                           ? FollowUp::kConfirm
                : fate < kOnSaleConfirmPercent + kOnSaleReleasePercent ? FollowUp::kRelease
                                                                       : FollowUp::kExpire;
  return h;
}

}  // namespace tessera::tools
