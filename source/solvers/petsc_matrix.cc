#include <lipen/solvers/petsc_check.h>
#include <lipen/solvers/petsc_matrix.h>

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparsity_tools.h>

#include <petscmat.h>
#include <petscvec.h>

#include <vector>

namespace lipen
{
  namespace
  {
    /// @p matrix: a PETSc AIJ matrix with the owned rows and columns
    /// @p locally_owned, preallocated with the row sizes (in and out of the
    /// diagonal block) of @p dsp, without entries.
    void
    reinit_with_row_sizes(dealii::PETScWrappers::MPI::SparseMatrix &matrix,
                          const dealii::IndexSet               &locally_owned,
                          const dealii::DynamicSparsityPattern &dsp,
                          MPI_Comm                              comm)
    {
      // The deal.II object (communicator, sizes) from an empty pattern ...
      {
        const dealii::DynamicSparsityPattern empty(dsp.n_rows(),
                                                   dsp.n_cols(),
                                                   locally_owned);
        matrix.reinit(locally_owned, locally_owned, empty, comm);
      }
      // ... whose PETSc matrix is then replaced by one preallocated with
      // the row sizes of dsp.  PETSc owns a contiguous block of rows per
      // rank, as deal.II's distributed DoF numbering gives.
      if (!locally_owned.is_contiguous())
        throw std::runtime_error(
          "make_matrix_with_cell_pattern: the locally owned DoFs must be "
          "a contiguous range");
      const dealii::types::global_dof_index first =
        locally_owned.n_elements() > 0 ? locally_owned.nth_index_in_set(0) : 0;
      const dealii::types::global_dof_index n_local =
        locally_owned.n_elements();
      std::vector<PetscInt> n_diagonal(n_local, 0), n_off_diagonal(n_local, 0);
      for (dealii::types::global_dof_index i = 0; i < n_local; ++i)
      {
        const auto row    = first + i;
        const auto length = dsp.row_length(row);
        for (dealii::types::global_dof_index k = 0; k < length; ++k)
        {
          const auto column = dsp.column_number(row, k);
          if (column >= first && column < first + n_local)
            ++n_diagonal[i];
          else
            ++n_off_diagonal[i];
        }
      }
      Mat A;
      check_petsc(MatCreateAIJ(comm,
                               static_cast<PetscInt>(n_local),
                               static_cast<PetscInt>(n_local),
                               static_cast<PetscInt>(dsp.n_rows()),
                               static_cast<PetscInt>(dsp.n_cols()),
                               0,
                               n_diagonal.data(),
                               0,
                               n_off_diagonal.data(),
                               &A),
                  "MatCreateAIJ");
      Mat &owned = matrix.petsc_matrix();
      MatDestroy(&owned);
      owned = A;
    }
  } // namespace

  template <int dim>
  void
  make_matrix_with_cell_pattern(
    dealii::PETScWrappers::MPI::SparseMatrix &matrix,
    const dealii::DoFHandler<dim>            &dof_handler,
    const dealii::AffineConstraints<double>  &constraints,
    const dealii::IndexSet                   &locally_relevant,
    MPI_Comm                                  comm)
  {
    const dealii::IndexSet &locally_owned = dof_handler.locally_owned_dofs();
    {
      dealii::DynamicSparsityPattern dsp(locally_relevant);
      dealii::DoFTools::make_sparsity_pattern(dof_handler,
                                              dsp,
                                              constraints,
                                              false);
      dealii::SparsityTools::distribute_sparsity_pattern(dsp,
                                                         locally_owned,
                                                         comm,
                                                         locally_relevant);
      reinit_with_row_sizes(matrix, locally_owned, dsp, comm);
    } // the pattern is freed here, before the matrix gets its entries
    const unsigned int         n = dof_handler.get_fe().n_dofs_per_cell();
    dealii::FullMatrix<double> ones(n, n);
    ones.fill(std::vector<double>(ones.n_elements(), 1.).data());
    std::vector<dealii::types::global_dof_index> dof_indices(n);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        cell->get_dof_indices(dof_indices);
        constraints.distribute_local_to_global(ones, dof_indices, matrix);
      }
    matrix.compress(dealii::VectorOperation::add);
    matrix = 0;
  }

  template void
  make_matrix_with_cell_pattern<2>(dealii::PETScWrappers::MPI::SparseMatrix &,
                                   const dealii::DoFHandler<2> &,
                                   const dealii::AffineConstraints<double> &,
                                   const dealii::IndexSet &,
                                   MPI_Comm);
  template void
  make_matrix_with_cell_pattern<3>(dealii::PETScWrappers::MPI::SparseMatrix &,
                                   const dealii::DoFHandler<3> &,
                                   const dealii::AffineConstraints<double> &,
                                   const dealii::IndexSet &,
                                   MPI_Comm);

  void
  distribute_cell_to_petsc(
    const dealii::AffineConstraints<double>            &constraints,
    const dealii::FullMatrix<double>                   &cell_matrix,
    const dealii::Vector<double>                       &cell_rhs,
    const std::vector<dealii::types::global_dof_index> &dofs,
    dealii::PETScWrappers::MPI::SparseMatrix           &matrix,
    dealii::PETScWrappers::MPI::Vector                 &rhs)
  {
    constexpr std::size_t max_dofs = 128; // Q2 hexahedra have 81
    const std::size_t     n        = dofs.size();
    bool                  direct   = n <= max_dofs;
    for (std::size_t i = 0; direct && i < n; ++i)
      direct = !constraints.is_constrained(dofs[i]);
    if (!direct)
    {
      constraints.distribute_local_to_global(cell_matrix,
                                             cell_rhs,
                                             dofs,
                                             matrix,
                                             rhs);
      return;
    }
    PetscInt indices[max_dofs];
    for (std::size_t i = 0; i < n; ++i)
      indices[i] = static_cast<PetscInt>(dofs[i]);
    // FullMatrix stores its rows contiguously: PETSc's row-oriented layout
    check_petsc(MatSetValues(static_cast<Mat>(matrix),
                             static_cast<PetscInt>(n),
                             indices,
                             static_cast<PetscInt>(n),
                             indices,
                             &cell_matrix(0, 0),
                             ADD_VALUES),
                "MatSetValues");
    check_petsc(VecSetValues(static_cast<Vec>(rhs),
                             static_cast<PetscInt>(n),
                             indices,
                             cell_rhs.begin(),
                             ADD_VALUES),
                "VecSetValues");
  }
} // namespace lipen
