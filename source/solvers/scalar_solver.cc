#include <lipen/base/exceptions.h>
#include <lipen/solvers/petsc_check.h>
#include <lipen/solvers/scalar_solver.h>

#include <deal.II/base/timer.h>

#include <petscksp.h>

#include <algorithm>

namespace lipen
{
  PreconditionerKind
  parse_preconditioner_kind(const std::string &name)
  {
    if (name == "automatic")
      return PreconditionerKind::automatic;
    if (name == "amg")
      return PreconditionerKind::amg;
    if (name == "direct")
      return PreconditionerKind::direct;
    throw InputError("parameter 'Solver/Preconditioner': '" + name +
                     "' is not one of automatic, amg, direct");
  }

  ScalarSolver::ScalarSolver(MPI_Comm           comm,
                             const unsigned int dim,
                             const std::string &prefix)
    : comm(comm)
    , dim(dim)
    , prefix(prefix)
  {
  }

  unsigned int
  ScalarSolver::direct_limit()
  {
    return 100000;
  }

  void
  ScalarSolver::set_kind(const PreconditionerKind k)
  {
    reset();
    kind = k;
  }

  void
  ScalarSolver::set_matrix(dealii::PETScWrappers::MPI::SparseMatrix &matrix)
  {
    Mat A = matrix.petsc_matrix();
    if (ksp.refresh_if_same(A))
    {
      // the same matrix with new values: keep the solver; an LU keeps its
      // symbolic factorisation (ordering, pattern) and only refactorises,
      // BoomerAMG is set up anew
      needs_setup = true;
      return;
    }
    used = kind;
    if (kind == PreconditionerKind::automatic)
      used = dim == 2 && matrix.m() <= direct_limit() ?
               PreconditionerKind::direct :
               PreconditionerKind::amg;
    check_petsc(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    ksp.create(comm, A);
    KSP k = static_cast<KSP>(ksp.get());
    PC  pc;
    check_petsc(KSPGetPC(k, &pc), "KSPGetPC");
    const std::string o = "-" + prefix;
    if (used == PreconditionerKind::direct)
    {
      check_petsc(PCSetType(pc, PCLU), "PCSetType");
      check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                  "PCFactorSetMatSolverType");
      // the residual itself, not the preconditioned one (which is the
      // error after an exact factorisation), meets the tolerance
      check_petsc(KSPSetNormType(k, KSP_NORM_UNPRECONDITIONED),
                  "KSPSetNormType");
    }
    else
      check_petsc(PCSetType(pc, PCHYPRE), "PCSetType");
    // hypre defaults as deal.II's PreconditionBoomerAMG sets them for a
    // symmetric operator; options given by the user win
    const ScopedOptionDefault d1(o + "pc_hypre_type", "boomeramg"),
      d2(o + "pc_hypre_boomeramg_relax_type_up", "symmetric-SOR/Jacobi"),
      d3(o + "pc_hypre_boomeramg_relax_type_down", "symmetric-SOR/Jacobi"),
      d4(o + "pc_hypre_boomeramg_relax_type_coarse", "Gaussian-elimination"),
      d5(o + "pc_hypre_boomeramg_strong_threshold", "0.25"),
      d6(o + "pc_hypre_boomeramg_max_row_sum", "0.9"),
      d7(o + "pc_hypre_boomeramg_max_iter", "1"),
      d8(o + "pc_hypre_boomeramg_tol", "0.0");
    ksp.set_from_options(prefix);
    check_petsc(KSPSetReusePreconditioner(k, PETSC_TRUE),
                "KSPSetReusePreconditioner");
    needs_setup = true;
  }

  void
  ScalarSolver::reset()
  {
    ksp.reset();
    needs_setup = true;
  }

  void
  ScalarSolver::update_matrix(dealii::PETScWrappers::MPI::SparseMatrix &matrix)
  {
    const bool keep = used == PreconditionerKind::amg && !needs_setup &&
                      !stale && ksp.get() != nullptr &&
                      ksp.refresh_if_same(matrix.petsc_matrix());
    if (!keep)
    {
      set_matrix(matrix);
      return;
    }
    // refresh_if_same() set the new operator; keep the hierarchy
    check_petsc(KSPSetReusePreconditioner(static_cast<KSP>(ksp.get()),
                                          PETSC_TRUE),
                "KSPSetReusePreconditioner");
    fresh = false;
  }

  LinearSolveStatistics
  ScalarSolver::solve(dealii::PETScWrappers::MPI::Vector       &x,
                      const dealii::PETScWrappers::MPI::Vector &b,
                      const double                              tolerance,
                      const unsigned int                        max_iterations,
                      const std::string                        &what_to_change)
  {
    LinearSolveStatistics stats;
    if (ksp.get() == nullptr)
      throw std::logic_error("ScalarSolver::solve() before set_matrix()");
    KSP           k = static_cast<KSP>(ksp.get());
    dealii::Timer timer;
    if (needs_setup)
    {
      check_petsc(KSPSetUp(k), "KSPSetUp");
      PC pc;
      KSPGetPC(k, &pc);
      if (PCSetUp(pc) != 0)
        throw NumericalFailure("the " +
                               std::string(used == PreconditionerKind::direct ?
                                             "LU factorisation" :
                                             "BoomerAMG set-up") +
                               " of a scalar system failed; " + what_to_change);
      needs_setup         = false;
      stats.setup_seconds = timer.wall_time();
      ++setups;
      fresh            = true;
      stale            = false;
      fresh_iterations = 0;
      check_petsc(KSPSetReusePreconditioner(k, PETSC_TRUE),
                  "KSPSetReusePreconditioner");
    }
    timer.restart();
    check_petsc(KSPSetTolerances(k,
                                 1e-300,
                                 std::max(tolerance, 1e-300),
                                 PETSC_DEFAULT,
                                 static_cast<PetscInt>(max_iterations)),
                "KSPSetTolerances");
    check_petsc(KSPSetInitialGuessNonzero(k, PETSC_TRUE),
                "KSPSetInitialGuessNonzero");
    check_petsc(KSPSolve(k, b, x), "KSPSolve");
    stats.solve_seconds = timer.wall_time();
    PetscInt its;
    KSPGetIterationNumber(k, &its);
    stats.iterations = static_cast<unsigned int>(its);
    if (fresh)
      fresh_iterations = std::max(fresh_iterations, stats.iterations);
    else if (2 * stats.iterations > 3 * fresh_iterations + 4)
      stale = true;
    PetscReal rnorm;
    KSPGetResidualNorm(k, &rnorm);
    stats.residual = rnorm;
    KSPConvergedReason reason;
    KSPGetConvergedReason(k, &reason);
    if (reason < 0)
      throw NumericalFailure(
        "CG (" +
        std::string(used == PreconditionerKind::direct ? "MUMPS LU" :
                                                         "BoomerAMG") +
        ") stopped with PETSc reason " +
        std::string(KSPConvergedReasons[reason]) + " after " +
        std::to_string(its) + " iterations; " + what_to_change);
    return stats;
  }
} // namespace lipen
