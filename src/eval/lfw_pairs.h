// Pairs files in LFW's `pairs.txt` format, the common currency of face verification benchmarks.
//
//   10 300                  folds, then pairs per kind per fold
//   Abel_Pacheco 1 4        a genuine pair: <name> <n1> <n2>
//   Abdel_Madi_Shabneh 1 Dean_Barker 1   an impostor pair: <name1> <n1> <name2> <n2>
//
// Each fold holds its genuine pairs, then its impostor pairs. Image n of a name is
// <root>/<name>/<name>_<nnnn>.jpg as in LFW; where no such file exists it is the n-th file
// (1-based, sorted by name) of <root>/<name>/, so any folder-per-identity set can be used.
// A header with a single number (LFW's pairsDevTrain.txt) means one fold.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facetrace {

struct LfwPair {
  std::string name_a;
  int index_a = 0;
  std::string name_b;
  int index_b = 0;
  bool genuine = false;
  int fold = 0;
};

// Throws Error(kNotFound) for a missing file and Error(kInvalidArgument) naming the line for a
// malformed one.
std::vector<LfwPair> ReadLfwPairs(const std::filesystem::path& path);

// The photo a pair entry names under `root`; throws Error(kNotFound) naming it when absent.
std::filesystem::path ResolvePairImage(const std::filesystem::path& root, const std::string& name,
                                       int index);

// Draws `per_fold` genuine and `per_fold` impostor pairs for each of `folds` folds from a
// folder-per-identity set, reproducibly from `seed`, and writes them in the format above.
// Identities with one photo only take part in impostor pairs. Throws Error(kInvalidArgument)
// when the set has fewer than two identities or none with two photos.
void WriteLfwPairs(const std::filesystem::path& root, int folds, int per_fold, unsigned seed,
                   const std::filesystem::path& out);

}  // namespace facetrace
