// ScalarSolver (include/lipen/solvers/scalar_solver.h) and the LU option of
// ElasticityAMGSolver on a system with a known solution: the finite
// difference Laplacian -u'' = 2 on n interior points of (0, 1), u(0) =
// u(1) = 0, whose discrete solution is exactly u_i = x_i (1 - x_i) (the
// scheme is exact for quadratics), distributed over the ranks by rows.
//  - amg (CG + BoomerAMG) and direct (CG + MUMPS LU) reach the requested
//    absolute residual and |u - x(1-x)|_inf <= 1e-8;
//  - direct needs at most 2 CG iterations (an exact factorisation);
//  - one set_matrix() serves several right-hand sides: a second solve with
//    the right-hand side scaled by 3 gives 3 u without a new set-up
//    (setup_seconds == 0);
//  - after the values of the same matrix change in place (A -> A + sI),
//    set_matrix() again solves the new system (residual below the
//    tolerance; the LU refactorised: at most 2 iterations);
//  - update_matrix() after an in-place change keeps the BoomerAMG hierarchy
//    (no new set-up) and still solves the new system; once a solve with the
//    kept hierarchy needs more than 3/2 of the iterations (+ 2) of the
//    fresh one (A -> A + 1e5 I), the next update_matrix() rebuilds it, and
//    the rebuilt one needs fewer iterations; for the LU, update_matrix()
//    always refactorises (at most 2 iterations);
//  - automatic chooses direct for dim = 2 at or below direct_limit() rows
//    and amg in 3D;
//  - a too small iteration limit throws NumericalFailure (CG + AMG cannot
//    reach 1e-14 of the residual in 1 iteration);
//  - ElasticityAMGSolver with set_direct(true) solves the same system
//    (block size 1) to the same accuracy in at most 2 iterations; after an
//    in-place change its stale LU needs more than 2 iterations, and after
//    set_matrix() again at most 2.
// Run on 1 and 2 MPI ranks.
#include <lipen/base/exceptions.h>
#include <lipen/solvers/amg_solver.h>
#include <lipen/solvers/scalar_solver.h>

#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include "check.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace
{
  lipen_test::Checks check;

  std::string
  sci(const double x)
  {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return buffer;
  }
} // namespace

int
main(int argc, char **argv)
{
  using namespace dealii;
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   comm = MPI_COMM_WORLD;
  const bool         root  = Utilities::MPI::this_mpi_process(comm) == 0;
  const unsigned int ranks = Utilities::MPI::n_mpi_processes(comm);
  const unsigned int rank  = Utilities::MPI::this_mpi_process(comm);

  const types::global_dof_index n = 2000;
  const double                  h = 1. / (n + 1);
  IndexSet                      owned(n);
  const types::global_dof_index begin = n * rank / ranks,
                                end   = n * (rank + 1) / ranks;
  owned.add_range(begin, end);
  DynamicSparsityPattern dsp(n, n, owned);
  for (types::global_dof_index i = begin; i < end; ++i)
    for (types::global_dof_index j = (i > 0 ? i - 1 : 0);
         j <= std::min(i + 1, n - 1);
         ++j)
      dsp.add(i, j);
  PETScWrappers::MPI::SparseMatrix A;
  A.reinit(owned, owned, dsp, comm);
  PETScWrappers::MPI::Vector b(owned, comm), exact(owned, comm);
  for (types::global_dof_index i = begin; i < end; ++i)
  {
    A.set(i, i, 2. / (h * h));
    if (i > 0)
      A.set(i, i - 1, -1. / (h * h));
    if (i + 1 < n)
      A.set(i, i + 1, -1. / (h * h));
    b[i]           = 2.;
    const double x = (i + 1) * h;
    exact[i]       = x * (1. - x);
  }
  A.compress(VectorOperation::insert);
  b.compress(VectorOperation::insert);
  exact.compress(VectorOperation::insert);
  const double tol = 1e-12 * b.l2_norm();

  const auto error =
    [&](const PETScWrappers::MPI::Vector &x, const double scale)
  {
    PETScWrappers::MPI::Vector e(x);
    e.add(-scale, exact);
    return e.linfty_norm();
  };

  const auto shift_diagonal = [&](const double value)
  {
    for (types::global_dof_index i = begin; i < end; ++i)
      A.add(i, i, value);
    A.compress(VectorOperation::add);
  };
  const auto residual = [&](const PETScWrappers::MPI::Vector &x)
  {
    PETScWrappers::MPI::Vector r(owned, comm);
    A.vmult(r, x);
    r -= b;
    return r.l2_norm();
  };

  for (const auto kind :
       {lipen::PreconditionerKind::amg, lipen::PreconditionerKind::direct})
  {
    const std::string name =
      kind == lipen::PreconditionerKind::amg ? "amg" : "direct";
    lipen::ScalarSolver solver(comm, 2, "lipen_test_");
    solver.set_kind(kind);
    solver.set_matrix(A);
    PETScWrappers::MPI::Vector x(owned, comm);
    const auto                 s1 = solver.solve(x, b, tol, 2000, "test");
    check(error(x, 1.) <= 1e-8,
          name + ": |u - x(1-x)|_inf = " + sci(error(x, 1.)) + " <= 1e-8",
          root);
    if (kind == lipen::PreconditionerKind::direct)
      check(s1.iterations <= 2,
            "direct: " + std::to_string(s1.iterations) + " CG iterations <= 2",
            root);
    PETScWrappers::MPI::Vector b3(b), x3(owned, comm);
    b3 *= 3.;
    const auto s2 = solver.solve(x3, b3, 3. * tol, 2000, "test");
    check(error(x3, 3.) <= 3e-8 && s2.setup_seconds == 0.,
          name + ": second right-hand side without a new set-up, error " +
            sci(error(x3, 3.)),
          root);

    // the same matrix with new values (A -> A + 50 I, as a Newton step
    // reassembles in place): set_matrix() must refactorise / rebuild. The
    // residual shows the solution right; for the LU, at most 2 iterations
    // show it was refactorised (the stale LU of A needs more for A + sI)
    shift_diagonal(50.);
    solver.set_matrix(A);
    PETScWrappers::MPI::Vector x2(owned, comm);
    const auto                 s4 = solver.solve(x2, b, tol, 2000, "test");
    // (the true residual: 1e-7 |b|, as round-off in A x with entries of
    // 2/h^2 limits it to ~1e-11 |b|; a stale solution would leave ~6 |b|)
    check(residual(x2) <= 1e-7 * b.l2_norm() &&
            (kind == lipen::PreconditionerKind::amg || s4.iterations <= 2),
          name + ": values changed in place, set_matrix() again: residual " +
            sci(residual(x2)) + " in " + std::to_string(s4.iterations) +
            " iterations",
          root);
    shift_diagonal(-50.);
  }

  // update_matrix(): the AMG hierarchy kept while it stays good
  for (const auto kind :
       {lipen::PreconditionerKind::amg, lipen::PreconditionerKind::direct})
  {
    const std::string name =
      kind == lipen::PreconditionerKind::amg ? "amg" : "direct";
    const bool                 amg = kind == lipen::PreconditionerKind::amg;
    PETScWrappers::MPI::Vector x(owned, comm);
    {
      // a small change (1e-6 of the diagonal): kept (amg), refactorised (LU)
      lipen::ScalarSolver solver(comm, 2, "lipen_test_");
      solver.set_kind(kind);
      solver.set_matrix(A);
      const auto s0 = solver.solve(x, b, tol, 2000, "test");
      shift_diagonal(8.);
      solver.update_matrix(A);
      x             = 0;
      const auto s1 = solver.solve(x, b, tol, 2000, "test");
      check(residual(x) <= 1e-7 * b.l2_norm() &&
              solver.n_setups() == (amg ? 1u : 2u) &&
              (amg || s1.iterations <= 2),
            name + ": update_matrix() after a small change: residual " +
              sci(residual(x)) + " in " + std::to_string(s1.iterations) +
              " iterations (fresh: " + std::to_string(s0.iterations) + "), " +
              std::to_string(solver.n_setups()) + " set-up(s)",
            root);
      shift_diagonal(-8.);
    }
    {
      // a large change (A + 1e5 I): CG with the kept hierarchy needs more
      // than 3/2 of the fresh iterations + 2, so the next update_matrix()
      // rebuilds it, and the rebuilt one needs fewer
      lipen::ScalarSolver solver(comm, 2, "lipen_test_");
      solver.set_kind(kind);
      solver.set_matrix(A);
      x             = 0;
      const auto s0 = solver.solve(x, b, tol, 2000, "test");
      shift_diagonal(1e5);
      solver.update_matrix(A);
      x                  = 0;
      const auto s2      = solver.solve(x, b, tol, 2000, "test");
      const auto setups2 = solver.n_setups();
      solver.update_matrix(A);
      x             = 0;
      const auto s3 = solver.solve(x, b, tol, 2000, "test");
      check(residual(x) <= 1e-7 * b.l2_norm() &&
              (amg ?
                 (setups2 == 1 && 2 * s2.iterations > 3 * s0.iterations + 4 &&
                  solver.n_setups() == 2 && s3.iterations < s2.iterations) :
                 (solver.n_setups() == 3 && s3.iterations <= 2)),
            name + ": after A + 1e5 I: " + std::to_string(s2.iterations) +
              " iterations (fresh on A: " + std::to_string(s0.iterations) +
              "), then " + std::to_string(s3.iterations) + " with " +
              std::to_string(solver.n_setups()) + " set-ups in all",
            root);
      shift_diagonal(-1e5);
    }
  }

  {
    lipen::ScalarSolver solver(comm, 2, "lipen_test_");
    solver.set_matrix(A);
    check(solver.kind_in_use() == lipen::PreconditionerKind::direct,
          "automatic in 2D with " + std::to_string(n) +
            " <= " + std::to_string(lipen::ScalarSolver::direct_limit()) +
            " rows: direct",
          root);
    lipen::ScalarSolver solver3(comm, 3, "lipen_test_");
    solver3.set_matrix(A);
    check(solver3.kind_in_use() == lipen::PreconditionerKind::amg,
          "automatic in 3D: amg",
          root);
  }

  {
    lipen::ScalarSolver solver(comm, 2, "lipen_test_");
    solver.set_kind(lipen::PreconditionerKind::amg);
    solver.set_matrix(A);
    PETScWrappers::MPI::Vector x(owned, comm);
    bool                       thrown = false;
    try
    {
      solver.solve(x, b, 1e-14 * b.l2_norm(), 1, "test");
    }
    catch (const lipen::NumericalFailure &)
    {
      thrown = true;
    }
    check(thrown, "amg with 1 iteration allowed: NumericalFailure", root);
  }

  {
    lipen::ElasticityAMGSolver solver(comm, 1, "lipen_test_elasticity_");
    solver.set_direct(true);
    std::vector<double> coordinates;
    for (types::global_dof_index i = begin; i < end; ++i)
      coordinates.push_back((i + 1) * h);
    solver.set_matrix(A, coordinates);
    PETScWrappers::MPI::Vector x(owned, comm);
    const auto                 s = solver.solve(x, b, 1e-12, 100);
    check(error(x, 1.) <= 1e-8 && s.iterations <= 2,
          "ElasticityAMGSolver with LU: error " + sci(error(x, 1.)) + " in " +
            std::to_string(s.iterations) + " iterations",
          root);
    // values changed in place (A -> A + 50 I): the stale factorisation
    // of A still preconditions CG to the right answer, in more than 2
    // iterations ...
    shift_diagonal(50.);
    PETScWrappers::MPI::Vector y(owned, comm);
    const auto                 s2 = solver.solve(y, b, 1e-12, 100);
    check(residual(y) <= 1e-7 * b.l2_norm() && s2.iterations > 2,
          "ElasticityAMGSolver, stale LU: residual " + sci(residual(y)) +
            " in " + std::to_string(s2.iterations) + " > 2 iterations",
          root);
    // ... and set_matrix() refactorises: back to <= 2 iterations
    solver.set_matrix(A, coordinates);
    PETScWrappers::MPI::Vector z(owned, comm);
    const auto                 s3 = solver.solve(z, b, 1e-12, 100);
    check(residual(z) <= 1e-7 * b.l2_norm() && s3.iterations <= 2 &&
            s3.setup_seconds > 0,
          "ElasticityAMGSolver, set_matrix() after the change: residual " +
            sci(residual(z)) + " in " + std::to_string(s3.iterations) +
            " iterations",
          root);
  }
  return check.finish(root);
}
