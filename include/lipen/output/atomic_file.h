#pragma once

#include <mpi.h>

#include <functional>
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

  /**
   * Run @p writes (calls of write_file_atomically()) on rank 0 of @p comm;
   * an OutputError there is thrown on every rank, with rank 0's message,
   * so that a failed write ends every rank at once instead of leaving the
   * others waiting in the next collective operation. Collective.
   */
  void
  write_on_root(MPI_Comm comm, const std::function<void()> &writes);
} // namespace lipen
