#pragma once

#include <lipen/geometry/defect_geometry.h>

#include <deal.II/base/function.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/numerics/vector_tools.h>

#include <map>

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

} // namespace lipen
