#include "calibration/calibration.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"

namespace facetrace {

namespace {

constexpr const char* kFormat = "facetrace-calibration/1";
constexpr int kGridPoints = static_cast<int>(Calibration::kGridEnd / Calibration::kGridStep) + 1;

float GridDistance(int i) { return static_cast<float>(i) * Calibration::kGridStep; }

// Fraction of the sorted `distances` at most `d`.
double FractionAtMost(const std::vector<float>& sorted, float d) {
  const auto end = std::upper_bound(sorted.begin(), sorted.end(), d);
  return static_cast<double>(end - sorted.begin()) / static_cast<double>(sorted.size());
}

Error Invalid(const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, "invalid calibration: " + what);
}

void CheckTable(const std::vector<double>& table, bool increasing, const char* name) {
  if (table.size() != static_cast<size_t>(kGridPoints)) {
    throw Invalid(fmt::format("{} has {} entries, expected {}", name, table.size(), kGridPoints));
  }
  for (size_t i = 0; i < table.size(); ++i) {
    if (!(table[i] >= 0 && table[i] <= 1)) throw Invalid(fmt::format("{} outside [0,1]", name));
    if (i > 0 && (increasing ? table[i] < table[i - 1] : table[i] > table[i - 1])) {
      throw Invalid(fmt::format("{} is not monotone", name));
    }
  }
}

}  // namespace

Calibration Calibration::Fit(std::vector<float> genuine, std::vector<float> impostor,
                             CalibrationProvenance provenance) {
  if (genuine.empty() || impostor.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "calibration needs both genuine pairs (two photos of one person) and impostor "
                "pairs (two people): give at least two identities with two photos each");
  }
  std::sort(genuine.begin(), genuine.end());
  std::sort(impostor.begin(), impostor.end());
  Calibration c;
  provenance.genuine_pairs = static_cast<int64_t>(genuine.size());
  provenance.impostor_pairs = static_cast<int64_t>(impostor.size());
  c.provenance_ = std::move(provenance);
  for (int i = 0; i < kGridPoints; ++i) {
    c.false_match_.push_back(FractionAtMost(impostor, GridDistance(i)));
    c.false_non_match_.push_back(1.0 - FractionAtMost(genuine, GridDistance(i)));
  }
  return c;
}

double Calibration::AtGridPoint(const std::vector<double>& table, float distance, bool round_up) {
  const double position = std::clamp(static_cast<double>(distance) / kGridStep, 0.0,
                                     static_cast<double>(kGridPoints - 1));
  // A tiny tolerance so that a grid distance computed in float maps to its own point.
  const double rounded = round_up ? std::ceil(position - 1e-4) : std::floor(position + 1e-4);
  return table[static_cast<size_t>(rounded)];
}

double Calibration::FalseMatchRate(float distance) const {
  return AtGridPoint(false_match_, distance, /*round_up=*/true);
}

double Calibration::FalseNonMatchRate(float distance) const {
  return AtGridPoint(false_non_match_, distance, /*round_up=*/false);
}

double Calibration::ResolvableRate() const {
  return 1.0 / static_cast<double>(std::max<int64_t>(provenance_.impostor_pairs, 1));
}

float Calibration::ThresholdFor(double max_false_match_rate) const {
  if (!(max_false_match_rate > 0 && max_false_match_rate <= 1)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("false-match rate {} is not in (0, 1]", max_false_match_rate));
  }
  if (max_false_match_rate < ResolvableRate()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("false-match rate {:g} is below what this calibration can vouch for "
                            "({:g}: it measured {} impostor pairs); calibrate on more photos",
                            max_false_match_rate, ResolvableRate(), provenance_.impostor_pairs));
  }
  const auto above =
      std::upper_bound(false_match_.begin(), false_match_.end(), max_false_match_rate);
  if (above == false_match_.begin()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("no distance keeps the false-match rate at {:g}: impostor pairs at "
                            "distance 0 (the same photo under two names?) already exceed it",
                            max_false_match_rate));
  }
  // The last grid point still within the rate: exact there, whatever the curve does in between.
  return GridDistance(static_cast<int>(above - false_match_.begin()) - 1);
}

nlohmann::json Calibration::ToJson() const {
  const CalibrationProvenance& p = provenance_;
  return {{"format", kFormat},
          {"provenance",
           {{"model_id", p.model_id},
            {"comparison", ComparisonName(p.comparison)},
            {"data", p.data},
            {"identities", p.identities},
            {"images", p.images},
            {"genuine_pairs", p.genuine_pairs},
            {"impostor_pairs", p.impostor_pairs}}},
          {"grid_step", kGridStep},
          {"false_match_rate", false_match_},
          {"false_non_match_rate", false_non_match_}};
}

Calibration Calibration::FromJson(const nlohmann::json& json) {
  try {
    if (json.value("format", "") != kFormat) throw Invalid("format is not " + std::string(kFormat));
    if (std::abs(json.at("grid_step").get<float>() - kGridStep) > 1e-6f) {
      throw Invalid("grid_step differs from this version's");
    }
    Calibration c;
    const auto& p = json.at("provenance");
    c.provenance_ = {.model_id = p.at("model_id").get<std::string>(),
                     .data = p.at("data").get<std::string>(),
                     .identities = p.at("identities").get<int>(),
                     .images = p.at("images").get<int>(),
                     .genuine_pairs = p.at("genuine_pairs").get<int64_t>(),
                     .impostor_pairs = p.at("impostor_pairs").get<int64_t>()};
    // Files written before template ranking existed measured photo-to-photo distances.
    c.provenance_.comparison = ParseComparison(p.value("comparison", "photo"));
    c.false_match_ = json.at("false_match_rate").get<std::vector<double>>();
    c.false_non_match_ = json.at("false_non_match_rate").get<std::vector<double>>();
    CheckTable(c.false_match_, /*increasing=*/true, "false_match_rate");
    CheckTable(c.false_non_match_, /*increasing=*/false, "false_non_match_rate");
    if (c.provenance_.impostor_pairs <= 0) throw Invalid("no impostor pairs");
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Invalid(e.what());
  }
}

Calibration Calibration::Load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, "calibration file not found: " + path.string());
  try {
    return FromJson(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path.string() + ": not JSON: " + e.what());
  } catch (const Error& e) {
    throw Error(e.code(), path.string() + ": " + e.what());
  }
}

void Calibration::Save(const std::filesystem::path& path) const {
  WriteTextFileAtomically(path, ToJson().dump(1) + "\n");
}

}  // namespace facetrace
