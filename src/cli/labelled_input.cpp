#include "cli/labelled_input.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/progress_bar.h"

namespace facetrace::cli {

std::vector<LabelledSet> EmbedLabelledFolders(const std::vector<std::string>& dirs,
                                              const CommonOptions& common) {
  std::vector<LabelledSet> sets;
  for (const std::string& dir : dirs) {
    ProgressBar bar("embedding " + dir);
    sets.push_back(EmbedLabelledSet(dir, common.ToBatchOptions(),
                                    [&](size_t done, size_t total) { bar.Update(done, total); }));
    bar.Clear();
    const LabelledSet& set = sets.back();
    if (set.Missing() > 0) {
      spdlog::warn("{}: {} of {} photos without a face (counted as misses)", dir, set.Missing(),
                   set.faces.size());
    }
  }
  return sets;
}

}  // namespace facetrace::cli
