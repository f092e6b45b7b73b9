#pragma once

#include <string>

namespace lipen
{
  /**
   * Check a parameter file before deal.II's ParameterHandler reads it: the
   * file and everything it pulls in with `include` (followed recursively,
   * paths relative to the working directory as ParameterHandler resolves
   * them) must be regular files of at most 16 MiB, with no include cycle
   * and at most 16 levels of nesting. Throws InputError naming the file and
   * the line of the offending `include`. Without this check a file that
   * includes itself overflows the stack and `include /dev/zero` reads
   * without end.
   */
  void
  check_parameter_file(const std::string &path);

  /**
   * Shorten a user-given value for an error message: at most @p max_length
   * characters (the rest replaced by "... (N characters)"), control
   * characters shown as '?'.
   */
  std::string
  quote_for_message(const std::string &value, std::size_t max_length = 80);
} // namespace lipen
