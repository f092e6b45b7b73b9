#pragma once

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/petsc_vector.h>

#include <array>
#include <vector>

namespace lipen
{
  /**
   * The Li body of a diffuse crack (issue 17, model.md 3.6): which part of
   * the damage field d holds Li. Damage is Li only where it is connected to
   * the plating electrode through the initial defect; a crack that
   * nucleates elsewhere (a separate maximum of d) is an empty crack: no
   * pressure on its faces, no interface current, no volume in the Li
   * balance.
   *
   * The body is the set of Q1 nodes reachable from @p seeds (the nodes of
   * the initial defect, d = 1) by steps along cell edges from a node a in
   * the body to a node b with
   *   d_a >= 1/2 and d_b >= 1/2   (the broken core: any path through it), or
   *   d_b <= d_a + tolerance      (down the diffuse flank of the core).
   * A separate crack has its own maximum of d, so the walk down from the
   * Li body stops at the saddle between the two and cannot climb it. (The
   * discrete damage problem is an M-matrix: d has no local maximum where
   * there is no driving force, so a second maximum is a second crack.)
   * The tolerance lets the walk over round-off bumps of the flank.
   *
   * Parallel: every rank walks its locally relevant nodes (owned and ghost
   * cells), the owners of the nodes combine the ranks' marks (max) and send
   * them back, until no rank adds a node.
   *
   * Returns, by active cell index, whether each locally owned or ghost
   * cell belongs to the body (all its vertices do); false on artificial
   * cells. @p damage: ghosted, Q1 on @p dofs.
   */
  template <int dim>
  std::vector<bool>
  li_body_cells(const dealii::DoFHandler<dim>                      &dofs,
                const dealii::PETScWrappers::MPI::Vector           &damage,
                const std::vector<dealii::types::global_dof_index> &seeds,
                double tolerance = 1e-2);

  /// The Li bodies of a damage field (li_bodies()).
  struct LiBodies
  {
    /// by active cell index: the body of the locally owned or ghost cell
    /// (0: the defect's), -1 outside every body and on artificial cells
    std::vector<int> cell_body;
    /// number of bodies (at least 1: the defect's, possibly empty)
    unsigned int n_bodies = 0;
    /// per body: the position of its first broken node on the electrode
    /// (where its walk started; (0, 0, 0) for body 0, which starts from the
    /// defect's seeds)
    std::vector<std::array<double, 3>> anchors;
  };

  /**
   * All Li bodies of a damage field: damage connected to the plating
   * electrode, each connected part its own body (groundwork for one Li
   * pressure per body, issue 17).
   *
   * Body 0 is li_body_cells() of @p seeds (the initial defect). Every other
   * broken core (d >= 1/2) that touches the plating electrode (boundary id
   * li_electrode) and that body 0's walk does not reach starts a walk of
   * its own, with the rule of li_body_cells(): each walk is a body,
   * numbered in walk order. The walks start in the order of the positions
   * of the broken electrode nodes (x, then y, then z), so bodies 1, 2, ...
   * are numbered by their first broken node at the electrode in that
   * order, whatever the DoF numbering (a refinement renumbers the DoFs;
   * the bodies keep their numbers while none appears or merges before
   * them). A crack that grew into another is one body
   * with it: the first walk crosses the joined broken core and reaches
   * the other's electrode nodes. A cell in several walks (a saddle between two
   * bodies, the intact far field, where |grad d| vanishes) belongs to the first
   * of them: body 0 keeps exactly the cells of li_body_cells(). Damage that no
   * walk reaches (a crack that nucleated inside the electrolyte, uphill of the
   * saddle between it and the bodies) is in no body: -1.
   *
   * The result is independent of the partition (the walks are combined
   * over the ranks; the electrode's broken nodes are gathered in global
   * numbering). Collective.
   */
  template <int dim>
  LiBodies
  li_bodies(const dealii::DoFHandler<dim>                      &dofs,
            const dealii::PETScWrappers::MPI::Vector           &damage,
            const std::vector<dealii::types::global_dof_index> &seeds,
            double tolerance = 1e-2);
} // namespace lipen
