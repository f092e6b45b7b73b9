#pragma once

#include <lipen/simulator/fracture_analysis.h>
#include <lipen/simulator/run_parameters.h>
#include <lipen/study/study_case.h>

#include <deal.II/base/conditional_ostream.h>

#include <string>
#include <vector>

namespace lipen
{
  /// Least-squares fit log10(y) = slope log10(c) + log10(prefactor).
  struct PowerLawFit
  {
    double slope     = 0;
    double prefactor = 0;
  };

  PowerLawFit
  fit_power_law(const std::vector<double> &c, const std::vector<double> &y);

  /**
   * One defect analysed (`Study/Type = single`): build the mesh, solve,
   * extract J, K_I, G, Y, sigma0_max and |eta_c| (and the electrochemistry
   * if enabled). Creates Output/Directory first (InputError if it cannot be
   * written) and writes summary.json, parameters.prm, statistics.csv,
   * critical_current.csv (if searched) and the ParaView fields (if
   * enabled). Prints a table on rank 0.
   */
  FractureResult
  run_single_defect(const RunParameters        &parameters,
                    MPI_Comm                    comm,
                    dealii::ConditionalOStream &pcout);

  /// The cases of the defect-size study (materials x sizes, sizes fastest).
  std::vector<PlannedCase>
  defect_size_cases(const RunParameters &parameters);

  /// The cases a study of @p parameters runs (defect-size study, or the
  /// cases of a sweep that Study/Cases selects); none for a single run.
  std::vector<PlannedCase>
  planned_cases(const RunParameters &parameters);

  /**
   * Run what subsection `Study` asks for: a single defect
   * (run_single_defect()), a phase-field run (run_phase_field()), a sweep
   * of any model (run_sweep()), or the defect-size study (sizes x
   * materials),
   * run as a study of single-defect cases: each case in its own folder
   * Output/Directory/case-NNN (its own parameters.prm, summary.json,
   * statistics.csv, fields), a failed case recorded in study.csv and the
   * study going on, a rerun skipping the cases that finished with the same
   * parameters, SIGTERM/SIGINT/SIGUSR1 stopping after the current case (status
   * `interrupted`). Over all finished cases: statistics.csv (one row per
   * case), defect_size_study.csv, the fits of sigma0_max(c) and |eta_c|(c)
   * against K_Ic/(Y sqrt(pi)) and Omega K_Ic/(F Y sqrt(pi))
   * (defect_size_fit.csv), critical_current.csv with the i_c(c) fits,
   * summary.json, and one solution.pvd naming every case's fields (time =
   * case index).
   *
   * Returns the exit status (ExitStatus): success, failed (a case failed),
   * interrupted.
   */
  int
  run_study(const RunParameters        &parameters,
            MPI_Comm                    comm,
            dealii::ConditionalOStream &pcout);
} // namespace lipen
