#pragma once

#include <deal.II/base/types.h>

namespace lipen
{
  /**
   * Boundary indicators used by every lipen geometry — the one place they are
   * defined.  Models use the symmetry of the defect: the crack plane is
   * always a symmetry plane, so only one face of the crack is meshed.
   *
   * | id | name                 | condition                                  |
   * |----|----------------------|--------------------------------------------|
   * | 0  | crack_face           | Li pressure p on the defect/crack face     |
   * | 1  | crack_plane_symmetry | u.n = 0 on the crack plane ahead of the tip|
   * | 2  | symmetry_2           | u.n = 0 (second symmetry plane)            |
   * | 3  | symmetry_3           | u.n = 0 (third symmetry plane, 3D penny)   |
   * | 4  | li_electrode         | plating electrode surface: stack pressure  |
   * | 5  | counter_electrode    | roller support (or free, see Geometry)     |
   * | 6  | far_field            | opening far-field stress                   |
   * | 7  | free_surface         | traction free                              |
   */
  namespace boundary_ids
  {
    constexpr dealii::types::boundary_id crack_face           = 0;
    constexpr dealii::types::boundary_id crack_plane_symmetry = 1;
    constexpr dealii::types::boundary_id symmetry_2           = 2;
    constexpr dealii::types::boundary_id symmetry_3           = 3;
    constexpr dealii::types::boundary_id li_electrode         = 4;
    constexpr dealii::types::boundary_id counter_electrode    = 5;
    constexpr dealii::types::boundary_id far_field            = 6;
    constexpr dealii::types::boundary_id free_surface         = 7;

    /// Li/electrolyte interfaces, where Butler-Volmer kinetics act: the
    /// defect faces and both electrodes.
    constexpr bool
    is_li_interface(const dealii::types::boundary_id id)
    {
      return id == crack_face || id == li_electrode || id == counter_electrode;
    }
  } // namespace boundary_ids

  /// Manifold id of the curved root of a blunt notch (a circle).
  constexpr dealii::types::manifold_id notch_root_manifold = 1;
  /// Manifold id of the spheres around a 3D flaw front (origin-centred).
  constexpr dealii::types::manifold_id sphere_manifold = 0;
} // namespace lipen
