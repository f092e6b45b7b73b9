#include <lipen/base/exceptions.h>
#include <lipen/solvers/amg_solver.h>
#include <lipen/solvers/petsc_check.h>

#include <deal.II/base/timer.h>

#include <petscksp.h>

#include <optional>

namespace lipen
{

  ElasticityAMGSolver::ElasticityAMGSolver(
    MPI_Comm           comm,
    unsigned int       dim,
    const std::string &prefix,
    const unsigned int eigen_estimate_iterations)
    : comm(comm)
    , dim(dim)
    , prefix(prefix)
    , eigen_estimate_iterations(eigen_estimate_iterations)
  {
  }

  void
  ElasticityAMGSolver::set_matrix(
    dealii::PETScWrappers::MPI::SparseMatrix &matrix,
    const std::vector<double>                &coordinates)
  {
    Mat A = matrix.petsc_matrix();
    if (direct && ksp.refresh_if_same(A))
    {
      // the same matrix with new values: MUMPS refactorises on the
      // symbolic factorisation it has (ordering and pattern unchanged)
      needs_setup = true;
      return;
    }
    ksp.reset();
    check_petsc(MatSetBlockSize(A, dim), "MatSetBlockSize");
    // The elasticity matrix is symmetric by construction (the constraints
    // are applied symmetrically, and CG needs it).  Saying so lets GAMG skip
    // symmetrising its aggregation graph (a transpose and a sum per level):
    // AMG set-up 1.06x faster on a 2.2 M-DoF 2D system on 1 and 2 ranks,
    // same hierarchy and iterations.
    check_petsc(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    check_petsc(MatSetOption(A, MAT_SYMMETRY_ETERNAL, PETSC_TRUE),
                "MatSetOption");

    Vec coords;
    check_petsc(VecCreateMPI(comm,
                             static_cast<PetscInt>(coordinates.size()),
                             PETSC_DETERMINE,
                             &coords),
                "VecCreateMPI");
    check_petsc(VecSetBlockSize(coords, dim), "VecSetBlockSize");
    PetscScalar *array;
    check_petsc(VecGetArray(coords, &array), "VecGetArray");
    for (std::size_t i = 0; i < coordinates.size(); ++i)
      array[i] = coordinates[i];
    check_petsc(VecRestoreArray(coords, &array), "VecRestoreArray");
    MatNullSpace near_null_space;
    check_petsc(MatNullSpaceCreateRigidBody(coords, &near_null_space),
                "MatNullSpaceCreateRigidBody");
    check_petsc(MatSetNearNullSpace(A, near_null_space), "MatSetNearNullSpace");
    MatNullSpaceDestroy(&near_null_space);
    VecDestroy(&coords);

    ksp.create(comm, A);
    KSP k = static_cast<KSP>(ksp.get());
    PC  pc;
    check_petsc(KSPGetPC(k, &pc), "KSPGetPC");
    std::optional<ScopedOptionDefault> aggressive;
    if (direct)
    {
      // a MUMPS LU factorisation as CG's preconditioner: exact right after
      // set_matrix(), then kept (stale) while the values change in place
      check_petsc(PCSetType(pc, PCLU), "PCSetType");
      check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS),
                  "PCFactorSetMatSolverType");
    }
    else
    {
      check_petsc(PCSetType(pc, PCGAMG), "PCSetType");
      // Dropping weak graph edges (threshold 0.02) cut CG iterations from 23
      // to 21 and the Krylov time by 12 % on a 0.58 M-DoF 2D edge slit
      // (2 ranks) at unchanged set-up time; options can still override it.
      PetscReal threshold[1] = {0.02};
      check_petsc(PCGAMGSetThreshold(pc, threshold, 1), "PCGAMGSetThreshold");
      if (eigen_estimate_iterations > 0) // a default only
        set_option_default("-" + prefix + "pc_gamg_esteig_ksp_max_it",
                           std::to_string(eigen_estimate_iterations));
      // Aggressive coarsening (aggregation on the squared graph) on the
      // first two levels in 3D instead of PETSc's one: with one level, the
      // second coarse operator of a 0.52 M-DoF penny keeps 3.2 k rows with
      // 1 300 nonzeros each, and forming it and the next one took 3.5 s of
      // an 11.9 s set-up (1 rank).  With two levels the set-up takes
      // 8.3-8.7 s, CG needs 24 iterations instead of 22 at about the same
      // Krylov time, and the peak memory falls by 60 MiB.  In 2D two levels
      // cost 37 iterations instead of 23, so 2D keeps one.  Given as a scoped
      // option default (the setter PCGAMGSetAggressiveLevels() does not
      // survive KSPSetFromOptions() in PETSc 3.18); a user's option wins.
      aggressive.emplace("-" + prefix + "pc_gamg_aggressive_coarsening",
                         dim == 3 ? "2" : "1");
    }
    ksp.set_from_options(prefix);
    // later changes of the matrix values keep this preconditioner until
    // set_matrix() is called again
    check_petsc(KSPSetReusePreconditioner(k, PETSC_TRUE),
                "KSPSetReusePreconditioner");
    needs_setup = true;
  }

  LinearSolveStatistics
  ElasticityAMGSolver::solve(dealii::PETScWrappers::MPI::Vector       &x,
                             const dealii::PETScWrappers::MPI::Vector &b,
                             const double       tolerance,
                             const unsigned int max_iterations)
  {
    LinearSolveStatistics stats;
    KSP                   k = static_cast<KSP>(ksp.get());
    dealii::Timer         timer;
    if (needs_setup)
    {
      // GAMG forms each coarse operator as a PtAP product. PETSc keeps the
      // product's intermediate data (transposed prolongator, A*P, ...) so
      // that the product could be recomputed for a new matrix with the
      // same pattern; this solver never does that (the hierarchy is rebuilt
      // from scratch by set_matrix()), so the data are dropped right after
      // each product: -450 MiB (-14 % of the peak) on a 2.2 M-DoF 2D
      // system on 2 ranks, same iterations and set-up time.  Only while
      // this set-up runs, and only if the user did not give the option.
      const ScopedOptionDefault clear_products("-mat_product_clear", "true");
      // KSPSetUp() builds the GAMG hierarchy (or the factorisation)
      check_petsc(KSPSetUp(k), "KSPSetUp");
      PC pc;
      KSPGetPC(k, &pc);
      check_petsc(PCSetUp(pc), "PCSetUp (GAMG)");
      needs_setup         = false;
      last_setup          = timer.wall_time();
      stats.setup_seconds = last_setup;
      // later changes of the values keep this preconditioner until
      // set_matrix() is called again
      check_petsc(KSPSetReusePreconditioner(k, PETSC_TRUE),
                  "KSPSetReusePreconditioner");
    }
    timer.restart();
    check_petsc(KSPSetTolerances(k,
                                 tolerance,
                                 1e-300,
                                 PETSC_DEFAULT,
                                 static_cast<PetscInt>(max_iterations)),
                "KSPSetTolerances");
    check_petsc(KSPSolve(k, b, x), "KSPSolve");
    stats.solve_seconds = timer.wall_time();
    PetscInt its;
    KSPGetIterationNumber(k, &its);
    stats.iterations = static_cast<unsigned int>(its);
    PetscReal rnorm;
    KSPGetResidualNorm(k, &rnorm);
    stats.residual = rnorm;
    KSPConvergedReason reason;
    KSPGetConvergedReason(k, &reason);
    if (reason < 0)
    {
      const std::string what = std::string(direct ? "CG+LU" : "CG+GAMG") +
                               " for elasticity stopped with PETSc reason " +
                               std::string(KSPConvergedReasons[reason]) +
                               " after " + std::to_string(its) + " iterations";
      if (reason == KSP_DIVERGED_ITS)
        throw NumericalFailure(
          "parameter 'Solver/Maximum linear iterations': " + what +
          "; raise the limit or loosen 'Solver/Linear "
          "tolerance'");
      // PC failed, indefinite operator or preconditioner, breakdown, NaN:
      // not cured by more iterations
      throw NumericalFailure(
        what +
        "; the preconditioner or the system is unusable: remove or change "
        "the PETSc options given with the prefix -" +
        prefix +
        " (e.g. in PETSC_OPTIONS), and check that the material moduli are "
        "finite and positive");
    }
    return stats;
  }
} // namespace lipen
