#pragma once

#include <lipen/simulator/field_set.h>

#include <deal.II/distributed/solution_transfer.h>

#include <cstring>

namespace lipen
{
  template <int dim>
  FieldSet<dim>::FieldSet(Tria &tria)
    : tria(tria)
  {
  }

  template <int dim>
  FieldSet<dim>::~FieldSet() = default;

  template <int dim>
  void
  FieldSet<dim>::add_vectors(const dealii::DoFHandler<dim> &dof,
                             const std::vector<Vector *>   &vectors,
                             std::function<void(Vector &)>  make_consistent)
  {
    vector_groups.push_back({&dof, vectors, std::move(make_consistent)});
  }

  template <int dim>
  void
  FieldSet<dim>::on_mesh_change(std::function<void()> rebuild)
  {
    rebuilds.push_back(std::move(rebuild));
  }

  template <int dim>
  void
  FieldSet<dim>::rebuild_all()
  {
    for (const auto &r : rebuilds)
      r();
  }

  template <int dim>
  template <typename Transfers>
  void
  FieldSet<dim>::receive_vectors(Transfers &transfers, const bool deserialize)
  {
    for (std::size_t g = 0; g < vector_groups.size(); ++g)
    {
      auto                  &group = vector_groups[g];
      const dealii::IndexSet owned = group.dof->locally_owned_dofs();
      const MPI_Comm         comm  = tria.get_communicator();
      std::vector<Vector>    distributed(group.vectors.size());
      std::vector<Vector *>  pointers;
      for (auto &v : distributed)
      {
        v.reinit(owned, comm);
        pointers.push_back(&v);
      }
      if (deserialize)
        transfers[g]->deserialize(pointers);
      else
        transfers[g]->interpolate(pointers);
      for (std::size_t k = 0; k < distributed.size(); ++k)
      {
        if (group.make_consistent)
          group.make_consistent(distributed[k]);
        *group.vectors[k] = distributed[k];
      }
    }
  }

  template <int dim>
  void
  FieldSet<dim>::execute_refinement()
  {
    using Transfer =
      dealii::parallel::distributed::SolutionTransfer<dim, Vector>;
    tria.prepare_coarsening_and_refinement();
    std::vector<std::unique_ptr<Transfer>> transfers;
    for (const auto &group : vector_groups)
    {
      transfers.push_back(std::make_unique<Transfer>(*group.dof));
      transfers.back()->prepare_for_coarsening_and_refinement(
        std::vector<const Vector *>(group.vectors.begin(),
                                    group.vectors.end()));
    }
    std::vector<std::function<void()>> finish;
    for (const auto &q : quadrature_groups)
      finish.push_back(q.prepare_refinement());
    tria.execute_coarsening_and_refinement();
    rebuild_all();
    receive_vectors(transfers, false);
    for (const auto &f : finish)
      f();
  }

  template <int dim>
  void
  FieldSet<dim>::save(const std::string &file) const
  {
    using Transfer =
      dealii::parallel::distributed::SolutionTransfer<dim, Vector>;
    std::vector<std::unique_ptr<Transfer>> transfers;
    for (const auto &group : vector_groups)
    {
      transfers.push_back(std::make_unique<Transfer>(*group.dof));
      transfers.back()->prepare_for_serialization(
        std::vector<const Vector *>(group.vectors.begin(),
                                    group.vectors.end()));
    }
    for (const auto &q : quadrature_groups)
      tria.register_data_attach(
        [&q](const CellIterator &cell, const typename Tria::CellStatus)
        {
          std::vector<char>   bytes(q.values_per_cell * sizeof(double));
          std::vector<double> values(q.values_per_cell);
          q.pack(cell, values.data());
          std::memcpy(bytes.data(), values.data(), bytes.size());
          return bytes;
        },
        false);
    tria.save(file);
  }

  template <int dim>
  void
  FieldSet<dim>::load(const std::string           &file,
                      const std::function<void()> &after_mesh_loaded)
  {
    using Transfer =
      dealii::parallel::distributed::SolutionTransfer<dim, Vector>;
    tria.load(file);
    if (after_mesh_loaded)
      after_mesh_loaded();
    rebuild_all();
    std::vector<std::unique_ptr<Transfer>> transfers;
    for (const auto &group : vector_groups)
      transfers.push_back(std::make_unique<Transfer>(*group.dof));
    receive_vectors(transfers, true);
    for (const auto &q : quadrature_groups)
    {
      const unsigned int handle = tria.register_data_attach(
        [](const CellIterator &, const typename Tria::CellStatus)
        {
          return std::vector<char>();
        },
        false);
      tria.notify_ready_to_unpack(
        handle,
        [&q](
          const CellIterator &cell,
          const typename Tria::CellStatus,
          const boost::iterator_range<std::vector<char>::const_iterator> &data)
        {
          std::vector<double> values(q.values_per_cell);
          std::memcpy(values.data(),
                      &*data.begin(),
                      values.size() * sizeof(double));
          q.unpack(cell, values.data());
        });
    }
  }
} // namespace lipen
