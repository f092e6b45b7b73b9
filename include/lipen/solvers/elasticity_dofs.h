#pragma once

#include <lipen/geometry/defect_geometry.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/numerics/vector_tools.h>

#include <map>
#include <stdexcept>
#include <vector>

namespace lipen
{
  /**
   * Constraints of a displacement field on a DefectGeometry mesh: hanging
   * nodes, u.n = 0 on the symmetry planes of the geometry (plus
   * @p extra_symmetry: further boundary id -> fixed component), and the
   * pinned points that remove rigid-body translations. @p constraints is
   * cleared, filled and closed.
   */
  template <int dim>
  void
  make_displacement_constraints(
    const dealii::Mapping<dim>                               &mapping,
    const dealii::DoFHandler<dim>                            &dof_handler,
    const DefectGeometry<dim>                                &geometry,
    const std::map<dealii::types::boundary_id, unsigned int> &extra_symmetry,
    const dealii::IndexSet                                   &locally_relevant,
    dealii::AffineConstraints<double>                        &constraints)
  {
    constraints.clear();
    constraints.reinit(locally_relevant);
    dealii::DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    auto symmetry = geometry.symmetry_components();
    symmetry.insert(extra_symmetry.begin(), extra_symmetry.end());
    for (const auto &[id, component] : symmetry)
    {
      dealii::ComponentMask mask(dim, false);
      mask.set(component, true);
      dealii::VectorTools::interpolate_boundary_values(
        mapping,
        dof_handler,
        id,
        dealii::Functions::ZeroFunction<dim>(dim),
        constraints,
        mask);
    }
    for (const auto &[point, component] : geometry.pinned_points())
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (!cell->is_artificial())
          for (const unsigned int v : cell->vertex_indices())
            if (cell->vertex(v).distance(point) <
                1e-8 * cell->minimum_vertex_distance())
            {
              const auto dof = cell->vertex_dof_index(v, component);
              if (locally_relevant.is_element(dof) &&
                  !constraints.is_constrained(dof))
                constraints.add_line(dof);
            }
    constraints.close();
  }

  /**
   * For each locally owned DoF of a vector-valued (FESystem of dim equal
   * scalar elements) displacement, the coordinate of its support point in
   * the direction of its component: what ElasticityAMGSolver needs to
   * build the rigid-body modes. Throws if the DoFs are not numbered in
   * nodal blocks of dim (GAMG's block size).
   */
  template <int dim>
  std::vector<double>
  rigid_body_coordinates(const dealii::Mapping<dim>    &mapping,
                         const dealii::DoFHandler<dim> &dof_handler)
  {
    std::map<dealii::types::global_dof_index, dealii::Point<dim>> support;
    dealii::DoFTools::map_dofs_to_support_points(mapping, dof_handler, support);
    std::vector<dealii::IndexSet> component_dofs;
    for (unsigned int d = 0; d < dim; ++d)
    {
      dealii::ComponentMask mask(dim, false);
      mask.set(d, true);
      component_dofs.push_back(
        dealii::DoFTools::extract_dofs(dof_handler, mask));
    }
    const auto         &owned = dof_handler.locally_owned_dofs();
    std::vector<double> coordinates(owned.n_elements());
    unsigned int        k = 0;
    for (const auto dof : owned)
    {
      const unsigned int d = k % dim;
      if (!component_dofs[d].is_element(dof))
        throw std::logic_error("displacement DoFs are not numbered in "
                               "nodal blocks of dim");
      coordinates[k] = support.at(dof)[d];
      ++k;
    }
    return coordinates;
  }
} // namespace lipen
