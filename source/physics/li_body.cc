#include <lipen/physics/li_body.h>

#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <deque>

namespace lipen
{
  template <int dim>
  std::vector<bool>
  li_body_cells(const dealii::DoFHandler<dim>                      &dofs,
                const dealii::PETScWrappers::MPI::Vector           &damage,
                const std::vector<dealii::types::global_dof_index> &seeds,
                const double                                        tolerance)
  {
    using namespace dealii;
    const MPI_Comm comm  = dofs.get_communicator();
    const IndexSet owned = dofs.locally_owned_dofs();
    IndexSet       relevant;
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);
    const unsigned int n = relevant.n_elements();

    // node values and the node graph (nodes sharing a cell), in local
    // numbering of the locally relevant nodes
    std::vector<double> d(n);
    for (unsigned int k = 0; k < n; ++k)
      d[k] = damage(relevant.nth_index_in_set(k));
    const unsigned int                     nv = dofs.get_fe().n_dofs_per_cell();
    std::vector<types::global_dof_index>   cell_dofs(nv);
    std::vector<unsigned int>              local(nv);
    std::vector<std::vector<unsigned int>> neighbours(n);
    for (const auto &cell : dofs.active_cell_iterators())
      if (!cell->is_artificial())
      {
        cell->get_dof_indices(cell_dofs);
        for (unsigned int i = 0; i < nv; ++i)
          local[i] = relevant.index_within_set(cell_dofs[i]);
        for (unsigned int i = 0; i < nv; ++i)
          for (unsigned int j = 0; j < nv; ++j)
            if (i != j)
              neighbours[local[i]].push_back(local[j]);
      }

    std::vector<char>        in(n, 0);
    std::deque<unsigned int> queue;
    const auto               mark = [&](const unsigned int k)
    {
      if (!in[k])
      {
        in[k] = 1;
        queue.push_back(k);
      }
    };
    for (const auto i : seeds)
      if (relevant.is_element(i))
        mark(relevant.index_within_set(i));
    const auto walk = [&]()
    {
      while (!queue.empty())
      {
        const unsigned int a = queue.front();
        queue.pop_front();
        for (const unsigned int b : neighbours[a])
          if (!in[b] &&
              ((d[a] >= 0.5 && d[b] >= 0.5) || d[b] <= d[a] + tolerance))
            mark(b);
      }
    };

    // the owners combine the ranks' marks until no rank adds a node
    LinearAlgebra::distributed::Vector<float> shared(owned, relevant, comm);
    for (unsigned int round = 0;; ++round)
    {
      walk();
      shared.zero_out_ghost_values();
      for (unsigned int k = 0; k < n; ++k)
        shared(relevant.nth_index_in_set(k)) = in[k];
      shared.compress(VectorOperation::max);
      shared.update_ghost_values();
      unsigned int added = 0;
      for (unsigned int k = 0; k < n; ++k)
        if (!in[k] && shared(relevant.nth_index_in_set(k)) > 0.5f)
        {
          mark(k);
          ++added;
        }
      if (Utilities::MPI::sum(added, comm) == 0)
        break;
      AssertThrow(round < 100000, ExcInternalError());
    }

    std::vector<bool> cells(dofs.get_triangulation().n_active_cells(), false);
    for (const auto &cell : dofs.active_cell_iterators())
      if (!cell->is_artificial())
      {
        cell->get_dof_indices(cell_dofs);
        bool all = true;
        for (unsigned int i = 0; i < nv && all; ++i)
          all = in[relevant.index_within_set(cell_dofs[i])];
        cells[cell->active_cell_index()] = all;
      }
    return cells;
  }

  template std::vector<bool>
  li_body_cells<2>(const dealii::DoFHandler<2> &,
                   const dealii::PETScWrappers::MPI::Vector &,
                   const std::vector<dealii::types::global_dof_index> &,
                   double);
  template std::vector<bool>
  li_body_cells<3>(const dealii::DoFHandler<3> &,
                   const dealii::PETScWrappers::MPI::Vector &,
                   const std::vector<dealii::types::global_dof_index> &,
                   double);
} // namespace lipen
