// ComputeThreadsScope: keeps the libraries' own thread pools from fighting our workers.
//
// OpenBLAS (dlib's convolutions) and OpenCV (resize, DNN) each start a thread per core by
// default. With one pipeline per core on top, a 2-core machine would run 6+ busy threads and
// thrash. While a scope with more than one worker is alive, both are limited to one thread
// per call; with a single worker they keep all cores. The previous settings are restored.
// OpenMP (FAISS's searches and adds, the flat scan of index/vectorized_flat.h) is limited the
// same way, but its setting belongs to a thread: it holds on the thread that creates the
// scope, which is where the pipelines' results are consumed and the index searched and filled.
#pragma once

namespace facetrace {

// Number of worker threads for `requested` (0 = one per core).
int ResolveThreadCount(int requested);

class ComputeThreadsScope {
 public:
  explicit ComputeThreadsScope(int workers);
  ~ComputeThreadsScope();
  ComputeThreadsScope(const ComputeThreadsScope&) = delete;
  ComputeThreadsScope& operator=(const ComputeThreadsScope&) = delete;

 private:
  int saved_cv_threads_;
  int saved_blas_threads_;
  int saved_omp_threads_;
};

}  // namespace facetrace
