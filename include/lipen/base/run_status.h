#pragma once

#include <lipen/base/exceptions.h>

#include <optional>
#include <string>

namespace lipen
{
  /**
   * How a run (or a study case) ended. `completed`, `short_circuit` (the
   * crack reached the counter electrode) and `arrested` (the crack stopped
   * growing) are finished runs; `failed` says why in a reason; `interrupted`
   * stopped at a signal after a checkpoint. The text (`to_string`) is what
   * summary.json, study.csv and study_row.txt hold.
   */
  enum class RunStatus
  {
    completed,
    short_circuit,
    arrested,
    failed,
    interrupted
  };

  std::string
  to_string(RunStatus status);

  /// The status of a text written by to_string(); empty if it is none
  /// (e.g. an empty or damaged study_row.txt).
  std::optional<RunStatus>
  run_status_from_string(const std::string &text);

  /// completed, short circuit or arrested.
  bool
  finished(RunStatus status);

  /// The program's exit status for a run that ended with @p status.
  ExitStatus
  exit_status(RunStatus status);
} // namespace lipen
