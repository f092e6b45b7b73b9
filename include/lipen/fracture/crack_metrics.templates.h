#pragma once

#include <lipen/fracture/crack_metrics.h>
#include <lipen/geometry/boundary_ids.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <algorithm>

namespace lipen
{
  template <int dim>
  CrackMetrics<dim>
  compute_crack_metrics(const Elasticity<dim> &elasticity)
  {
    using namespace dealii;
    const auto                      &dof_handler = elasticity.get_dof_handler();
    const auto                      &geometry    = elasticity.get_geometry();
    const QGauss<dim - 1>            face_quadrature(elasticity.degree() + 1);
    FEFaceValues<dim>                fe_face_values(elasticity.get_mapping(),
                                     elasticity.get_fe(),
                                     face_quadrature,
                                     update_values | update_normal_vectors |
                                       update_JxW_values);
    const FEValuesExtractors::Vector displacement(0);
    std::vector<Tensor<1, dim>>      u(face_quadrature.size());
    const unsigned int               normal = geometry.crack_plane_normal();

    // the point of the defect face farthest from the front
    Point<dim> far;
    if (geometry.parameters().surface_defect_2d())
      far[1] = geometry.parameters().height;

    double volume = 0, opening = 0, found = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              cell->face(f)->boundary_id() == boundary_ids::crack_face)
          {
            fe_face_values.reinit(cell, f);
            fe_face_values[displacement]
              .get_function_values(elasticity.get_solution(), u);
            for (unsigned int q = 0; q < face_quadrature.size(); ++q)
              volume -= (u[q] * fe_face_values.normal_vector(q)) *
                        fe_face_values.JxW(q);
            for (const unsigned int v : cell->face(f)->vertex_indices())
              if (found == 0 && cell->face(f)->vertex(v).distance(far) <
                                  1e-6 * cell->minimum_vertex_distance())
              {
                opening = 2. * elasticity.get_solution()(
                                 cell->face(f)->vertex_dof_index(v, normal));
                found = 1;
              }
          }
    const MPI_Comm    comm = dof_handler.get_communicator();
    CrackMetrics<dim> m;
    m.volume = geometry.model_copies() * Utilities::MPI::sum(volume, comm);
    const double n_found = Utilities::MPI::sum(found, comm);
    m.opening = n_found > 0 ? Utilities::MPI::sum(opening, comm) / n_found : 0;
    return m;
  }

  template <int dim>
  std::vector<std::pair<double, double>>
  crack_opening_profile(const Elasticity<dim> &elasticity)
  {
    using namespace dealii;
    const auto &dof_handler = elasticity.get_dof_handler();
    const auto &geometry    = elasticity.get_geometry();
    const auto  normal      = geometry.crack_plane_normal();
    std::vector<std::pair<double, double>> local;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              cell->face(f)->boundary_id() == boundary_ids::crack_face)
          {
            // outward normal of the face: minus the side the cell is on
            const double side =
              cell->center()[normal] > cell->face(f)->center()[normal] ? 1. :
                                                                         -1.;
            for (const unsigned int v : cell->face(f)->vertex_indices())
              local.emplace_back(
                geometry.front().distance(cell->face(f)->vertex(v)),
                2. * side *
                  elasticity.get_solution()(
                    cell->face(f)->vertex_dof_index(v, normal)));
          }
    std::vector<std::pair<double, double>> all;
    for (const auto &part :
         Utilities::MPI::all_gather(dof_handler.get_communicator(), local))
      all.insert(all.end(), part.begin(), part.end());
    std::sort(all.begin(), all.end());
    const double tol = 1e-9 * geometry.parameters().defect_size;
    all.erase(std::unique(all.begin(),
                          all.end(),
                          [tol](const auto &a, const auto &b)
                          {
                            return std::abs(a.first - b.first) < tol;
                          }),
              all.end());
    return all;
  }
} // namespace lipen
