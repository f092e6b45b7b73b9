#pragma once

#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/base/parameter_file.h>
#include <lipen/geometry/boundary_ids.h>
#include <lipen/geometry/displacement_constraints.h>
#include <lipen/physics/li_body.h>
#include <lipen/physics/phase_field.h>
#include <lipen/solvers/affine_secant.h>
#include <lipen/solvers/elasticity_dofs.h>
#include <lipen/solvers/petsc_matrix.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/vector_tools.h>

#include <cmath>
#include <deque>
#include <limits>

namespace lipen
{
  namespace internal
  {
    /// The single-node-crest estimate of the toughness a crack on cells of
    /// size @p h dissipates, over G_c: 1 + 3h/(8l) (AT1), 1 + h/(2l) (AT2).
    inline double
    discrete_toughness_factor(const DamageModel model,
                              const double      h,
                              const double      ell)
    {
      return model == DamageModel::AT1 ? 1. + 3. * h / (8. * ell) :
                                         1. + h / (2. * ell);
    }
  } // namespace internal

  template <int dim>
  PhaseFieldFracture<dim>::PhaseFieldFracture(
    const DefectGeometry<dim>  &geometry,
    FieldSet<dim>              &fields,
    const Electrolyte          &material,
    const LoadParameters       &loads,
    const PhaseFieldParameters &parameters,
    const ElasticityParameters &solver)
    : geometry(geometry)
    , fields(fields)
    , tria(fields.triangulation())
    , material(material)
    , loads(loads)
    , prm(parameters)
    , solver_prm(solver)
    , split(parameters.split)
    , comm(tria.get_communicator())
    , lambda(material.lame_lambda())
    , mu(material.shear_modulus())
    , Gc_material(material.critical_energy_release_rate())
    , Gc(Gc_material)
    , band(parameters.initial_crack == InitialCrack::damage_band)
    , fe_u(dealii::FE_Q<dim>(1), dim)
    , fe_d(1)
    , dof_u(tria)
    , dof_d(tria)
    , amg_u(comm, dim, "lipen_phase_field_", 50)
    , scalar_d(comm, dim, "lipen_damage_")
  {
    scalar_d.set_kind(solver.preconditioner);
    ell        = prm.resolved_length_scale();
    h_pz       = prm.resolved_process_zone_h();
    h_measured = h_pz;
    if (prm.initial_damage != "0")
    {
      initial_damage = parse_function_of_space<dim>(prm.initial_damage);
      require(initial_damage != nullptr,
              "Phase field/Initial damage",
              "cannot evaluate '" + quote_for_message(prm.initial_damage) +
                "' as a function of the position");
    }
    // the mesh owner moves these fields on refinement and checkpoints
    fields.add_vectors(dof_u,
                       {&u, &u_n},
                       [this](dealii::PETScWrappers::MPI::Vector &v)
                       {
                         constraints_u.distribute(v);
                       });
    fields.add_vectors(dof_d,
                       {&d, &d_n},
                       [this](dealii::PETScWrappers::MPI::Vector &v)
                       {
                         hanging_d.distribute(v);
                       });
    fields.add_quadrature_data(history, dealii::QGauss<dim>(2));
    fields.on_mesh_change(
      [this]()
      {
        this->geometry.assign_boundary_ids(tria);
        setup_dofs();
      });
  }

  template <int dim>
  std::vector<double>
  PhaseFieldFracture<dim>::scalar_state() const
  {
    // p, p_n, E_frac(0), then the step-start pressures of bodies 1, 2, ...
    std::vector<double> state{p, p_n, initial_fracture_energy};
    state.insert(state.end(), p_more_n.begin(), p_more_n.end());
    return state;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::set_scalar_state(const std::vector<double> &state)
  {
    AssertThrow(state.size() >= 3,
                dealii::ExcDimensionMismatch(state.size(), 3));
    p                       = state[0];
    p_n                     = state[1];
    initial_fracture_energy = state[2];
    p_more_n.assign(state.begin() + 3, state.end());
    p_more = p_more_n;
    // the initial crack's cells keep their size (the crack is there), so
    // h is measured on the loaded mesh as on the initial one
    set_model_toughness();
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::forget_solver_state()
  {
    active_set.clear();
    amg_valid = false;
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::effective_toughness() const
  {
    const double h = prm.correct_toughness ? h_measured : h_pz;
    return Gc * internal::discrete_toughness_factor(prm.model, h, ell);
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::set_model_toughness()
  {
    double h = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned() &&
          graded_cell_size(cell) <= h_pz * (1. + 1e-6))
      {
        const double hc = cell_size(cell);
        if (hc <= h_pz * (1. + 1e-6))
          h = std::max(h, hc);
      }
    h          = dealii::Utilities::MPI::max(h, comm);
    h_measured = h > 0 ? h : h_pz;
    Gc         = Gc_material;
    if (prm.correct_toughness)
      Gc /= internal::discrete_toughness_factor(prm.model, h_measured, ell);
  }

  template <int dim>
  PhaseFieldFracture<dim>::CellState::CellState(
    const dealii::Mapping<dim>       &mapping,
    const dealii::FiniteElement<dim> &fe_u,
    const dealii::FiniteElement<dim> &fe_d)
    : quadrature(2)
    , u(mapping,
        fe_u,
        quadrature,
        dealii::update_values | dealii::update_gradients |
          dealii::update_JxW_values)
    , d(mapping,
        fe_d,
        quadrature,
        dealii::update_values | dealii::update_gradients)
    , eps(quadrature.size())
    , uv(quadrature.size())
    , dg(quadrature.size())
    , dv(quadrature.size())
  {
  }

  template <int dim>
  template <typename Body>
  void
  PhaseFieldFracture<dim>::for_each_owned_cell(Body &&body) const
  {
    CellState                                s(mapping, fe_u, fe_d);
    const dealii::FEValuesExtractors::Vector disp(0);
    auto                                     cell_d = dof_d.begin_active();
    for (auto cell = dof_u.begin_active(); cell != dof_u.end();
         ++cell, ++cell_d)
      if (cell->is_locally_owned())
      {
        s.u.reinit(cell);
        s.d.reinit(cell_d);
        s.u[disp].get_function_symmetric_gradients(u, s.eps);
        s.u[disp].get_function_values(u, s.uv);
        s.d.get_function_values(d, s.dv);
        s.d.get_function_gradients(d, s.dg);
        body(cell, cell_d, s);
      }
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::setup_dofs()
  {
    using namespace dealii;
    dof_u.distribute_dofs(fe_u);
    dof_d.distribute_dofs(fe_d);
    owned_u = dof_u.locally_owned_dofs();
    owned_d = dof_d.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_u, relevant_u);
    DoFTools::extract_locally_relevant_dofs(dof_d, relevant_d);

    std::map<types::boundary_id, unsigned int> extra;
    if (band)
      extra[boundary_ids::crack_face] = geometry.crack_plane_normal();
    make_displacement_constraints(mapping,
                                  dof_u,
                                  geometry,
                                  extra,
                                  relevant_u,
                                  constraints_u);

    // the band: nodes within one process-zone cell of the defect faces,
    // so that a whole layer of cells is broken (g = k) about the faces
    band_dofs.clear();
    if (band)
    {
      std::map<types::global_dof_index, Point<dim>> support;
      DoFTools::map_dofs_to_support_points(mapping, dof_d, support);
      // only nodes whose projection onto the crack plane lies on the
      // faces: the band must not lengthen the crack beyond its front
      const unsigned int normal = geometry.crack_plane_normal();
      for (const auto &[i, x] : support)
      {
        const double r = geometry.front().distance_to_faces(x);
        if (relevant_d.is_element(i) && r <= h_pz * (1. + 1e-6) &&
            r <= std::abs(x[normal]) + 1e-9 * h_pz)
          band_dofs.push_back(i);
      }
    }
    make_damage_constraints(nullptr, constraints_d);
    hanging_d.clear();
    hanging_d.reinit(relevant_d);
    DoFTools::make_hanging_node_constraints(dof_d, hanging_d);
    hanging_d.close();

    // constraints_u stay fixed from here on
    make_matrix_with_cell_pattern(matrix_u,
                                  dof_u,
                                  constraints_u,
                                  relevant_u,
                                  comm);
    {
      // the active-set constraints change, so build the pattern without
      // the Dirichlet part (hanging nodes only keep it valid)
      DynamicSparsityPattern dsp(relevant_d);
      DoFTools::make_sparsity_pattern(dof_d, dsp, hanging_d, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 owned_d,
                                                 comm,
                                                 relevant_d);
      matrix_d.reinit(owned_d, owned_d, dsp, comm);
    }
    rhs_u.reinit(owned_u, comm);
    rhs_d.reinit(owned_d, comm);
    for (auto *v : {&u, &u_n})
      v->reinit(owned_u, relevant_u, comm);
    for (auto *v : {&d, &d_n})
      v->reinit(owned_d, relevant_d, comm);

    const QGauss<dim> quadrature(2);
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        history.template initialize<HistoryPoint>(CellIt(cell),
                                                  quadrature.size());
    rigid_body_coordinates = lipen::rigid_body_coordinates(mapping, dof_u);
    active_set.clear();
    amg_valid       = false;
    has_u_reference = false;
    li_cells_stale  = true;
    li_grow_only    = false;
  }

  template <int dim>
  const std::vector<int> &
  PhaseFieldFracture<dim>::li_body() const
  {
    if (li_cells_stale)
    {
      if (tracks_li_body())
      {
        auto bodies   = li_bodies(dof_d, d, band_dofs);
        li_body_found = bodies.n_bodies;
        auto &cells   = bodies.cell_body;
        // Within a step a body only grows. A few cells on the diffuse
        // flank ahead of the tip entered and left it between staggered
        // iterations, which switched the Li pressure on them on and off,
        // and the iteration cycled for 1000 iterations (778 <-> 775 cells,
        // u residual 1e-4 <-> 1.5e-2, period 7; README, 'Only connected
        // damage is Li'). A cell stays in its body, so a body neither
        // shrinks nor merges within a step; cells that were in no body join
        // the body the walk gives them. The bodies are those of the step's
        // start: a body that appears within the step (a label beyond
        // them) joins at the next step, and bodies that met merge at the
        // next step's start (a body emptied by a merge within the step had
        // no crack volume, and the closure's compliance matrix was
        // singular; seen in a run with a pit 3 um beside the slit).
        if (li_grow_only && cells.size() == li_cells.size())
        {
          for (std::size_t i = 0; i < cells.size(); ++i)
            if (li_cells[i] >= 0 || cells[i] < 0 ||
                cells[i] >= int(li_body_count))
              cells[i] = li_cells[i];
        }
        else
        {
          li_body_count = bodies.n_bodies;
          li_anchors.assign(bodies.n_bodies, dealii::Point<dim>());
          for (unsigned int k = 0; k < bodies.n_bodies; ++k)
            for (unsigned int c = 0; c < dim; ++c)
              li_anchors[k][c] = bodies.anchors[k][c];
        }
        li_cells = std::move(cells);
      }
      else
        li_cells.assign(tria.n_active_cells(), 0);
      li_cells_stale = false;
    }
    return li_cells;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::refresh_li_bodies()
  {
    li_grow_only   = false;
    li_cells_stale = true;
    (void)li_body();
    li_grow_only = true;
  }

  template <int dim>
  int
  PhaseFieldFracture<dim>::li_body_at(const dealii::Point<dim> &x) const
  {
    const std::vector<int> &li    = li_body();
    int                     label = -1;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned() &&
          cell->bounding_box().point_inside(x, 1e-9))
        label = std::max(label, li[cell->active_cell_index()]);
    return dealii::Utilities::MPI::max(label, comm);
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::assemble_u(const bool with_matrix, const double pv)
  {
    using namespace dealii;
    if (with_matrix)
      matrix_u = 0;
    rhs_u = 0;
    PETScWrappers::MPI::Vector load(owned_u, comm);
    const QGauss<dim - 1>      face_quadrature(2);
    FEFaceValues<dim>          fv_face(mapping,
                              fe_u,
                              face_quadrature,
                              update_values | update_normal_vectors |
                                update_JxW_values);
    FEFaceValues<dim> fv_face_d(mapping, fe_d, face_quadrature, update_values);
    std::vector<double>                  d_face(face_quadrature.size(), 0.);
    const FEValuesExtractors::Vector     disp(0);
    const unsigned int                   n = fe_u.n_dofs_per_cell();
    FullMatrix<double>                   K(n, n);
    Vector<double>                       R(n), F(n);
    std::vector<types::global_dof_index> dofs(n);
    std::vector<SymmetricTensor<2, dim>> sym(n);
    const double                         k  = prm.residual_stiffness;
    const std::vector<int>              &li = li_body();

    for_each_owned_cell(
      [&](const auto &cell, const auto &cell_d, CellState &st)
      {
        // the Li pressure loads the Li body only
        const int          body    = li[cell->active_cell_index()];
        const double       pv_cell = body == 0 ? pv : pressure_of(body);
        const auto        &fv_u    = st.u;
        const auto        &eps     = st.eps;
        const auto        &dv      = st.dv;
        const auto        &dg      = st.dg;
        const unsigned int nq      = st.quadrature.size();
        K                          = 0;
        R                          = 0;
        F                          = 0;
        for (unsigned int q = 0; q < nq; ++q)
        {
          const double dc  = std::clamp(dv[q], 0., 1.);
          const double g   = (1. - dc) * (1. - dc) + k;
          const double JxW = fv_u.JxW(q);
          const auto sigma = degraded_stress<dim>(eps[q], g, lambda, mu, split);
          for (unsigned int i = 0; i < n; ++i)
          {
            sym[i] = fv_u[disp].symmetric_gradient(i, q);
            R(i) += (sigma * sym[i]) * JxW;
            F(i) -= pv_cell * (dg[q] * fv_u[disp].value(i, q)) * JxW;
          }
          if (with_matrix)
          {
            const auto C = degraded_tangent<dim>(eps[q], g, lambda, mu, split);
            for (unsigned int i = 0; i < n; ++i)
            {
              const auto Ci = sym[i] * C;
              for (unsigned int j = 0; j < n; ++j)
                K(i, j) += (Ci * sym[j]) * JxW;
            }
          }
        }
        if (cell->at_boundary())
          for (const unsigned int f : cell->face_indices())
            if (cell->face(f)->at_boundary())
            {
              const auto id    = cell->face(f)->boundary_id();
              double     t     = 0; // traction = t n
              bool       stack = false;
              boundary_traction(id, t, stack);
              if (id == boundary_ids::crack_face && !band)
                t = -pv;
              if (t == 0)
                continue;
              fv_face.reinit(cell, f);
              // the stack pressure is carried by the intact solid: on a
              // damaged face it is weighted by g(d) (the Li in the crack
              // carries its own pressure; a full traction on degraded
              // material would strain it by 1/g and damage spreads along
              // the electrode face)
              if (stack)
              {
                fv_face_d.reinit(cell_d, f);
                fv_face_d.get_function_values(d, d_face);
              }
              for (unsigned int q = 0; q < face_quadrature.size(); ++q)
              {
                const double tq = stack ? t * traction_weight(d_face[q]) : t;
                for (unsigned int i = 0; i < n; ++i)
                  F(i) +=
                    tq *
                    (fv_face.normal_vector(q) * fv_face[disp].value(i, q)) *
                    fv_face.JxW(q);
              }
            }
        cell->get_dof_indices(dofs);
        Vector<double> rhs_cell(F);
        rhs_cell -= R;
        if (with_matrix)
          distribute_cell_to_petsc(constraints_u,
                                   K,
                                   rhs_cell,
                                   dofs,
                                   matrix_u,
                                   rhs_u);
        else
          constraints_u.distribute_local_to_global(rhs_cell, dofs, rhs_u);
        constraints_u.distribute_local_to_global(F, dofs, load);
      });
    if (with_matrix)
      matrix_u.compress(VectorOperation::add);
    rhs_u.compress(VectorOperation::add);
    load.compress(VectorOperation::add);
    load_norm = load.l2_norm();
    return load_norm > 0 ? rhs_u.l2_norm() / load_norm : 0.;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_u(const double pv,
                                   StepResult  &r,
                                   Iteration   &it)
  {
    using namespace dealii;
    const ScopedWallTime clock{r.seconds_u, {}};
    // Newton on u stops at 1e-3 of the staggered residual tolerance, but
    // not below the CG tolerance (1e-8 by default, the same floor as the
    // 100x of the former 1e-10 default)
    const double tol =
      std::max(1e-3 * prm.residual_tolerance, solver_prm.tolerance);
    double res = assemble_u(true, pv);
    if (load_norm == 0)
    {
      u = 0;
      return true;
    }
    bool have_matrix = true;
    for (unsigned int k = 0; res > tol; ++k)
    {
      if (k == 50)
        return false;
      if (!have_matrix)
        assemble_u(true, pv);
      PETScWrappers::MPI::Vector delta(owned_u, comm), u0(owned_u, comm),
        trial(owned_u, comm);
      // the AMG hierarchy is rebuilt only when CG needs clearly more
      // iterations than right after the last rebuild (or fails)
      LinearSolveStatistics s;
      for (unsigned int attempt = 0;; ++attempt)
      {
        if (!amg_valid)
        {
          amg_u.set_direct(
            solver_prm.preconditioner == PreconditionerKind::direct ||
            (solver_prm.preconditioner == PreconditionerKind::automatic &&
             dim == 2 && dof_u.n_dofs() <= ScalarSolver::direct_limit()));
          amg_u.set_matrix(matrix_u, rigid_body_coordinates);
          amg_valid      = true;
          amg_iterations = 0;
        }
        // Under a stack pressure a stale LU is refactorised as soon as CG
        // needs more than the rebuild threshold: the stack-only and the
        // pressurised solves alternate, and CG preconditioned by the other
        // state's LU took hundreds of iterations, while refactorising a 2D
        // system costs a few. Without a stack the solves do not alternate,
        // and refactorising at the next solve (a newer matrix) is cheaper:
        // capping there cost 15 % more CG iterations in the headline run.
        // A stale AMG hierarchy is kept to the end of the solve (its
        // rebuild is dear).
        const unsigned int cap =
          (amg_u.is_direct() && amg_iterations > 0 &&
           loads.stack_pressure != 0) ?
            std::min(solver_prm.max_iterations, 2 * amg_iterations + 10) :
            solver_prm.max_iterations;
        try
        {
          delta = 0;
          s     = amg_u.solve(delta, rhs_u, solver_prm.tolerance, cap);
        }
        catch (const NumericalFailure &)
        {
          if (attempt > 0 || amg_iterations == 0)
            throw;
          // the iterations spent on the stale preconditioner count too
          it.krylov_u += cap;
          r.krylov_u += cap;
          amg_valid = false;
          continue;
        }
        break;
      }
      if (amg_iterations == 0)
        amg_iterations = s.iterations;
      else if (s.iterations > 2 * amg_iterations + 10)
        amg_valid = false;
      constraints_u.distribute(delta);
      it.krylov_u += s.iterations;
      r.krylov_u += s.iterations;
      ++it.newton;
      ++r.newton;
      u0           = u;
      double alpha = 1, res_new = 0;
      for (unsigned int ls = 0; ls < 8; ++ls, alpha *= 0.5)
      {
        trial = u0;
        trial.add(alpha, delta);
        u       = trial;
        res_new = assemble_u(false, pv);
        if (res_new < res || stress_linear_in_strain(split))
          break;
      }
      res         = res_new;
      have_matrix = false;
    }
    return true;
  }

  template <int dim>
  std::vector<double>
  PhaseFieldFracture<dim>::crack_volumes() const
  {
    using namespace dealii;
    const QGauss<dim - 1>            face_quadrature(2);
    FEFaceValues<dim>                fv_face(mapping,
                              fe_u,
                              face_quadrature,
                              update_values | update_normal_vectors |
                                update_JxW_values);
    const FEValuesExtractors::Vector disp(0);
    std::vector<Tensor<1, dim>>      uf(face_quadrature.size());
    const std::vector<int>          &li = li_body();
    std::vector<double>              V(li_body_count, 0.);
    for_each_owned_cell(
      [&](const auto &cell, const auto &, CellState &s)
      {
        const int k = li[cell->active_cell_index()];
        if (k < 0 || k >= int(V.size()))
          return;
        for (unsigned int q = 0; q < s.quadrature.size(); ++q)
          V[k] -= (s.uv[q] * s.dg[q]) * s.u.JxW(q);
        if (!band && cell->at_boundary())
          for (const unsigned int f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                cell->face(f)->boundary_id() == boundary_ids::crack_face)
            {
              fv_face.reinit(cell, f);
              fv_face[disp].get_function_values(u, uf);
              for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                V[k] -= (uf[q] * fv_face.normal_vector(q)) * fv_face.JxW(q);
            }
      });
    Utilities::MPI::sum(V, comm, V);
    for (unsigned int k = 0; k < V.size(); ++k)
      V[k] = geometry.model_copies() * V[k] -
             (k == 0                           ? volume_reference :
              k - 1 < volume_references.size() ? volume_references[k - 1] :
                                                 0.);
    return V;
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::crack_volume() const
  {
    return crack_volumes()[0];
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::boundary_traction(
    const dealii::types::boundary_id id,
    double                          &t,
    bool                            &by_damage) const
  {
    by_damage =
      id == boundary_ids::li_electrode || id == boundary_ids::counter_electrode;
    t = by_damage                     ? -loads.stack_pressure :
        id == boundary_ids::far_field ? loads.far_field_stress :
                                        0.;
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::boundary_work() const
  {
    using namespace dealii;
    if (loads.stack_pressure == 0 && loads.far_field_stress == 0)
      return 0;
    // the step's start carries the loads unless it is the unloaded
    // initial state (u_n = 0)
    const double          start = u_n.linfty_norm() == 0 ? 0. : 1.;
    const QGauss<dim - 1> face_quadrature(2);
    FEFaceValues<dim>     fv_u(mapping,
                           fe_u,
                           face_quadrature,
                           update_values | update_normal_vectors |
                             update_JxW_values);
    FEFaceValues<dim>     fv_d(mapping, fe_d, face_quadrature, update_values);
    const unsigned int    nq = face_quadrature.size();
    std::vector<Tensor<1, dim>>      uq(nq), unq(nq);
    std::vector<double>              dq(nq), dnq(nq);
    const FEValuesExtractors::Vector disp(0);
    double                           W      = 0;
    auto                             cell_d = dof_d.begin_active();
    for (auto cell = dof_u.begin_active(); cell != dof_u.end();
         ++cell, ++cell_d)
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
        {
          if (!cell->face(f)->at_boundary())
            continue;
          double t     = 0;
          bool   stack = false;
          boundary_traction(cell->face(f)->boundary_id(), t, stack);
          if (t == 0)
            continue;
          fv_u.reinit(cell, f);
          fv_u[disp].get_function_values(u, uq);
          fv_u[disp].get_function_values(u_n, unq);
          if (stack)
          {
            fv_d.reinit(cell_d, f);
            fv_d.get_function_values(d, dq);
            fv_d.get_function_values(d_n, dnq);
          }
          const auto g = [&](const double x)
          {
            return stack ? traction_weight(x) : 1.;
          };
          for (unsigned int q = 0; q < nq; ++q)
          {
            W += 0.5 * t * (start * g(dnq[q]) + g(dq[q])) *
                 ((uq[q] - unq[q]) * fv_u.normal_vector(q)) * fv_u.JxW(q);
          }
        }
    return geometry.model_copies() * Utilities::MPI::sum(W, comm);
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::make_damage_constraints(
    const dealii::PETScWrappers::MPI::Vector *active,
    dealii::AffineConstraints<double>        &c) const
  {
    using namespace dealii;
    c.clear();
    c.reinit(relevant_d);
    DoFTools::make_hanging_node_constraints(dof_d, c);
    for (const auto i : band_dofs)
      if (!c.is_constrained(i))
      {
        c.add_line(i);
        c.set_inhomogeneity(i, 1.);
      }
    if (active)
      for (const auto i : relevant_d)
      {
        const double a = (*active)[i];
        if (a != 0 && !c.is_constrained(i))
        {
          c.add_line(i);
          c.set_inhomogeneity(i, a > 0 ? 1. : std::max(0., double(d_n[i])));
        }
      }
    c.close();
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::assemble_d(
    const dealii::AffineConstraints<double> &c,
    const bool                               system,
    dealii::PETScWrappers::MPI::Vector      &residual,
    dealii::PETScWrappers::MPI::Vector      &diagonal)
  {
    using namespace dealii;
    if (system)
    {
      matrix_d = 0;
      rhs_d    = 0;
    }
    else
    {
      residual = 0;
      diagonal = 0;
    }
    const unsigned int                   n = fe_d.n_dofs_per_cell();
    FullMatrix<double>                   A(n, n);
    Vector<double>                       b(n), rc(n), dg_cell(n), dcell(n);
    std::vector<types::global_dof_index> dofs(n);
    const bool                           at1 = prm.model == DamageModel::AT1;
    const double                         a_w = at1 ? 0. : Gc / ell;
    const double                         a_g = at1 ? 0.75 * Gc * ell : Gc * ell;
    const double                         b_w = at1 ? 3. * Gc / (8. * ell) : 0.;
    const FEValuesExtractors::Vector     disp(0);
    std::vector<Tensor<1, dim>>          uv_li;
    const std::vector<int>              &li = li_body();

    for_each_owned_cell(
      [&](const auto &cell_u, const auto &cell, CellState &st)
      {
        // the Li pressure drives the Li body only
        const double       p_cell = pressure_of(li[cell->active_cell_index()]);
        const auto        &fv_d   = st.d;
        const auto        &eps    = st.eps;
        const unsigned int nq     = st.quadrature.size();
        const auto         H_n    = history.get_data(CellIt(cell_u));
        // u - u_reference under a stack pressure (the Li volume's u);
        // u itself otherwise
        if (has_u_reference)
        {
          uv_li.resize(nq);
          st.u[disp].get_function_values(u_reference, uv_li);
          for (unsigned int q = 0; q < nq; ++q)
            uv_li[q] = st.uv[q] - uv_li[q];
        }
        const auto &uv = has_u_reference ? uv_li : st.uv;
        A              = 0;
        b              = 0;
        for (unsigned int q = 0; q < nq; ++q)
        {
          const double H =
            std::max(H_n[q]->H,
                     split_energy<dim>(eps[q], lambda, mu, split).psi_plus);
          const double JxW = st.u.JxW(q); // same cell and quadrature
          for (unsigned int i = 0; i < n; ++i)
          {
            const double         phi_i  = fv_d.shape_value(i, q);
            const Tensor<1, dim> grad_i = fv_d.shape_grad(i, q);
            // lumped reaction term: with it the matrix is an M-matrix
            // on these meshes, so the discrete d stays in [0, 1] and the
            // active-set iteration cannot cycle
            A(i, i) += (2. * H + a_w) * phi_i * JxW;
            for (unsigned int j = 0; j < n; ++j)
              A(i, j) += a_g * (grad_i * fv_d.shape_grad(j, q)) * JxW;
            b(i) += ((2. * H - b_w) * phi_i - p_cell * (uv[q] * grad_i)) * JxW;
          }
        }
        cell->get_dof_indices(dofs);
        if (system)
          c.distribute_local_to_global(A, b, dofs, matrix_d, rhs_d);
        else
        {
          // gradient of the energy A d - b at the current d, and diag(A)
          for (unsigned int i = 0; i < n; ++i)
            dcell(i) = d[dofs[i]];
          A.vmult(rc, dcell);
          rc -= b;
          for (unsigned int i = 0; i < n; ++i)
            dg_cell(i) = A(i, i);
          c.distribute_local_to_global(rc, dofs, residual);
          c.distribute_local_to_global(dg_cell, dofs, diagonal);
        }
      });
    if (system)
    {
      matrix_d.compress(VectorOperation::add);
      rhs_d.compress(VectorOperation::add);
    }
    else
    {
      residual.compress(VectorOperation::add);
      diagonal.compress(VectorOperation::add);
    }
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::solve_d(StepResult &r, Iteration &it)
  {
    using namespace dealii;
    const ScopedWallTime       clock{r.seconds_d, {}};
    PETScWrappers::MPI::Vector active_owned(owned_d, comm),
      active(owned_d, relevant_d, comm), residual(owned_d, comm),
      diagonal(owned_d, comm), x(owned_d, comm);
    // start from the last active set (same mesh), else fully broken nodes
    // stay at the upper bound
    std::vector<double> &flags = active_set;
    if (flags.size() != owned_d.n_elements())
    {
      flags.clear();
      for (const auto i : owned_d)
        flags.push_back(d_n[i] >= 1. - 1e-12 ? 1. : 0.);
    }
    const auto publish = [&]()
    {
      unsigned int k = 0;
      for (const auto i : owned_d)
        active_owned[i] = flags[k++];
      active_owned.compress(VectorOperation::insert);
      active = active_owned;
    };
    publish();

    AffineConstraints<double> hanging(relevant_d), c;
    DoFTools::make_hanging_node_constraints(dof_d, hanging);
    hanging.close();
    const AffineConstraints<double> &base = constraints_d;

    for (unsigned int k_pdas = 0; k_pdas < 100; ++k_pdas)
    {
      make_damage_constraints(&active, c);
      assemble_d(c, true, residual, diagonal);
      x = d;
      LinearSolveStatistics s;
      try
      {
        scalar_d.set_matrix(matrix_d);
        s = scalar_d.solve(x,
                           rhs_d,
                           1e-12 * rhs_d.l2_norm(),
                           2000,
                           "check Phase field/Residual stiffness and "
                           "Length scale");
      }
      catch (const NumericalFailure &e)
      {
        li_cells_stale = true;
        throw NumericalFailure("the damage solve: " + std::string(e.what()));
      }
      c.distribute(x);
      // the Li body stays that of the d at the start of this solve until
      // the active set has settled (li_cells_stale is set on leaving)
      d = x;
      it.krylov_d += s.iterations;
      r.krylov_d += s.iterations;
      ++it.active_set;
      ++r.active_set;

      // primal-dual active-set update with the unconstrained gradient
      assemble_d(hanging, false, residual, diagonal);
      double       changes = 0;
      unsigned int n       = 0;
      for (const auto i : owned_d)
      {
        const unsigned int k = n++;
        if (base.is_constrained(i))
          continue;
        const double lo  = std::max(0., double(d_n[i]));
        const double di  = x[i];
        const double ri  = residual[i];
        const double ci  = std::max(double(diagonal[i]), 1e-300);
        const double tol = 1e-8 * ci; // hysteresis against cycling at round-off
        double       a   = 0;
        if (ri + ci * (lo - di) > tol)
          a = -1;
        else if (-ri + ci * (di - 1.) > tol)
          a = 1;
        // after 10 iterations nodes may only enter the active set: this
        // ends the rare cycles of a few nodes (the next staggered
        // iteration starts from this set and may release them again)
        if (k_pdas >= 10 && a == 0 && flags[k] != 0)
          a = flags[k];
        if (a != flags[k])
          changes += 1;
        flags[k] = a;
      }
      publish();
      if (Utilities::MPI::sum(changes, comm) == 0)
      {
        li_cells_stale = true;
        return;
      }
    }
    li_cells_stale = true;
    throw NumericalFailure(
      "the damage active-set iteration did not settle in 100 "
      "iterations; reduce the load step (Phase field/Time "
      "steps)");
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::set_projected_damage(
    const dealii::PETScWrappers::MPI::Vector &x)
  {
    using namespace dealii;
    PETScWrappers::MPI::Vector y(owned_d, comm);
    for (const auto i : owned_d)
      y[i] = std::clamp(double(x[i]), std::max(0., double(d_n[i])), 1.);
    y.compress(VectorOperation::insert);
    constraints_d.distribute(y);
    d              = y;
    li_cells_stale = true;
  }

  template <int dim>
  typename PhaseFieldFracture<dim>::StepResult
  PhaseFieldFracture<dim>::solve_step(const double         load,
                                      const VolumeClosure &closure,
                                      const BodiesClosure &bodies)
  {
    using namespace dealii;
    StepResult r;
    // the body of the step's start, then only growing (li_body())
    refresh_li_bodies();
    try
    {
      PETScWrappers::MPI::Vector previous(owned_d, comm), diff(owned_d, comm);
      // Anderson acceleration: residuals f_j = d_hat_j - d_j and images
      // d_hat_j of the last m + 1 iterations
      std::deque<PETScWrappers::MPI::Vector> F, G;
      double                                 last_residual = 1e300;
      for (unsigned int k = 1; k <= prm.max_staggered; ++k)
      {
        Iteration it;
        it.index = k;
        if (closure && bodies && li_body_count > 1)
        {
          if (!solve_for_bodies(bodies, r, it))
            return r;
        }
        else if (closure)
        {
          if (!solve_for_closure(closure, r, it))
            return r;
        }
        else if (prm.loading != Loading::pressure)
        {
          if (!solve_for_volume(load, r, it))
            return r;
        }
        else
        {
          p = load;
          if (!solve_u(p, r, it))
            return r;
        }
        previous = d;
        solve_d(r, it);
        diff = d;
        diff -= previous;
        // the fixed-point residual d_hat - d_(k-1) decides convergence
        it.change_d = diff.linfty_norm();
        if (prm.anderson_depth > 0 && it.change_d >= prm.staggered_tolerance)
        {
          // Anderson (type II): d = d_hat - sum_j gamma_j (G_(j+1) - G_j)
          // with gamma minimising |f - sum_j gamma_j (F_(j+1) - F_j)|_2,
          // restarted when the residual grows
          const double residual = diff.l2_norm();
          if (residual > last_residual)
          {
            F.clear();
            G.clear();
          }
          last_residual = residual;
          F.emplace_back(diff);
          G.emplace_back(owned_d, comm);
          G.back() = d;
          if (F.size() > prm.anderson_depth + 1)
          {
            F.pop_front();
            G.pop_front();
          }
          const unsigned int m = F.size() - 1;
          if (m > 0)
          {
            std::vector<PETScWrappers::MPI::Vector> dF(m), dG(m);
            for (unsigned int j = 0; j < m; ++j)
            {
              dF[j] = F[j + 1];
              dF[j] -= F[j];
              dG[j] = G[j + 1];
              dG[j] -= G[j];
            }
            FullMatrix<double> A(m, m);
            Vector<double>     b(m), gamma(m);
            double             trace = 0;
            for (unsigned int i = 0; i < m; ++i)
            {
              b[i] = dF[i] * diff;
              for (unsigned int j = 0; j <= i; ++j)
                A(i, j) = A(j, i) = dF[i] * dF[j];
              trace += A(i, i);
            }
            for (unsigned int i = 0; i < m; ++i)
              A(i, i) += 1e-10 * trace / m + 1e-300;
            A.gauss_jordan();
            A.vmult(gamma, b);
            PETScWrappers::MPI::Vector x(owned_d, comm);
            x = d;
            for (unsigned int j = 0; j < m; ++j)
              x.add(-gamma[j], dG[j]);
            set_projected_damage(x);
          }
        }
        else if (prm.anderson_depth == 0 && prm.over_relaxation != 1.)
        {
          // over-relaxed alternate minimisation (Farrell and Maurini 2017):
          // d = P(d_(k-1) + omega (d_hat - d_(k-1)))
          PETScWrappers::MPI::Vector x(owned_d, comm);
          x = previous;
          x.add(prm.over_relaxation, diff);
          set_projected_damage(x);
          diff = d;
          diff -= previous;
          it.change_d = diff.linfty_norm();
        }

        it.residual_u = assemble_u(false, p);
        it.pressure   = p;
        if (tracks_li_body())
        {
          const std::vector<int> &li = li_body();
          unsigned long           n  = 0;
          for (const auto &cell : tria.active_cell_iterators())
            if (cell->is_locally_owned() && li[cell->active_cell_index()] == 0)
              ++n;
          it.li_cells = dealii::Utilities::MPI::sum(n, comm);
        }
        r.history.push_back(it);
        if (it.change_d < prm.staggered_tolerance &&
            it.residual_u < prm.residual_tolerance)
        {
          r.converged = true;
          break;
        }
      }
    }
    catch (const NumericalFailure &e)
    {
      r.converged = false;
      r.message   = e.what();
    }
    return r;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_for_volume(const double target,
                                            StepResult  &r,
                                            Iteration   &it)
  {
    if (target <= 0)
    {
      p = 0;
      return solve_u(0., r, it);
    }
    // Without other loads u(p) = p u(1) exactly (each split is positively
    // homogeneous): one solve and a scaling. Otherwise V(p) is solved by
    // secant iterations.
    double pa = 0, Va = 0;
    if (!solve_trial_pressure("volume", pa, Va, r, it))
      return false;
    if (loads.stack_pressure == 0 && loads.far_field_stress == 0)
    {
      const double                       scale = target / Va;
      dealii::PETScWrappers::MPI::Vector x(owned_u, comm);
      x = u;
      x *= scale;
      u = x;
      p = pa * scale;
      return true;
    }
    double pb = pa * target / Va;
    for (unsigned int k = 0; k < 30; ++k)
    {
      if (!solve_u(pb, r, it))
        return false;
      const double Vb = crack_volume();
      ++r.volume_iterations;
      p = pb;
      if (std::abs(Vb - target) <= 1e-9 * target)
        return true;
      const double slope = (Vb - Va) / (pb - pa);
      pa                 = pb;
      Va                 = Vb;
      pb                 = pb + (target - Vb) / slope;
    }
    throw NumericalFailure(
      "volume control: no pressure found that gives the Li "
      "volume " +
      std::to_string(target) +
      " in 30 secant iterations (parameter 'Phase field/Li "
      "volume')");
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_trial_pressure(const std::string &loading,
                                                double            &pa,
                                                double            &Va,
                                                StepResult        &r,
                                                Iteration         &it)
  {
    pa = p > 0 ? p : 1e-6 * material.youngs_modulus;
    if (!solve_u(pa, r, it))
      return false;
    Va = crack_volume();
    ++r.volume_iterations;
    require(Va > 0,
            "Phase field/Loading",
            loading +
              " loading needs a crack that opens under pressure (the "
              "crack volume at a trial pressure is " +
              std::to_string(Va) + "); check Geometry and Initial crack");
    return true;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_for_closure(const VolumeClosure &closure,
                                             StepResult          &r,
                                             Iteration           &it)
  {
    if (loads.stack_pressure != 0 && !solve_stack_reference(r, it))
      return false;
    double pa = 0, Va = 0;
    if (!solve_trial_pressure("plating", pa, Va, r, it))
      return false;
    if (loads.stack_pressure == 0 && loads.far_field_stress == 0)
    {
      // u(p) = p u(1) (each split is positively homogeneous)
      const double pc = closure(0., Va / pa);
      if (!(std::isfinite(pc) && pc >= 0))
        throw NumericalFailure("plating: the Li pressure of the ionic "
                               "potential is " +
                               std::to_string(pc));
      dealii::PETScWrappers::MPI::Vector x(owned_u, comm);
      x = u;
      x *= pc / pa;
      u = x;
      p = pc;
      return true;
    }
    // other loads: the secant of V(p) through the last two solves
    double pb = 1.1 * pa;
    if (!solve_u(pb, r, it))
      return false;
    double Vb = crack_volume();
    ++r.volume_iterations;
    for (unsigned int k = 0; k < 30; ++k)
    {
      const double C = (Vb - Va) / (pb - pa);
      // converged to round-off: the last two pressures agree, or they are
      // so close that u did not change (Newton's residual already below
      // its tolerance: under a stack pressure the crack load is a small
      // part of the load the tolerance is relative to)
      if (k > 0 && (std::abs(pb - pa) <= 1e-12 * std::abs(pb) || Vb == Va))
        return true;
      if (!(C > 0))
        throw NumericalFailure("plating: the crack does not open further "
                               "under a higher Li pressure");
      const double V0 = Vb - C * pb;
      const double pc = closure(V0, C);
      if (!std::isfinite(pc))
        throw NumericalFailure("plating: the Li pressure of the ionic "
                               "potential is not finite");
      if (!solve_u(pc, r, it))
        return false;
      const double Vc = crack_volume();
      ++r.volume_iterations;
      p = pc;
      if (std::abs(Vc - (V0 + C * pc)) <=
            1e-9 * (std::abs(Vc) + std::abs(volume_reference)) ||
          pc == pb)
        return true;
      pa = pb;
      Va = Vb;
      pb = pc;
      Vb = Vc;
    }
    throw NumericalFailure("plating: the crack volume and the plated Li "
                           "volume did not agree in 30 secant iterations");
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_stack_reference(StepResult &r, Iteration &it)
  {
    // the Li fills what its pressure opens beyond the stack-loaded state
    // of the same damage (README, Li penetration: stack pressure)
    // Each solve starts from its own last solution: the stack-only one
    // from the last stack-only state, the pressurised ones from the
    // current iterate. Starting the stack-only solve from the
    // pressurised crack (and back) took 3-5 Newton iterations each, as
    // the broken band crosses the kink of the split (13-16 Newton
    // iterations per staggered iteration under 5 MPa, 1 without).
    dealii::PETScWrappers::MPI::Vector loaded(owned_u, comm);
    loaded           = u;
    volume_reference = 0;
    volume_references.clear();
    const std::vector<double> p_kept = p_more;
    std::fill(p_more.begin(), p_more.end(), 0.);
    if (has_u_reference)
      u = u_reference;
    const bool ok = solve_u(0., r, it);
    p_more        = p_kept;
    if (!ok)
      return false;
    const std::vector<double> V = crack_volumes();
    volume_reference            = V[0];
    volume_references.assign(V.begin() + 1, V.end());
    if (!has_u_reference)
      u_reference.reinit(owned_u, relevant_u, comm);
    u_reference     = u;
    has_u_reference = true;
    u               = loaded;
    ++r.volume_iterations;
    return true;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::solve_for_bodies(const BodiesClosure &bodies,
                                            StepResult          &r,
                                            Iteration           &it)
  {
    if (loads.stack_pressure != 0 && !solve_stack_reference(r, it))
      return false;
    const unsigned int n = li_body_count;
    p_more.resize(n - 1, 0.);
    // a start away from 0 (the differences of a closed crack say nothing)
    // and steps of a tenth of it
    const double        p_min = 1e-6 * material.youngs_modulus;
    std::vector<double> p0(n), h(n);
    for (unsigned int k = 0; k < n; ++k)
    {
      p0[k] = std::max(pressure_of(k), p_min);
      h[k]  = 0.1 * p0[k];
    }
    const auto volumes = [&](const std::vector<double> &q)
    {
      std::copy(q.begin() + 1, q.end(), p_more.begin());
      if (!solve_u(q[0], r, it))
        throw NumericalFailure("the displacement Newton iteration did not "
                               "converge in 50 iterations (Li bodies at "
                               "their own pressures)");
      ++r.volume_iterations;
      return crack_volumes();
    };
    const auto closure =
      [&](const std::vector<double> &V0, const dealii::FullMatrix<double> &C)
    {
      const std::vector<double> q = bodies(V0, C);
      for (const double v : q)
        if (!std::isfinite(v))
          throw NumericalFailure("plating: a Li pressure of the ionic "
                                 "potential is not finite");
      return q;
    };
    // the last evaluation is at the converged pressures: u is theirs
    const auto result =
      AffineSecant(1e-6, 30).solve(volumes, closure, p0, h, 0.);
    p = result.p[0];
    std::copy(result.p.begin() + 1, result.p.end(), p_more.begin());
    return true;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::accept_step()
  {
    for_each_owned_cell(
      [&](const auto &cell, const auto &, CellState &s)
      {
        const auto H = history.get_data(CellIt(cell));
        for (unsigned int q = 0; q < s.quadrature.size(); ++q)
          H[q]->H =
            std::max(H[q]->H,
                     split_energy<dim>(s.eps[q], lambda, mu, split).psi_plus);
      });
    u_n      = u;
    d_n      = d;
    p_n      = p;
    p_more_n = p_more;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::restore_step(const bool keep_iterate)
  {
    li_cells_stale = true;
    li_grow_only   = false;
    // a warm redo on the refined mesh starts from the attempt's u, d and p
    // (interpolated; d >= d_n holds at the new nodes); the step's start
    // (d_n, history, Li volume) is unchanged (README, 'Solvers')
    if (keep_iterate)
      return;
    u              = u_n;
    d              = d_n;
    p              = p_n;
    p_more         = p_more_n;
    li_cells_stale = true;
  }

  template <int dim>
  std::vector<bool>
  PhaseFieldFracture<dim>::process_zone_cells(
    const double driving_fraction) const
  {
    using namespace dealii;
    std::vector<bool> flag(tria.n_active_cells(), false);
    const QGauss<dim> quadrature(2);
    FEValues<dim>     fv_u(mapping, fe_u, quadrature, update_gradients);
    const FEValuesExtractors::Vector     disp(0);
    std::vector<SymmetricTensor<2, dim>> eps(quadrature.size());
    std::vector<types::global_dof_index> dofs(fe_d.n_dofs_per_cell());
    const double H_ref  = driving_fraction * history_threshold();
    auto         cell_d = dof_d.begin_active();
    for (auto cell = dof_u.begin_active(); cell != dof_u.end();
         ++cell, ++cell_d)
      if (cell->is_locally_owned())
      {
        cell_d->get_dof_indices(dofs);
        double dmax = 0;
        for (const auto i : dofs)
          dmax = std::max(dmax, double(d[i]));
        bool f = dmax >= prm.refine_damage_threshold;
        if (!f)
        {
          fv_u.reinit(cell);
          fv_u[disp].get_function_symmetric_gradients(u, eps);
          const auto H = history.get_data(CellIt(cell));
          for (unsigned int q = 0; q < quadrature.size() && !f; ++q)
            f =
              std::max(H[q]->H,
                       split_energy<dim>(eps[q], lambda, mu, split).psi_plus) >=
              H_ref;
        }
        flag[cell->active_cell_index()] = f;
      }
    return flag;
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::cell_size(const CellIt &cell) const
  {
    // the longest side: the geometry's mesh about a slit has cells
    // stretched along it (aspect ~2), whose diameter / sqrt(dim) lies below
    // the side normal to the crack; h <= h_pz must hold in every direction
    // (the band's broken layer is one such side wide)
    double h = 0;
    for (unsigned int i = 0; i < dim; ++i)
      h = std::max(h, cell->extent_in_direction(i));
    return h;
  }

  template <int dim>
  double
  PhaseFieldFracture<dim>::graded_cell_size(const CellIt &cell) const
  {
    // h_pz within 5 l of the initial crack (band: its faces; notch: its
    // front), growing with the grading g beyond: the elastic field about
    // the crack is resolved in proportion to l, not by the geometry's mesh
    const double r = band ? geometry.front().distance_to_faces(cell->center()) :
                            geometry.front().distance(cell->center());
    const double beyond = r - 0.5 * cell->diameter() - 5. * ell;
    if (beyond <= 0 || has_initial_damage(cell))
      return h_pz;
    if (prm.crack_grading <= 0)
      return std::numeric_limits<double>::infinity();
    // g ~ sqrt(l/c): the relative discretisation error of the graded far
    // field (~ g^2) then falls with l like the diffuse crack's own error
    const auto  &gp = geometry.parameters();
    const double g =
      std::min(gp.grading, prm.crack_grading * std::sqrt(ell / gp.defect_size));
    return h_pz + g * beyond;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::has_initial_damage(const CellIt &cell) const
  {
    using namespace dealii;
    if (!initial_damage)
      return false;
    for (unsigned int k = 0; k < Utilities::fixed_power<dim>(3u); ++k)
    {
      Point<dim>   xi;
      unsigned int m = k;
      for (unsigned int c = 0; c < dim; ++c, m /= 3)
        xi[c] = 0.5 * (m % 3);
      Point<dim> x;
      for (const unsigned int v : cell->vertex_indices())
        x +=
          GeometryInfo<dim>::d_linear_shape_function(xi, v) * cell->vertex(v);
      if (initial_damage->value(x) > 0)
        return true;
    }
    return false;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::apply_initial_damage()
  {
    using namespace dealii;
    if (!initial_damage)
      return;
    PETScWrappers::MPI::Vector y(owned_d, comm);
    y                = d_n;
    unsigned int bad = 0;
    for (const auto &cell : dof_d.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const unsigned int v : cell->vertex_indices())
        {
          const auto i = cell->vertex_dof_index(v, 0);
          if (!owned_d.is_element(i))
            continue;
          const double f = initial_damage->value(cell->vertex(v));
          if (!std::isfinite(f))
            ++bad;
          else
            y[i] = std::max(double(d_n[i]), std::clamp(f, 0., 1.));
        }
    require(Utilities::MPI::sum(bad, comm) == 0,
            "Phase field/Initial damage",
            "'" + quote_for_message(prm.initial_damage) +
              "' is not finite at a node of the mesh; give a function that "
              "is finite everywhere in the body");
    y.compress(VectorOperation::insert);
    constraints_d.distribute(y);
    d_n            = y;
    d              = y;
    li_cells_stale = true;
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::process_zone_resolved() const
  {
    // redo only when the crack or its driving force near the threshold
    // left the fine mesh; refinement (below) reaches further ahead when
    // the driving-force fraction is below 1/2
    const auto flag =
      process_zone_cells(std::max(prm.refine_driving_fraction, 0.5));
    bool ok = true;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned() && flag[cell->active_cell_index()] &&
          cell_size(cell) > h_pz * (1. + 1e-6))
        ok = false;
    return !dealii::Utilities::MPI::logical_or(!ok, comm);
  }

  template <int dim>
  bool
  PhaseFieldFracture<dim>::adapt_mesh()
  {
    using namespace dealii;
    const auto   flag   = process_zone_cells(prm.refine_driving_fraction);
    const auto  &gp     = geometry.parameters();
    unsigned int marked = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        const double h = cell_size(cell);
        if (flag[cell->active_cell_index()])
        {
          if (h > h_pz * (1. + 1e-6))
          {
            cell->set_refine_flag();
            ++marked;
          }
        }
        else if (prm.coarsen && cell->level() > 0)
        {
          // never coarser than the geometry's grading about the front
          const double h_geo =
            std::max(geometry.tip_cell_size(),
                     gp.grading * geometry.front().distance(cell->center()));
          bool on_faces = false;
          for (const unsigned int f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                cell->face(f)->boundary_id() == boundary_ids::crack_face)
              on_faces = true;
          if (!on_faces && 2. * h <= h_geo &&
              2. * h <= graded_cell_size(cell) * (1. + 1e-6) &&
              geometry.front().distance_to_faces(cell->center()) > 8. * ell)
          {
            cell->set_coarsen_flag();
            ++marked;
          }
        }
      }
    if (Utilities::MPI::sum(marked, comm) == 0)
      return false;
    fields.execute_refinement();
    return true;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::initialise()
  {
    using namespace dealii;
    // refine about the initial crack (band) or its front (notch)
    for (unsigned int cycle = 0; cycle < 40; ++cycle)
    {
      unsigned int marked = 0;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          if (cell_size(cell) > graded_cell_size(cell) * (1. + 1e-6))
          {
            cell->set_refine_flag();
            ++marked;
          }
        }
      if (Utilities::MPI::sum(marked, comm) == 0)
        break;
      tria.execute_coarsening_and_refinement();
      geometry.assign_boundary_ids(tria);
    }
    set_model_toughness();
    setup_dofs();
    u              = 0;
    u_n            = 0;
    d              = 0;
    d_n            = 0;
    li_cells_stale = true;
    p = p_n = 0;
    p_more.clear();
    p_more_n.clear();
    apply_initial_damage();
    if (band)
    {
      // optimal profile about the band: the damage problem with H = 0
      StepResult r;
      Iteration  it;
      for (unsigned int k = 0; k < prm.max_refinement_redos + 1; ++k)
      {
        solve_d(r, it);
        if (!prm.adaptive || process_zone_resolved())
          break;
        adapt_mesh();
        apply_initial_damage();
      }
    }
    accept_step();
    initial_fracture_energy = 0;
    initial_fracture_energy = metrics().fracture_energy;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::set_crack_size(Metrics &m) const
  {
    // crack measure: length (2D) or area (3D) of the whole crack
    const auto  &gp            = geometry.parameters();
    const double c0            = gp.defect_size;
    const double lam           = gp.aspect_ratio;
    const bool   centre        = gp.defect == DefectType::centre_slit;
    const bool   penny         = gp.defect == DefectType::penny;
    double       notch_measure = 0;
    if (dim == 2)
      notch_measure = centre ? 2. * c0 : c0;
    else
      notch_measure = (penny ? 1. : 0.5) * M_PI * lam * c0 * c0;
    m.crack_measure =
      notch_measure +
      (m.fracture_energy - initial_fracture_energy) / effective_toughness();
    if (dim == 2)
      m.crack_size = centre ? 0.5 * m.crack_measure : m.crack_measure;
    else
      m.crack_size =
        std::sqrt(m.crack_measure / ((penny ? 1. : 0.5) * M_PI * lam));
  }

  template <int dim>
  typename PhaseFieldFracture<dim>::Metrics
  PhaseFieldFracture<dim>::metrics() const
  {
    using namespace dealii;
    Metrics m;
    m.pressure      = p;
    m.crack_volume  = crack_volume();
    m.boundary_work = boundary_work();
    if (has_u_reference)
    {
      m.volume_offsets = {volume_reference};
      m.volume_offsets.insert(m.volume_offsets.end(),
                              volume_references.begin(),
                              volume_references.end());
    }
    const bool              at1 = prm.model == DamageModel::AT1;
    double                  Eel = 0, Efr = 0, detached = 0, at_electrode = 0;
    const std::vector<int> &li = li_body();
    for_each_owned_cell(
      [&](const auto &cell, const auto &, CellState &c)
      {
        const bool in_li        = li[cell->active_cell_index()] >= 0;
        bool       on_electrode = false;
        if (!in_li && cell->at_boundary())
          for (const unsigned int f : cell->face_indices())
            on_electrode = on_electrode || (cell->face(f)->at_boundary() &&
                                            cell->face(f)->boundary_id() ==
                                              boundary_ids::li_electrode);
        for (unsigned int q = 0; q < c.quadrature.size(); ++q)
        {
          if (!in_li && c.dv[q] >= 0.5)
          {
            detached += c.u.JxW(q);
            if (on_electrode)
              at_electrode += c.u.JxW(q);
          }
          const double dc = std::clamp(c.dv[q], 0., 1.);
          const double g  = (1. - dc) * (1. - dc) + prm.residual_stiffness;
          Eel +=
            degraded_energy<dim>(c.eps[q], g, lambda, mu, split) * c.u.JxW(q);
          Efr += Gc / prm.c_w() *
                 ((at1 ? dc : dc * dc) / ell + ell * (c.dg[q] * c.dg[q])) *
                 c.u.JxW(q);
        }
      });
    const double copies     = geometry.model_copies();
    m.elastic_energy        = copies * Utilities::MPI::sum(Eel, comm);
    m.fracture_energy       = copies * Utilities::MPI::sum(Efr, comm);
    m.detached_damage       = copies * Utilities::MPI::sum(detached, comm);
    m.detached_at_electrode = copies * Utilities::MPI::sum(at_electrode, comm);
    if (tracks_li_body())
      m.li_bodies = li_body_found; // of li_body() above

    set_crack_size(m);
    const auto  &gp      = geometry.parameters();
    const double c0      = gp.defect_size;
    const bool   surface = at_li_electrode(gp.defect);

    // tip: the point of the d = 1/2 contour farthest from the crack origin
    // (the mouth on the electrode for surface defects), interpolated
    // linearly along the cell edges so that it moves continuously rather
    // than from node to node; of the defect's Li body (label 0) when the
    // bodies are tracked, so that a second flaw at the electrode does not
    // count as growth of the defect. The penetration depth is the deepest
    // point of any Li body: any body that reaches the counter electrode
    // shorts the cell.
    Point<dim> origin;
    if (gp.surface_defect_2d())
      origin[1] = gp.height;
    double     best = band ? 0. : c0;
    Point<dim> tip  = geometry.front().tip;
    double     dmax = 0, dinc = 1e300;
    for (const auto i : owned_d)
    {
      dmax = std::max(dmax, double(d[i]));
      dinc = std::min(dinc, double(d[i]) - double(d_n[i]));
    }
    // the deepest point of the contour (from the electrode: y = 0 in 3D,
    // y = height in 2D), which need not be the farthest one (a 3D front
    // can run faster along the surface; another body can be deeper)
    const auto depth = [&](const Point<dim> &x)
    {
      return gp.surface_defect_2d() ? gp.height - x[1] : x[1];
    };
    double              deepest = band ? 0. : depth(tip);
    std::vector<double> body_depths(tracks_li_body() ? li_body_found : 0, 0.);
    const auto          consider = [&](const Point<dim> &x, const int body)
    {
      deepest = std::max(deepest, depth(x));
      if (std::size_t(body) < body_depths.size())
        body_depths[body] = std::max(body_depths[body], depth(x));
      const double r = x.distance(origin);
      if (body == 0 && r > best)
      {
        best = r;
        tip  = x;
      }
    };
    for (const auto &cell : dof_d.active_cell_iterators())
      if (const int body =
            cell->is_locally_owned() ? li[cell->active_cell_index()] : -1;
          body >= 0)
        for (const unsigned int l : cell->line_indices())
        {
          const auto   line = cell->line(l);
          const double d0   = d[line->vertex_dof_index(0, 0)];
          const double d1   = d[line->vertex_dof_index(1, 0)];
          if (d0 >= 0.5)
            consider(line->vertex(0), body);
          if (d1 >= 0.5)
            consider(line->vertex(1), body);
          if ((d0 - 0.5) * (d1 - 0.5) < 0)
          {
            const double t = (0.5 - d0) / (d1 - d0);
            consider(line->vertex(0) + t * (line->vertex(1) - line->vertex(0)),
                     body);
          }
        }
    m.max_damage           = Utilities::MPI::max(dmax, comm);
    m.min_damage_increment = Utilities::MPI::min(dinc, comm);
    const auto all_best    = Utilities::MPI::max(best, comm);
    // the rank that owns the farthest point broadcasts it
    const unsigned int me = Utilities::MPI::this_mpi_process(comm);
    const unsigned int owner =
      Utilities::MPI::min(best == all_best ?
                            me :
                            Utilities::MPI::n_mpi_processes(comm),
                          comm);
    std::vector<double> t(dim);
    for (unsigned int k = 0; k < dim; ++k)
      t[k] = tip[k];
    MPI_Bcast(t.data(), dim, MPI_DOUBLE, owner, comm);
    for (unsigned int k = 0; k < dim; ++k)
      m.tip[k] = t[k];
    m.tip_distance           = all_best;
    m.penetration_depth      = 0;
    const double all_deepest = Utilities::MPI::max(deepest, comm);
    if (surface)
    {
      m.penetration_depth = all_deepest;
      m.body_depths.resize(body_depths.size());
      Utilities::MPI::max(body_depths, comm, m.body_depths);
    }
    return m;
  }

  template <int dim>
  void
  PhaseFieldFracture<dim>::add_output(
    dealii::DataOut<dim>               &out,
    std::vector<dealii::Vector<float>> &cell_data) const
  {
    using namespace dealii;
    out.add_data_vector(
      dof_u,
      u,
      std::vector<std::string>(dim, "displacement"),
      std::vector<DataComponentInterpretation::DataComponentInterpretation>(
        dim,
        DataComponentInterpretation::component_is_part_of_vector));
    out.add_data_vector(dof_d, d, "damage");

    const std::vector<std::string> names =
      dim == 2 ? std::vector<std::string>{"stress_xx",
                                          "stress_yy",
                                          "stress_xy",
                                          "stress_zz",
                                          "von_mises",
                                          "hydrostatic_stress",
                                          "driving_force",
                                          "history",
                                          "degradation",
                                          "mpi_partition"} :
                 std::vector<std::string>{"stress_xx",
                                          "stress_yy",
                                          "stress_zz",
                                          "stress_xy",
                                          "stress_xz",
                                          "stress_yz",
                                          "von_mises",
                                          "hydrostatic_stress",
                                          "driving_force",
                                          "history",
                                          "degradation",
                                          "mpi_partition"};
    cell_data.assign(names.size(), Vector<float>(tria.n_active_cells()));
    for_each_owned_cell(
      [&](const auto &cell, const auto &, CellState &st)
      {
        const auto              H = history.get_data(CellIt(cell));
        SymmetricTensor<2, dim> s;
        double                  szz = 0, psi = 0, hist = 0, gsum = 0, vol = 0;
        for (unsigned int q = 0; q < st.quadrature.size(); ++q)
        {
          const double dc = std::clamp(st.dv[q], 0., 1.);
          const double g  = (1. - dc) * (1. - dc) + prm.residual_stiffness;
          const double w  = st.u.JxW(q);
          s += w * degraded_stress<dim>(st.eps[q], g, lambda, mu, split);
          szz += w * out_of_plane_stress<dim>(st.eps[q], g, lambda, mu, split);
          psi += w * split_energy<dim>(st.eps[q], lambda, mu, split).psi_plus;
          hist += w * H[q]->H;
          gsum += w * g;
          vol += w;
        }
        s /= vol;
        szz /= vol;
        // full 3x3 stress for the invariants (plane strain zz in 2D)
        Tensor<2, 3> S;
        for (unsigned int i = 0; i < dim; ++i)
          for (unsigned int j = 0; j < dim; ++j)
            S[i][j] = s[i][j];
        if (dim == 2)
          S[2][2] = szz;
        const double tr  = trace(S);
        Tensor<2, 3> dev = S;
        for (unsigned int i = 0; i < 3; ++i)
          dev[i][i] -= tr / 3.;
        const double        vm = std::sqrt(1.5 * scalar_product(dev, dev));
        const unsigned int  c  = cell->active_cell_index();
        std::vector<double> values;
        if (dim == 2)
          values = {s[0][0], s[1][1], s[0][1], szz};
        else
          values = {S[0][0], S[1][1], S[2][2], S[0][1], S[0][2], S[1][2]};
        values.insert(values.end(),
                      {vm,
                       tr / 3.,
                       psi / vol,
                       hist / vol,
                       gsum / vol,
                       double(tria.locally_owned_subdomain())});
        for (unsigned int k = 0; k < values.size(); ++k)
          cell_data[k][c] = values[k];
      });
    for (unsigned int k = 0; k < names.size(); ++k)
      out.add_data_vector(cell_data[k], names[k], DataOut<dim>::type_cell_data);
  }
} // namespace lipen
