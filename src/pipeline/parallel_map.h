// ParallelMap: run a function over N items on worker threads, each with state of its own
// (a FacePipeline: models are loaded once per thread, never per image), and hand the results
// back on the calling thread in input order.
//
// Why in order: output lines and catalog writes stay deterministic whatever the scheduling.
// Why a window: at most `window` results wait for the consumer, so memory stays flat however
// many items there are (a million-image folder holds no more than `window` decoded results).
//
// `work` must not throw for per-item failures (return them in the Result instead); an
// exception from `make_state` or `work` stops the run and is rethrown on the calling thread.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace facetrace {

template <typename State, typename Result>
void ParallelMap(size_t count, int threads, size_t window,
                 const std::function<std::unique_ptr<State>()>& make_state,
                 const std::function<Result(State&, size_t)>& work,
                 const std::function<void(size_t, Result&&)>& consume) {
  if (count == 0) return;
  const size_t workers =
      std::clamp<size_t>(threads > 0 ? static_cast<size_t>(threads) : 1, 1, count);
  window = std::max(window, workers);

  std::mutex mu;
  std::condition_variable worker_cv, consumer_cv;
  size_t next = 0;       // next item to hand out
  size_t delivered = 0;  // items consumed so far
  std::map<size_t, Result> ready;
  std::exception_ptr failure;
  bool stop = false;

  auto worker_loop = [&] {
    try {
      std::unique_ptr<State> state = make_state();
      for (;;) {
        size_t index;
        {
          std::unique_lock lock(mu);
          worker_cv.wait(lock, [&] { return stop || next >= count || next < delivered + window; });
          if (stop || next >= count) return;
          index = next++;
        }
        Result result = work(*state, index);
        {
          std::lock_guard lock(mu);
          ready.emplace(index, std::move(result));
        }
        consumer_cv.notify_one();
      }
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
      stop = true;
      worker_cv.notify_all();
      consumer_cv.notify_one();
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t i = 0; i < workers; ++i) pool.emplace_back(worker_loop);

  try {
    while (delivered < count) {
      Result result;
      {
        std::unique_lock lock(mu);
        consumer_cv.wait(lock, [&] { return stop || ready.count(delivered) > 0; });
        if (stop) break;
        auto it = ready.find(delivered);
        result = std::move(it->second);
        ready.erase(it);
      }
      consume(delivered, std::move(result));
      {
        std::lock_guard lock(mu);
        ++delivered;
      }
      worker_cv.notify_all();
    }
  } catch (...) {
    std::lock_guard lock(mu);
    if (!failure) failure = std::current_exception();
    stop = true;
    worker_cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  worker_cv.notify_all();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace facetrace
