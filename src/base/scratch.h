// A store of values of any type, one per (owner, type), value-initialised on first use: where an
// object that is const and shared between threads (a lint rule, a fix step) keeps what it worked
// out once for the one thing being processed (a migration), instead of working it out again at
// every statement (quadratic on a long file). The store lives as long as that processing.
#pragma once

#include <map>
#include <memory>
#include <typeindex>
#include <typeinfo>
#include <utility>

namespace lockstep {

class ScratchMap {
 public:
  // `owner` tells callers apart (a rule passes `this`; a free function, the address of a static
  // tag of its own); one owner may keep a value of each type.
  template <typename T>
  T& Get(const void* owner) {
    std::shared_ptr<void>& slot = slots_[{owner, std::type_index(typeid(T))}];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

 private:
  std::map<std::pair<const void*, std::type_index>, std::shared_ptr<void>> slots_;
};

}  // namespace lockstep
