#pragma once

#include <stdexcept>
#include <string>

namespace lipen
{
  /**
   * An error the user can cause and fix: a bad parameter value, a missing
   * file, an unphysical combination of inputs, a solver that did not
   * converge.  The message names the parameter (as `Subsection/Entry`) and
   * says what to change.  main() catches it on every rank, rank 0 prints it,
   * and the program exits with status 2 — never an assertion trace or a hang.
   */
  class InputError : public std::runtime_error
  {
  public:
    explicit InputError(const std::string &message)
      : std::runtime_error(message)
    {
    }
  };

  /// Throw an InputError naming @p entry unless @p condition holds.
  inline void
  require(const bool         condition,
          const std::string &entry,
          const std::string &what_to_change)
  {
    if (!condition)
      throw InputError("parameter '" + entry + "': " + what_to_change);
  }
} // namespace lipen
