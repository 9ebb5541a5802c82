#include "profilegen/render_extra.h"

namespace profile {

const std::vector<ExtraRenderer>& extra_renderers() {
  static const std::vector<ExtraRenderer> renderers = {};
  return renderers;
}

}  // namespace profile
