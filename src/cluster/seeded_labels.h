// The labelling contract both clustering methods share (see average_linkage.h): given the
// group each item ended in, a group holding a seeded item is labelled with that seed, and
// every other group gets a fresh label above all seeds, in order of its first item.
#pragma once

#include <vector>

namespace facetrace {

// `group[i]` is any integer naming item i's final group; `seeds[i]` its seed or -1.
// Throws Error(kInvalidArgument) when the sizes differ, and Error(kInternal) when a group
// holds two different seeds (the clustering broke its own rule).
std::vector<int> LabelsFromGroups(const std::vector<int>& group, const std::vector<int>& seeds);

}  // namespace facetrace
