#include "pipeline/compute_threads.h"

#include <omp.h>

#include <algorithm>
#include <thread>

#include <opencv2/core/utility.hpp>

// OpenBLAS's own controls. Weak, so the library still links against another BLAS (then these
// are null and only OpenCV is limited).
extern "C" {
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads() __attribute__((weak));
}

namespace facetrace {

int ResolveThreadCount(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

ComputeThreadsScope::ComputeThreadsScope(int workers)
    : saved_cv_threads_(cv::getNumThreads()),
      saved_blas_threads_(openblas_get_num_threads ? openblas_get_num_threads() : 0),
      saved_omp_threads_(omp_get_max_threads()) {
  if (workers <= 1) return;
  cv::setNumThreads(1);
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  omp_set_num_threads(1);
}

ComputeThreadsScope::~ComputeThreadsScope() {
  cv::setNumThreads(saved_cv_threads_);
  omp_set_num_threads(saved_omp_threads_);
  if (openblas_set_num_threads && saved_blas_threads_ > 0) {
    openblas_set_num_threads(saved_blas_threads_);
  }
}

}  // namespace facetrace
