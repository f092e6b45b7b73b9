#include <lipen/base/run_status.h>
#include <lipen/base/selection.h>

namespace lipen
{
  namespace
  {
    const std::pair<RunStatus, const char *> status_names[] = {
      {RunStatus::completed, "completed"},
      {RunStatus::short_circuit, "short circuit"},
      {RunStatus::arrested, "arrested"},
      {RunStatus::failed, "failed"},
      {RunStatus::interrupted, "interrupted"}};
  } // namespace

  std::string
  to_string(const RunStatus status)
  {
    return selection_name(status, status_names);
  }

  std::optional<RunStatus>
  run_status_from_string(const std::string &text)
  {
    for (const auto &[value, name] : status_names)
      if (text == name)
        return value;
    return std::nullopt;
  }

  bool
  finished(const RunStatus status)
  {
    return status == RunStatus::completed ||
           status == RunStatus::short_circuit || status == RunStatus::arrested;
  }

  ExitStatus
  exit_status(const RunStatus status)
  {
    if (status == RunStatus::failed)
      return exit_failed;
    if (status == RunStatus::interrupted)
      return exit_interrupted;
    return exit_success;
  }
} // namespace lipen
