#pragma once

#include <lipen/simulator/fracture_analysis.h>
#include <lipen/simulator/run_parameters.h>

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
   * Run what subsection `Study` asks for: a single defect analysis, or the
   * defect-size study (sizes x materials): Y(c), sigma0_max(c) =
   * K_Ic/(Y sqrt(pi c)), |eta_c|(c) = Omega sigma0_max/F, fitted log-log
   * slopes and prefactors compared with K_Ic/(Y sqrt(pi)) and
   * Omega K_Ic/(F Y sqrt(pi)).
   *
   * Creates Output/Directory first (InputError if it cannot be written)
   * and writes into it: summary.json, parameters.prm, statistics.csv, and
   * for the study defect_size_study.csv and defect_size_fit.csv; PVTU/PVD
   * files if enabled. Prints a table on rank 0. Returns the results.
   */
  std::vector<FractureResult>
  run_study(const RunParameters        &parameters,
            MPI_Comm                    comm,
            dealii::ConditionalOStream &pcout);
} // namespace lipen
