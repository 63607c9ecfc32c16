// Embedding the labelled folders that `eval identify` and `calibrate` take, with a progress
// bar on a terminal. Shared so both commands read labelled data the same way.
#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"
#include "eval/labelled_set.h"

namespace facetrace::cli {

// One LabelledSet per folder (DIR/<identity>/<photo>); logs photos without a face.
std::vector<LabelledSet> EmbedLabelledFolders(const std::vector<std::string>& dirs,
                                              const CommonOptions& common);

}  // namespace facetrace::cli
