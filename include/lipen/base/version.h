#pragma once

namespace lipen
{
  /// `git describe --always --dirty` of the source tree at configure time
  /// ("unknown" outside a git checkout); recorded in every summary.json.
  const char *
  git_revision();
} // namespace lipen
