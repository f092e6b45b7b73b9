#pragma once

#include <lipen/solvers/amg_solver.h>
#include <lipen/solvers/petsc_ksp.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <string>

namespace lipen
{
  /// How a scalar symmetric positive definite system is solved
  /// (parameter Solver/Preconditioner).
  enum class PreconditionerKind
  {
    automatic, ///< direct in 2D up to direct_limit() unknowns, else amg
    amg,       ///< CG + hypre BoomerAMG
    direct     ///< sparse LU (MUMPS), used as CG's preconditioner
  };

  /// "automatic", "amg", "direct"
  PreconditionerKind
  parse_preconditioner_kind(const std::string &name);

  /**
   * CG for a symmetric positive definite scalar system (the damage and
   * ionic-potential equations of the phase-field model), preconditioned
   * either with hypre's BoomerAMG (symmetric SOR/Jacobi smoothing,
   * Gaussian elimination on the coarsest level, strong threshold 0.25,
   * max row sum 0.9, one V-cycle: the settings of deal.II's
   * PETScWrappers::PreconditionBoomerAMG with symmetric_operator = true)
   * or with a MUMPS LU factorisation.  With the exact factorisation CG
   * stops after one iteration; the factorisation is 2D-only sized work
   * (fill grows like N log N in 2D but like N^(4/3) in 3D, and only a
   * reference BLAS is installed: docs/performance-notes.md).
   *
   * The preconditioner is built at the first solve after set_matrix() and
   * reused by every solve until the next set_matrix(): the three solves
   * of a bordered Newton step share one AMG hierarchy or one factorisation.
   * Extra PETSc options can be given with @p prefix (e.g.
   * `-lipen_damage_ksp_monitor`).
   */
  class ScalarSolver
  {
  public:
    ScalarSolver(MPI_Comm comm, unsigned int dim, const std::string &prefix);
    ScalarSolver(const ScalarSolver &) = delete;
    ScalarSolver &
    operator=(const ScalarSolver &) = delete;

    void
    set_kind(PreconditionerKind kind);

    /// unknowns up to which `automatic` factorises a 2D system
    static unsigned int
    direct_limit();

    /// the kind the last set_matrix() chose (amg or direct)
    PreconditionerKind
    kind_in_use() const
    {
      return used;
    }

    /// the next solve builds the preconditioner from @p matrix
    void
    set_matrix(dealii::PETScWrappers::MPI::SparseMatrix &matrix);

    /**
     * Like set_matrix(), but when @p matrix is the matrix of the last
     * set_matrix() with new values and BoomerAMG is in use, the hierarchy
     * of the earlier values is kept as CG's preconditioner while it stays
     * good: it is rebuilt once a solve since the last set-up has needed
     * more than 3/2 of the most iterations (+ 2) that a solve needed with
     * the fresh hierarchy. For the Newton steps of the ionic potential,
     * whose Jacobian changes only by the Butler-Volmer terms at the Li
     * interfaces. An LU is always refactorised (CG with a stale LU is
     * not an exact solve).
     */
    void
    update_matrix(dealii::PETScWrappers::MPI::SparseMatrix &matrix);

    /// forget the matrix and preconditioner (a new mesh): the next solve
    /// needs set_matrix()
    void
    reset();

    /// preconditioner set-ups (AMG or LU) since construction (for tests and
    /// statistics)
    unsigned int
    n_setups() const
    {
      return setups;
    }

    /// Solve to the absolute residual @p tolerance in @p max_iterations;
    /// throws NumericalFailure (with @p what_to_change appended) if not.
    LinearSolveStatistics
    solve(dealii::PETScWrappers::MPI::Vector       &x,
          const dealii::PETScWrappers::MPI::Vector &b,
          double                                    tolerance,
          unsigned int                              max_iterations,
          const std::string                        &what_to_change);

  private:
    MPI_Comm           comm;
    unsigned int       dim;
    std::string        prefix;
    PreconditionerKind kind = PreconditionerKind::automatic;
    PreconditionerKind used = PreconditionerKind::amg;
    KspOwner           ksp;
    bool               needs_setup = true;
    unsigned int       setups      = 0;
    /// most iterations of a solve with the fresh preconditioner (the solves
    /// between its set-up and the next update_matrix()), and whether a
    /// later solve needed clearly more (update_matrix() then rebuilds it)
    unsigned int fresh_iterations = 0;
    bool         fresh            = true;
    bool         stale            = false;
  };
} // namespace lipen
