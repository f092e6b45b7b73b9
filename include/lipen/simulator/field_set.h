#pragma once

#include <deal.II/base/quadrature.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/lac/petsc_vector.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lipen
{
  /**
   * The owner of the mesh and of every field on it. Each model registers
   * its fields once — groups of ghosted vectors on a DoFHandler, and
   * quadrature-point data (history variables) — together with what must be
   * rebuilt when the mesh changes (DoFs, constraints, matrices). Then
   *
   * - execute_refinement() moves every registered field of every model to
   *   the new mesh in one pass (SolutionTransfer for the vectors, the L2
   *   projection of deal.II's ContinuousQuadratureDataTransfer for the
   *   quadrature data), after the rebuild callbacks ran;
   * - save() writes the mesh (p4est) and every registered field exactly
   *   (vectors by SolutionTransfer serialization, quadrature data value by
   *   value) into one checkpoint file set, and load() reads them back,
   *   also on another number of MPI ranks.
   *
   * A coupled model that adds a field registers it here and needs no
   * transfer code of its own. Registration order must be the same at save
   * and load (it is, when the same models register in their constructors).
   */
  template <int dim>
  class FieldSet
  {
  public:
    using Vector       = dealii::PETScWrappers::MPI::Vector;
    using Tria         = dealii::parallel::distributed::Triangulation<dim>;
    using CellIterator = typename dealii::Triangulation<dim>::cell_iterator;

    explicit FieldSet(Tria &tria);
    ~FieldSet();

    Tria &
    triangulation()
    {
      return tria;
    }
    const Tria &
    triangulation() const
    {
      return tria;
    }

    /// Register ghosted vectors on @p dof. After a transfer each receives
    /// its interpolated values and then @p make_consistent (e.g. the
    /// hanging-node constraints) is applied to the distributed vector.
    void
    add_vectors(const dealii::DoFHandler<dim> &dof,
                const std::vector<Vector *>   &vectors,
                std::function<void(Vector &)>  make_consistent);

    /// Register quadrature data of type @p Data (a
    /// TransferableQuadraturePointData) at the points of @p quadrature.
    template <typename Data>
    void
    add_quadrature_data(dealii::CellDataStorage<CellIterator, Data> &storage,
                        const dealii::Quadrature<dim> &quadrature);

    /// Called after the mesh changed (refinement or load) and before the
    /// fields are transferred: set up DoFs, constraints, matrices and
    /// reinitialise the registered vectors and quadrature data.
    void
    on_mesh_change(std::function<void()> rebuild);

    /// Execute the refinement/coarsening flags of the triangulation and
    /// transfer every registered field.
    void
    execute_refinement();

    /// Write the mesh and all registered fields to @p file (plus the
    /// companion files p4est writes beside it). Collective.
    void
    save(const std::string &file) const;
    /// Read what save() wrote; the triangulation must hold the coarse mesh
    /// only. Collective; works on any number of ranks.
    void
    load(const std::string           &file,
         const std::function<void()> &after_mesh_loaded = {});

  private:
    struct VectorGroup
    {
      const dealii::DoFHandler<dim> *dof;
      std::vector<Vector *>          vectors;
      std::function<void(Vector &)>  make_consistent;
    };
    /// Type-erased quadrature data: refinement transfer (prepare, then
    /// finish) and exact pack/unpack of one cell's values.
    struct QuadratureGroup
    {
      std::function<std::function<void()>()>              prepare_refinement;
      unsigned int                                        values_per_cell = 0;
      std::function<void(const CellIterator &, double *)> pack;
      std::function<void(const CellIterator &, const double *)> unpack;
    };

    void
    rebuild_all();
    /// Interpolate/deserialize the vectors of every group from
    /// @p transfers into the registered vectors.
    template <typename Transfers>
    void
    receive_vectors(Transfers &transfers, bool deserialize);

    Tria                              &tria;
    std::vector<VectorGroup>           vector_groups;
    std::vector<QuadratureGroup>       quadrature_groups;
    std::vector<std::function<void()>> rebuilds;
  };

  template <int dim>
  template <typename Data>
  void
  FieldSet<dim>::add_quadrature_data(
    dealii::CellDataStorage<CellIterator, Data> &storage,
    const dealii::Quadrature<dim>               &quadrature)
  {
    const unsigned int n_q = quadrature.size();
    QuadratureGroup    g;
    g.prepare_refinement =
      [this, &storage, quadrature]() -> std::function<void()>
    {
      auto transfer =
        std::make_shared<dealii::parallel::distributed::
                           ContinuousQuadratureDataTransfer<dim, Data>>(
          dealii::FE_DGQ<dim>(1),
          quadrature,
          quadrature);
      transfer->prepare_for_coarsening_and_refinement(tria, storage);
      return [transfer]()
      {
        transfer->interpolate();
      };
    };
    g.values_per_cell = n_q * Data().number_of_values();
    g.pack            = [&storage, n_q](const CellIterator &cell, double *out)
    {
      const auto          data = storage.get_data(cell);
      const unsigned int  m    = Data().number_of_values();
      std::vector<double> v(m);
      for (unsigned int q = 0; q < n_q; ++q)
      {
        data[q]->pack_values(v);
        for (unsigned int k = 0; k < m; ++k)
          out[q * m + k] = v[k];
      }
    };
    g.unpack = [&storage, n_q](const CellIterator &cell, const double *in)
    {
      const auto          data = storage.get_data(cell);
      const unsigned int  m    = Data().number_of_values();
      std::vector<double> v(m);
      for (unsigned int q = 0; q < n_q; ++q)
      {
        for (unsigned int k = 0; k < m; ++k)
          v[k] = in[q * m + k];
        data[q]->unpack_values(v);
      }
    };
    quadrature_groups.push_back(std::move(g));
  }
} // namespace lipen
