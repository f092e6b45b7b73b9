#pragma once

#include <stdexcept>
#include <string>

namespace lipen
{
  /**
   * Exit status of the lipen program, one per kind of ending:
   * - success: the run completed (also `short circuit` and `arrested`,
   *   which are physical outcomes);
   * - failed: a numerical failure the time-stepper could not recover from,
   *   or an output file that could not be written (summary.json says why);
   * - bad_input: an InputError, found before computing;
   * - internal: a bug (an exception lipen does not know);
   * - interrupted: SIGTERM/SIGINT/SIGUSR1; a checkpoint was written,
   * `--restart` continues the run.
   */
  enum ExitStatus : int
  {
    exit_success     = 0,
    exit_failed      = 1,
    exit_bad_input   = 2,
    exit_internal    = 3,
    exit_interrupted = 4
  };

  /**
   * An error the user can cause and fix: a bad parameter value, a missing
   * file, an unphysical combination of inputs.  The message names the
   * parameter (as `Subsection/Entry`) and says what to change.  main()
   * catches it on every rank, rank 0 prints it, and the program exits with
   * status 2 — never an assertion trace or a hang.
   */
  class InputError : public std::runtime_error
  {
  public:
    explicit InputError(const std::string &message)
      : std::runtime_error(message)
    {
    }
  };

  /**
   * A recoverable numerical failure: a solver that did not converge within
   * its limits. Thrown collectively (every rank) by the physics classes;
   * the time-stepper cuts the step back, and if it cannot, the run ends
   * with status `failed` and this message. Outside a time loop (a single
   * stationary solve) main() reports it like an InputError: the message
   * names the parameter that bounds the solver.
   */
  class NumericalFailure : public std::runtime_error
  {
  public:
    explicit NumericalFailure(const std::string &message)
      : std::runtime_error(message)
    {
    }
  };

  /// An output file that could not be written (full disk, read-only
  /// directory): the message names the path. Exit status `failed`.
  class OutputError : public std::runtime_error
  {
  public:
    explicit OutputError(const std::string &message)
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
