// ObjectPool: objects that one thread at a time may use (a FacePipeline, a Catalog connection),
// made on demand and handed back for the next request instead of being rebuilt each time.
// At most as many exist as were ever in use at once, i.e. the server's thread count.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace facetrace {

template <typename T>
class ObjectPool {
 public:
  explicit ObjectPool(std::function<std::unique_ptr<T>()> make) : make_(std::move(make)) {}

  // Exclusive use of one object until the Lease dies.
  class Lease {
   public:
    Lease(ObjectPool& pool, std::unique_ptr<T> object) : pool_(pool), object_(std::move(object)) {}
    ~Lease() {
      if (object_) pool_.Return(std::move(object_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T& operator*() { return *object_; }
    T* operator->() { return object_.get(); }

   private:
    ObjectPool& pool_;
    std::unique_ptr<T> object_;
  };

  Lease Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto object = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(object));
      }
    }
    return Lease(*this, make_());  // outside the lock: making one may take a while
  }

  size_t idle() const {
    std::lock_guard lock(mu_);
    return idle_.size();
  }

 private:
  void Return(std::unique_ptr<T> object) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(object));
  }

  std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<T>> idle_;
};

}  // namespace facetrace
