#pragma once

#include <lipen/simulator/run_parameters.h>
#include <lipen/study/study_case.h>

#include <deal.II/base/conditional_ostream.h>

#include <mpi.h>

#include <string>
#include <vector>

namespace lipen
{
  /**
   * `Study/Type = sweep`: run `Study/Model` (sharp crack: one defect analysed
   * as `single`; phase field) for every case of `Study/Vary`. Each case
   * runs in Output/Directory/case-NNN with its own parameters.prm,
   * summary.json and statistics, and leaves a study_row.txt (status,
   * message, results). A case that fails (bad input for that case, a
   * numerical failure, an output error) is recorded with its status and
   * message and the study goes on. Rerunning the same study skips the cases
   * whose study_row.txt says they finished (`completed`, `short circuit`,
   * `arrested`) with the same parameters, and continues an `interrupted`
   * phase-field case from its newest checkpoint. SIGTERM/SIGINT/SIGUSR1 stop
   * the study after (or, for a phase-field case, inside) the current case.
   *
   * Writes study.csv (one row per case: case, status, the varied entries,
   * the results, message; rewritten after every case) and summary.json
   * (status `completed`, or `failed` when a case failed, `interrupted`).
   * Returns the exit status (ExitStatus).
   */
  /// The cases of a sweep that Study/Cases selects, in order.
  std::vector<PlannedCase>
  sweep_plan(const RunParameters &parameters);

  int
  run_sweep(const RunParameters        &parameters,
            MPI_Comm                    comm,
            dealii::ConditionalOStream &pcout);
} // namespace lipen
