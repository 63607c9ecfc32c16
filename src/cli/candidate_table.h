// The readable (non-JSON) form of a ranked candidate list, shared by `identify` and `video`:
// one line per candidate with its distance, estimated false-match rate and whether it is a
// possible match under the policy, then "no match" when none is.
#pragma once

#include <vector>

#include "pipeline/gallery.h"

namespace facetrace::cli {

void PrintCandidates(const std::vector<Candidate>& candidates);

}  // namespace facetrace::cli
