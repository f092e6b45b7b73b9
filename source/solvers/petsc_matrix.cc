#include <lipen/solvers/petsc_matrix.h>

#include <petscmat.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace lipen
{
  void
  reinit_with_row_sizes(dealii::PETScWrappers::MPI::SparseMatrix &matrix,
                        const dealii::IndexSet                   &locally_owned,
                        const dealii::DynamicSparsityPattern     &dsp,
                        MPI_Comm                                  comm)
  {
    // The deal.II object (communicator, sizes) from an empty pattern ...
    {
      const dealii::DynamicSparsityPattern empty(dsp.n_rows(),
                                                 dsp.n_cols(),
                                                 locally_owned);
      matrix.reinit(locally_owned, locally_owned, empty, comm);
    }
    // ... whose PETSc matrix is then replaced by one preallocated with the
    // row sizes of dsp.
    const dealii::types::global_dof_index first =
      locally_owned.n_elements() > 0 ? locally_owned.nth_index_in_set(0) : 0;
    const dealii::types::global_dof_index n_local = locally_owned.n_elements();
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
    Mat                  A;
    const PetscErrorCode ierr =
      MatCreateAIJ(comm,
                   static_cast<PetscInt>(n_local),
                   static_cast<PetscInt>(n_local),
                   static_cast<PetscInt>(dsp.n_rows()),
                   static_cast<PetscInt>(dsp.n_cols()),
                   0,
                   n_diagonal.data(),
                   0,
                   n_off_diagonal.data(),
                   &A);
    if (ierr != 0)
      throw std::runtime_error("PETSc error in MatCreateAIJ (code " +
                               std::to_string(ierr) + ")");
    Mat &owned = matrix.petsc_matrix();
    MatDestroy(&owned);
    owned = A;
  }
} // namespace lipen
