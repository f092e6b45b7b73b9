// make_matrix_with_cell_pattern() (include/lipen/solvers/petsc_matrix.h)
// against deal.II's own way of creating a distributed PETSc matrix from the
// sparsity pattern, in 2D and 3D, Q1 and Q2 vector elements, on a mesh with
// hanging nodes (also across the rank boundary on 2 ranks) and with
// homogeneous and inhomogeneous Dirichlet constraints:
//  - the new matrix is zero when created;
//  - assembling the same symmetric, pseudo-random cell matrices through the
//    same constraints into both succeeds without a new allocation (PETSc
//    raises an error for a write outside the preallocated pattern) and
//    gives the same operator: |A x - B x| <= 1e-13 |B x| for a
//    pseudo-random x;
//  - the new matrix has no more stored entries than deal.II's;
//  - the assembled matrix is symmetric (to 1e-12), as the AMG solver
//    declares it (MAT_SYMMETRIC) for GAMG;
//  - distribute_cell_to_petsc() (cell matrix and vector in one PETSc call
//    each on cells without constrained DoFs, deal.II's path elsewhere;
//    used for A) adds the same matrix and right-hand side as deal.II's
//    distribute_local_to_global() (used for B), with the inhomogeneous
//    constraints' contribution to the right-hand side: same operator as
//    above, |a - b| <= 1e-13 |b| for the right-hand sides; the mesh has
//    cells of both kinds.
// Run on 1 and 2 MPI ranks.
#include <lipen/solvers/petsc_matrix.h>

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/vector_tools.h>

#include <petscmat.h>

#include "check.h"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

namespace
{
  lipen_test::Checks check;

  std::string
  str(const double x)
  {
    std::ostringstream out;
    out << std::setprecision(6) << x;
    return out.str();
  }

  double
  stored_entries(const dealii::PETScWrappers::MPI::SparseMatrix &m)
  {
    MatInfo info;
    MatGetInfo(static_cast<Mat>(m), MAT_GLOBAL_SUM, &info);
    return info.nz_used;
  }

  template <int dim>
  void
  run(const unsigned int degree, const MPI_Comm comm, const bool root)
  {
    using namespace dealii;
    parallel::distributed::Triangulation<dim> tria(comm);
    GridGenerator::hyper_cube(tria, 0., 1., true);
    tria.refine_global(dim == 2 ? 3 : 2);
    // refine a diagonal band: hanging nodes in the interior of the mesh,
    // and on 2 ranks also on the partition boundary
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned() &&
          std::abs(cell->center()[0] - cell->center()[1]) < 0.3)
        cell->set_refine_flag();
    tria.execute_coarsening_and_refinement();

    const FESystem<dim> fe(FE_Q<dim>(degree), dim);
    DoFHandler<dim>     dof_handler(tria);
    dof_handler.distribute_dofs(fe);
    IndexSet relevant;
    DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
    AffineConstraints<double> constraints(relevant);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    VectorTools::interpolate_boundary_values(dof_handler,
                                             0,
                                             Functions::ZeroFunction<dim>(dim),
                                             constraints);
    VectorTools::interpolate_boundary_values(
      dof_handler,
      1,
      Functions::ConstantFunction<dim>(0.1, dim),
      constraints);
    constraints.close();

    PETScWrappers::MPI::SparseMatrix A, B;
    lipen::make_matrix_with_cell_pattern(A,
                                         dof_handler,
                                         constraints,
                                         relevant,
                                         comm);
    const IndexSet &owned = dof_handler.locally_owned_dofs();
    {
      DynamicSparsityPattern dsp(relevant);
      DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
      B.reinit(owned, owned, dsp, comm);
    }
    const std::string name = std::to_string(dim) + "D Q" +
                             std::to_string(degree) + ", " +
                             std::to_string(dof_handler.n_dofs()) + " DoFs: ";
    check(A.frobenius_norm() == 0., name + "new matrix is zero", root);

    const unsigned int                   n = fe.n_dofs_per_cell();
    FullMatrix<double>                   K(n, n);
    Vector<double>                       f(n);
    std::vector<types::global_dof_index> dofs(n);
    PETScWrappers::MPI::Vector           fa(owned, comm), fb(owned, comm);
    unsigned int                         n_free = 0, n_constrained = 0;
    bool                                 assembled = true;
    try
    {
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          const double seed = cell->center()[0] + 3. * cell->center()[1];
          for (unsigned int i = 0; i < n; ++i)
          {
            f(i) = std::cos(5. * i + 13. * seed);
            for (unsigned int j = 0; j <= i; ++j)
              K(i, j) = K(j, i) =
                (i == j ? n : 0.) + std::sin(7. * i + 3. * j + 11. * seed);
          }
          cell->get_dof_indices(dofs);
          bool constrained = false;
          for (const auto i : dofs)
            constrained = constrained || constraints.is_constrained(i);
          ++(constrained ? n_constrained : n_free);
          lipen::distribute_cell_to_petsc(constraints, K, f, dofs, A, fa);
          constraints.distribute_local_to_global(K, f, dofs, B, fb);
        }
      A.compress(VectorOperation::add);
      B.compress(VectorOperation::add);
      fa.compress(VectorOperation::add);
      fb.compress(VectorOperation::add);
    }
    catch (const std::exception &e)
    {
      assembled = false;
      if (root)
        std::cout << e.what() << std::endl;
    }
    check(assembled, name + "assembly within the preallocated pattern", root);
    if (!assembled)
      return;

    PETScWrappers::MPI::Vector x(owned, comm), ax(owned, comm), bx(owned, comm);
    for (const auto i : owned)
      x(i) = std::cos(0.37 * static_cast<double>(i));
    x.compress(VectorOperation::insert);
    A.vmult(ax, x);
    B.vmult(bx, x);
    const double reference = bx.l2_norm();
    ax -= bx;
    const double difference = ax.l2_norm();
    check(difference <= 1e-13 * reference,
          name + "same operator, |Ax-Bx|/|Bx| = " + str(difference / reference),
          root);
    const double f_reference = fb.l2_norm();
    fa -= fb;
    check(fa.l2_norm() <= 1e-13 * f_reference,
          name + "same right-hand side, |a-b|/|b| = " +
            str(fa.l2_norm() / f_reference),
          root);
    n_free        = Utilities::MPI::sum(n_free, comm);
    n_constrained = Utilities::MPI::sum(n_constrained, comm);
    check(n_free > 0 && n_constrained > 0,
          name + "cells without / with constrained DoFs: " +
            std::to_string(n_free) + " / " + std::to_string(n_constrained),
          root);
    const double nz_a = stored_entries(A), nz_b = stored_entries(B);
    check(nz_a <= nz_b,
          name + "stored entries " + str(nz_a) + " <= deal.II's " + str(nz_b),
          root);
    PetscBool symmetric = PETSC_FALSE;
    MatIsSymmetric(A.petsc_matrix(), 1e-12, &symmetric);
    check(symmetric == PETSC_TRUE, name + "symmetric to 1e-12", root);
  }
} // namespace

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                           comm = MPI_COMM_WORLD;
  const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
  for (const unsigned int degree : {1u, 2u})
  {
    run<2>(degree, comm, root);
    run<3>(degree, comm, root);
  }
  return check.finish(root);
}
