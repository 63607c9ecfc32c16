// Photometric normalisation of an aligned face chip: CLAHE (contrast-limited adaptive
// histogram equalisation) on the lightness channel, colours kept. Meant for extreme lighting,
// where half the face is in shadow; measured as a variant in docs/ACCURACY.md ("Better than
// the model alone"), off by default (PipelineOptions::equalize_chip).
#pragma once

#include "align/face_aligner.h"

namespace facetrace {

// In place. The chip keeps its size; a flat (constant) chip stays flat.
void EqualizeChipLighting(FaceChip& chip);

}  // namespace facetrace
