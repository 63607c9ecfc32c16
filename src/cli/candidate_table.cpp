#include "cli/candidate_table.h"

#include <iostream>

#include <fmt/format.h>

namespace facetrace::cli {

void PrintCandidates(const std::vector<Candidate>& candidates) {
  if (candidates.empty()) {
    std::cout << "    (gallery is empty)\n";
    return;
  }
  bool match = false;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    match = match || c.possible_match;
    std::cout << fmt::format("    {:>2}. {:<28} distance {:.3f}  FMR {:<8.2g} {:<15} {}\n", i + 1,
                             c.identity, c.distance, c.false_match_rate.value_or(1),
                             c.possible_match ? "possible match" : "", c.gallery_image);
  }
  if (!match) std::cout << "    no match: no candidate within the false-match rate policy\n";
}

}  // namespace facetrace::cli
