// What the pre-registration tests share (engine/commands_preregistrations.h):
// a reply's detail, and the person of pre_registration_people.h.
#pragma once

#include <gtest/gtest.h>

#include <typeinfo>

#include "engine/reply_detail.h"
#include "tests/engine/pre_registration_people.h"

namespace tessera::engine::testing_prereg {

// The reply's detail (an empty one, and a failure, when the reply has none: a refusal).
template <typename D>
const D& detail_of(const Reply& r) {
  static const D kNothing{};
  const D* d = r.detail ? std::get_if<D>(&r.detail->value) : nullptr;
  if (d == nullptr) ADD_FAILURE() << "no " << typeid(D).name() << " in the reply: " << r.message;
  return d ? *d : kNothing;
}
inline const PreRegPage& page_of(const Reply& r) { return detail_of<PreRegPage>(r); }
inline const PreRegResults& results_of(const Reply& r) { return detail_of<PreRegResults>(r); }

}  // namespace tessera::engine::testing_prereg
