#pragma once

#include <lipen/solvers/petsc_ksp.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <string>
#include <vector>

namespace lipen
{
  /// What a linear solve did; written to statistics and summary.json.
  struct LinearSolveStatistics
  {
    unsigned int iterations    = 0;
    double       residual      = 0;
    double       setup_seconds = 0;
    double       solve_seconds = 0;
  };

  /**
   * Conjugate gradients preconditioned with PETSc's smoothed-aggregation
   * algebraic multigrid (GAMG) that knows the rigid-body modes of
   * elasticity: the matrix gets block size dim and a near-null space made
   * by MatNullSpaceCreateRigidBody() from the nodal coordinates.  Without
   * the near-null space AMG needs ~25x more iterations
   * (docs/performance-notes.md). The aggregation drops graph edges below
   * a threshold of 0.02 and aggregates on the squared graph (aggressive
   * coarsening) on the first level in 2D and the first two in 3D (-25 %
   * set-up time in 3D).  The intermediate data of the PtAP products that
   * form the coarse operators are freed as soon as each product is done
   * (PETSc option -mat_product_clear, set during the set-up only, unless
   * the user gives it). Extra PETSc options can be given on the
   * command line with the prefix `-lipen_elasticity_` (e.g.
   * `-lipen_elasticity_ksp_monitor`).
   *
   * The preconditioner is built once per call of set_matrix() and reused
   * for every solve, also when the values of the matrix change in place
   * (a Newton or staggered iteration may keep a slightly stale AMG
   * hierarchy as long as CG converges quickly).
   */
  class ElasticityAMGSolver
  {
  public:
    /// @p prefix: PETSc options prefix. @p eigen_estimate_iterations > 0
    /// sets the Krylov iterations GAMG spends on the extreme eigenvalue
    /// estimates of its Chebyshev smoothers (PETSc's default of 10
    /// underestimates them for the degraded stiffness of a phase-field
    /// crack, and CG then stops with an indefinite preconditioner).
    ElasticityAMGSolver(MPI_Comm           comm,
                        unsigned int       dim,
                        const std::string &prefix = "lipen_elasticity_",
                        unsigned int       eigen_estimate_iterations = 0);

    /// Precondition with a MUMPS LU factorisation instead of GAMG (from
    /// the next set_matrix()): for small 2D systems whose values change
    /// in place between solves (the phase-field displacement), where the
    /// stale factorisation stays a good preconditioner
    void
    set_direct(bool direct)
    {
      if (direct != this->direct)
        ksp.reset();
      this->direct = direct;
    }
    bool
    is_direct() const
    {
      return direct;
    }

    /// @p coordinates holds, for each locally owned DoF (in order), the
    /// coordinate of its support point in the direction of its component.
    void
    set_matrix(dealii::PETScWrappers::MPI::SparseMatrix &matrix,
               const std::vector<double>                &coordinates);

    /// Solve to relative residual @p tolerance; throws InputError naming
    /// Solver/... if it does not converge in @p max_iterations.
    LinearSolveStatistics
    solve(dealii::PETScWrappers::MPI::Vector       &x,
          const dealii::PETScWrappers::MPI::Vector &b,
          double                                    tolerance,
          unsigned int                              max_iterations);

  private:
    MPI_Comm     comm;
    unsigned int dim;
    std::string  prefix;
    unsigned int eigen_estimate_iterations;
    bool         direct = false;
    KspOwner     ksp;
    double       last_setup  = 0;
    bool         needs_setup = true;
  };
} // namespace lipen
