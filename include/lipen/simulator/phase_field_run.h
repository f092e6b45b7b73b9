#pragma once

#include <lipen/simulator/run_parameters.h>

#include <deal.II/base/conditional_ostream.h>

#include <mpi.h>

namespace lipen
{
  /**
   * `Study/Type = phase field`: grow the crack from the defect of
   * `Geometry` by phase-field fracture (PhaseFieldFracture) under the Li
   * pressure or Li volume of subsection `Phase field`, from t = 0 to End
   * time. Each step is solved by alternate minimisation; a step that does
   * not converge, or in which the crack advances by more than `Maximum
   * crack advance` l, is cut back (halved) and repeated; a step whose crack
   * outruns the fine mesh is repeated on the refined mesh. After each step
   * the mesh is adapted (refined ahead, coarsened far away).
   *
   * Writes into Output/Directory: statistics.csv (one row per step: load,
   * pressure, crack volume, size, tip, penetration, elastic and fracture
   * energies, external work and the energy-balance error, iteration
   * counts, cut-backs, mesh size, wall time), staggered_history.csv (every
   * staggered iteration of every step), summary.json, and solution.pvd with
   * one PVTU per output step. A surface crack that reaches the counter
   * electrode stops the run with status "short circuit" and its time.
   */
  void
  run_phase_field(const RunParameters        &parameters,
                  MPI_Comm                    comm,
                  dealii::ConditionalOStream &pcout);
} // namespace lipen
