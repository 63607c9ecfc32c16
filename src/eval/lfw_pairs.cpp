#include "eval/lfw_pairs.h"

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "pipeline/input_paths.h"

namespace facetrace {

namespace {

Error BadLine(const std::filesystem::path& path, int line, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", path.string(), line, why));
}

std::vector<std::string> Tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  return tokens;
}

int PositiveInt(const std::string& token, const std::filesystem::path& path, int line) {
  try {
    size_t used = 0;
    const int value = std::stoi(token, &used);
    if (used == token.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  throw BadLine(path, line, "'" + token + "' is not a positive number");
}

}  // namespace

std::vector<LfwPair> ReadLfwPairs(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, "pairs file not found: " + path.string());
  std::string line;
  int number = 0;
  int per_fold = 0;
  int folds = 0;  // 0: not stated
  std::vector<LfwPair> pairs;
  while (std::getline(in, line)) {
    ++number;
    const auto t = Tokens(line);
    if (t.empty()) continue;
    if (number == 1 && t.size() <= 2) {  // header: [folds] pairs-per-kind-per-fold
      per_fold = PositiveInt(t.back(), path, number);
      folds = t.size() == 2 ? PositiveInt(t[0], path, number) : 1;
      continue;
    }
    if (per_fold == 0)
      throw BadLine(path, number, "missing header line ('<folds> <pairs per fold>')");
    LfwPair p;
    if (t.size() == 3) {
      p = {t[0], PositiveInt(t[1], path, number), t[0], PositiveInt(t[2], path, number), true};
    } else if (t.size() == 4) {
      p = {t[0], PositiveInt(t[1], path, number), t[2], PositiveInt(t[3], path, number), false};
    } else {
      throw BadLine(path, number, "expected '<name> <n1> <n2>' or '<name1> <n1> <name2> <n2>'");
    }
    p.fold = static_cast<int>(pairs.size()) / (2 * per_fold);
    pairs.push_back(std::move(p));
  }
  if (pairs.empty()) throw Error(ErrorCode::kInvalidArgument, path.string() + " holds no pairs");
  if (pairs.size() != static_cast<size_t>(folds) * 2 * per_fold) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{}: the header promises {} fold(s) of 2 x {} pairs, the file holds {}",
                            path.string(), folds, per_fold, pairs.size()));
  }
  return pairs;
}

std::filesystem::path ResolvePairImage(const std::filesystem::path& root, const std::string& name,
                                       int index) {
  const auto lfw = root / name / fmt::format("{}_{:04d}.jpg", name, index);
  if (std::filesystem::exists(lfw)) return lfw;
  const auto folder = root / name;
  // One scheme per folder: a folder with LFW names never falls back to positions, where
  // index 2 could name the same photo as index 1.
  const bool lfw_folder = std::filesystem::exists(folder / fmt::format("{}_0001.jpg", name));
  if (!lfw_folder && std::filesystem::is_directory(folder)) {
    const auto files = ImagesUnder(folder);
    if (index >= 1 && static_cast<size_t>(index) <= files.size()) return files[index - 1];
  }
  throw Error(ErrorCode::kNotFound,
              fmt::format("pairs file names {} #{}, but neither {} nor a {}th photo in {} exists",
                          name, index, lfw.string(), index, folder.string()));
}

void WriteLfwPairs(const std::filesystem::path& root, int folds, int per_fold, unsigned seed,
                   const std::filesystem::path& out) {
  if (folds < 1 || per_fold < 1) {
    throw Error(ErrorCode::kInvalidArgument, "folds and pairs per fold must be at least 1");
  }
  std::vector<std::pair<std::string, int>> identities;  // name, photo count
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const int n = static_cast<int>(ImagesUnder(entry.path()).size());
    if (n > 0) identities.emplace_back(entry.path().filename().string(), n);
  }
  std::sort(identities.begin(), identities.end());
  std::vector<size_t> multi;
  for (size_t i = 0; i < identities.size(); ++i) {
    if (identities[i].second >= 2) multi.push_back(i);
  }
  if (identities.size() < 2 || multi.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                root.string() + ": pairs need two identities and one with two photos");
  }
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::set<std::tuple<size_t, int, size_t, int>> used;
  std::string text = fmt::format("{} {}\n", folds, per_fold);
  for (int fold = 0; fold < folds; ++fold) {
    for (int kind = 0; kind < 2; ++kind) {
      int made = 0;
      for (int tries = 0; made < per_fold && tries < 20 * per_fold + 1000; ++tries) {
        const size_t a = kind == 0 ? multi[pick(multi.size())] : pick(identities.size());
        size_t b = kind == 0 ? a : pick(identities.size());
        if (kind == 1 && b == a) continue;
        const int ia = static_cast<int>(pick(static_cast<size_t>(identities[a].second))) + 1;
        const int ib = static_cast<int>(pick(static_cast<size_t>(identities[b].second))) + 1;
        if (a == b && ia == ib) continue;
        const auto first = std::min(std::make_pair(a, ia), std::make_pair(b, ib));
        const auto second = std::max(std::make_pair(a, ia), std::make_pair(b, ib));
        if (!used.emplace(first.first, first.second, second.first, second.second).second) continue;
        text += kind == 0 ? fmt::format("{}\t{}\t{}\n", identities[a].first, ia, ib)
                          : fmt::format("{}\t{}\t{}\t{}\n", identities[a].first, ia,
                                        identities[b].first, ib);
        ++made;
      }
      if (made < per_fold) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("{} has too few photos for {} folds of {} distinct pairs",
                                root.string(), folds, per_fold));
      }
    }
  }
  WriteTextFileAtomically(out, text);
}

}  // namespace facetrace
