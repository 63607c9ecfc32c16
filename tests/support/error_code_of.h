// ErrorCodeOf: the code of the facetrace::Error a call throws, for tests that check many
// failures in a row.
#pragma once

#include <functional>

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace::testing {

// Fails the test (and returns kInternal) when `f` throws nothing.
inline ErrorCode ErrorCodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no facetrace::Error thrown";
  return ErrorCode::kInternal;
}

}  // namespace facetrace::testing
