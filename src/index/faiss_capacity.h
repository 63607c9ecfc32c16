// Room for a gallery's faces in FAISS's arrays before they are added.
//
// FAISS appends each face to std::vectors (flat vectors, an HNSW graph's levels and links, an
// IDMap2's ids) that double as they fill; each doubling copies the array while the old copy is
// still held, so a build peaks well above the index it leaves (a 10M-face HNSW32 build: 12.7 GB
// peak for a 7.9 GB index). Reserving the final size once avoids every copy.
#pragma once

#include <cstdint>

#include <faiss/Index.h>

namespace facetrace {

// Reserves room for `faces` faces in total (those already held included) in `index` and the
// indexes inside it: IDMap2's id map, flat vectors (any FAISS flat-codes index), and an HNSW
// graph's levels, offsets and links (its expected number of links per face, with 1 % spare;
// the other arrays get exactly `faces`).
// Other structures (IVF lists) are left to grow. Meant to be called once before a large build:
// each call that grows an array copies it once.
void ReserveCapacity(faiss::Index* index, int64_t faces);

}  // namespace facetrace
