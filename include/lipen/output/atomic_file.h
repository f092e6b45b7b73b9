#pragma once

#include <string>

namespace lipen
{
  /**
   * Write @p content to @p path so that a reader never sees a partial file:
   * the text goes to a temporary file in the same directory, which is
   * flushed, checked and renamed over @p path. A write error (full disk,
   * read-only directory) removes the temporary file and throws
   * OutputError naming the path; the previous @p path is then left as it
   * was. Call on one rank.
   */
  void
  write_file_atomically(const std::string &path, const std::string &content);
} // namespace lipen
