// The JSON shapes of results, shared by the CLI's --json output and the REST API, so both
// speak the same contract (see README, "CLI reference").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/face.h"
#include "pipeline/gallery.h"
#include "pipeline/image_batch.h"

namespace facetrace {

// {"box": [x,y,w,h], "landmarks": [[x,y] x5], "detector_score": s, "quality": q}
nlohmann::json FaceToJson(const Face& face);
// {"identity", "identity_id", "distance", "score", "gallery_image"}, plus "false_match_rate"
// and "possible_match" once a MatchPolicy has been applied.
nlohmann::json CandidateToJson(const Candidate& candidate);
// identify: {"image": path, "error": null | message,
//            "faces": [face + "candidates": [...] + "match": any candidate a possible match]}
// `candidates[i]` belongs to result.faces[i].
nlohmann::json IdentifyResultToJson(const ImageResult& result,
                                    const std::vector<std::vector<Candidate>>& candidates);
// One line of JSON output. Invalid UTF-8 (file names are bytes) is replaced, never fatal.
std::string JsonLine(const nlohmann::json& value);

// detect: {"image", "error", "faces": [FaceToJson...]}.
nlohmann::json DetectResultToJson(const ImageResult& result);

// embed: like identify's, each face with "embedding": [128 floats] instead of candidates.
nlohmann::json EmbedResultToJson(const ImageResult& result);

}  // namespace facetrace
