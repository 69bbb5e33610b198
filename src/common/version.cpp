#include "common/version.h"

namespace anxun {

std::string_view Version() {
  return ANXUN_VERSION;
}

std::string_view GitRevision() {
  return ANXUN_GIT_REV;
}

}  // namespace anxun
