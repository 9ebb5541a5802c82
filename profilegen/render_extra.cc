#include "profilegen/render_extra.h"

#include "profilegen/apparmor.h"
#include "profilegen/landlock_gen.h"

namespace profile {

const std::vector<ExtraRenderer>& extra_renderers() {
  static const std::vector<ExtraRenderer> renderers = {
      {"apparmor.profile", render_apparmor},
      {"landlock.json", render_landlock},
  };
  return renderers;
}

}  // namespace profile
