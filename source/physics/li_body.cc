#include <lipen/geometry/boundary_ids.h>
#include <lipen/physics/li_body.h>

#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <algorithm>
#include <array>
#include <deque>

namespace lipen
{
  namespace
  {
    /// The Q1 node graph of the locally relevant nodes (nodes sharing a
    /// cell are neighbours) with the damage at the nodes, and the walk of
    /// li_body.h on it.
    template <int dim>
    class NodeGraph
    {
    public:
      NodeGraph(const dealii::DoFHandler<dim>            &dofs,
                const dealii::PETScWrappers::MPI::Vector &damage,
                const double                              tolerance)
        : dofs(dofs)
        , comm(dofs.get_communicator())
        , owned(dofs.locally_owned_dofs())
        , tolerance(tolerance)
        , nv(dofs.get_fe().n_dofs_per_cell())
      {
        using namespace dealii;
        DoFTools::extract_locally_relevant_dofs(dofs, relevant);
        n = relevant.n_elements();
        d.resize(n);
        for (unsigned int k = 0; k < n; ++k)
          d[k] = damage(relevant.nth_index_in_set(k));
        std::vector<types::global_dof_index> cell_dofs(nv);
        std::vector<unsigned int>            local(nv);
        neighbours.resize(n);
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
      }

      /// The nodes reachable from @p seeds (global indices, on any rank)
      /// by the walk of li_body.h, by local node. Collective.
      std::vector<char>
      walk(const std::vector<dealii::types::global_dof_index> &seeds) const
      {
        using namespace dealii;
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
        const auto step = [&]()
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
          step();
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
        return in;
      }

      /// By active cell index: whether all nodes of the (owned or ghost)
      /// cell are in @p in; false on artificial cells.
      std::vector<bool>
      cells_within(const std::vector<char> &in) const
      {
        std::vector<dealii::types::global_dof_index> cell_dofs(nv);
        std::vector<bool> cells(dofs.get_triangulation().n_active_cells(),
                                false);
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

      /// The broken (d >= 1/2) nodes on the plating electrode (boundary id
      /// li_electrode) outside @p excluded, in global numbering, ordered by
      /// their positions (x, then y, then z: independent of the DoF
      /// numbering, so a refinement does not reorder the bodies); the
      /// same list on every rank. Collective.
      std::vector<
        std::pair<std::array<double, dim>, dealii::types::global_dof_index>>
      broken_electrode_nodes(const std::vector<char> &excluded) const
      {
        using namespace dealii;
        // (position, global index) of the Q1 vertex nodes
        using Node =
          std::pair<std::array<double, dim>, types::global_dof_index>;
        std::vector<Node> mine;
        for (const auto &cell : dofs.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() &&
                  cell->face(f)->boundary_id() == boundary_ids::li_electrode)
                for (const auto v : cell->face(f)->vertex_indices())
                {
                  const auto         i = cell->face(f)->vertex_dof_index(v, 0);
                  const unsigned int k = relevant.index_within_set(i);
                  if (!owned.is_element(i) || d[k] < 0.5 || excluded[k])
                    continue;
                  Node node{{}, i};
                  for (unsigned int c = 0; c < dim; ++c)
                    node.first[c] = cell->face(f)->vertex(v)[c];
                  mine.push_back(node);
                }
        std::vector<Node> all;
        for (const auto &part : Utilities::MPI::all_gather(comm, mine))
          all.insert(all.end(), part.begin(), part.end());
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        return all;
      }

      /// Whether the node of global index @p i is in @p in (false if it is
      /// not locally relevant).
      bool
      contains(const std::vector<char>              &in,
               const dealii::types::global_dof_index i) const
      {
        return relevant.is_element(i) && in[relevant.index_within_set(i)];
      }

    private:
      const dealii::DoFHandler<dim>         &dofs;
      const MPI_Comm                         comm;
      const dealii::IndexSet                 owned;
      dealii::IndexSet                       relevant;
      const double                           tolerance;
      const unsigned int                     nv;
      unsigned int                           n = 0;
      std::vector<double>                    d;
      std::vector<std::vector<unsigned int>> neighbours;
    };
  } // namespace

  template <int dim>
  std::vector<bool>
  li_body_cells(const dealii::DoFHandler<dim>                      &dofs,
                const dealii::PETScWrappers::MPI::Vector           &damage,
                const std::vector<dealii::types::global_dof_index> &seeds,
                const double                                        tolerance)
  {
    const NodeGraph<dim> graph(dofs, damage, tolerance);
    return graph.cells_within(graph.walk(seeds));
  }

  template <int dim>
  LiBodies
  li_bodies(const dealii::DoFHandler<dim>                      &dofs,
            const dealii::PETScWrappers::MPI::Vector           &damage,
            const std::vector<dealii::types::global_dof_index> &seeds,
            const double                                        tolerance)
  {
    const NodeGraph<dim> graph(dofs, damage, tolerance);
    // the walks: the defect's first, then one from each broken core at
    // the electrode that the walks before it did not reach
    std::vector<std::vector<char>> walks{graph.walk(seeds)};
    std::vector<char>              reached = walks.front();
    LiBodies                       bodies;
    bodies.anchors.emplace_back(); // body 0: its seeds
    for (const auto &[x, i] : graph.broken_electrode_nodes(walks.front()))
    {
      // the list is the same on every rank, and so is whether an earlier
      // walk reached the node (the walks are combined over the ranks)
      unsigned int done = graph.contains(reached, i);
      done = dealii::Utilities::MPI::max(done, dofs.get_communicator());
      if (done)
        continue;
      walks.push_back(graph.walk({i}));
      bodies.anchors.emplace_back();
      for (unsigned int c = 0; c < dim; ++c)
        bodies.anchors.back()[c] = x[c];
      for (std::size_t k = 0; k < reached.size(); ++k)
        reached[k] = reached[k] || walks.back()[k];
    }
    bodies.n_bodies = walks.size();
    // a cell belongs to the first walk (in walk order) that holds all its
    // nodes
    bodies.cell_body.assign(dofs.get_triangulation().n_active_cells(), -1);
    for (unsigned int a = walks.size(); a-- > 0;)
    {
      const auto cells = graph.cells_within(walks[a]);
      for (std::size_t c = 0; c < cells.size(); ++c)
        if (cells[c])
          bodies.cell_body[c] = a;
    }
    return bodies;
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
  template LiBodies
  li_bodies<2>(const dealii::DoFHandler<2> &,
               const dealii::PETScWrappers::MPI::Vector &,
               const std::vector<dealii::types::global_dof_index> &,
               double);
  template LiBodies
  li_bodies<3>(const dealii::DoFHandler<3> &,
               const dealii::PETScWrappers::MPI::Vector &,
               const std::vector<dealii::types::global_dof_index> &,
               double);
} // namespace lipen
