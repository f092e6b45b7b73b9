#pragma once

#include <lipen/base/exceptions.h>
#include <lipen/geometry/boundary_ids.h>
#include <lipen/physics/ionic_potential.h>
#include <lipen/solvers/petsc_matrix.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace lipen
{
  namespace internal
  {
    /// beta_kj of a sealed closure: body_beta, or beta on the diagonal for
    /// every body when body_beta is empty
    inline double
    sealed_beta(const DefectPressure &p,
                const unsigned int    k,
                const unsigned int    j)
    {
      if (p.body_beta.empty())
        return k == j ? p.beta : 0.;
      return p.body_beta[k * p.body_p_old.size() + j];
    }
    /// p_old_j of a sealed closure: body_p_old, or p_old for every body
    inline double
    sealed_p_old(const DefectPressure &p, const unsigned int j)
    {
      return p.body_p_old.empty() ? p.p_old : p.body_p_old[j];
    }

    /// -kappa grad phi_e and its magnitude.
    template <int dim>
    class CurrentDensityPostprocessor : public dealii::DataPostprocessor<dim>
    {
    public:
      explicit CurrentDensityPostprocessor(const double kappa)
        : kappa(kappa)
      {
      }
      std::vector<std::string>
      get_names() const override
      {
        std::vector<std::string> names(dim, "current_density");
        names.emplace_back("current_density_magnitude");
        return names;
      }
      std::vector<
        dealii::DataComponentInterpretation::DataComponentInterpretation>
      get_data_component_interpretation() const override
      {
        std::vector<
          dealii::DataComponentInterpretation::DataComponentInterpretation>
          kinds(
            dim,
            dealii::DataComponentInterpretation::component_is_part_of_vector);
        kinds.push_back(
          dealii::DataComponentInterpretation::component_is_scalar);
        return kinds;
      }
      dealii::UpdateFlags
      get_needed_update_flags() const override
      {
        return dealii::update_gradients;
      }
      void
      evaluate_scalar_field(
        const dealii::DataPostprocessorInputs::Scalar<dim> &inputs,
        std::vector<dealii::Vector<double>>                &out) const override
      {
        for (unsigned int q = 0; q < out.size(); ++q)
        {
          const dealii::Tensor<1, dim> j =
            -kappa * inputs.solution_gradients[q];
          for (unsigned int d = 0; d < dim; ++d)
            out[q][d] = j[d];
          out[q][dim] = j.norm();
        }
      }

    private:
      const double kappa;
    };
  } // namespace internal

  /// The damage of the diffuse Li body at the quadrature points of a cell
  /// or face (inactive: psi = 1 everywhere, no interface).
  template <int dim>
  class IonicPotential<dim>::DiffuseValues
  {
  public:
    DiffuseValues(const IonicPotential<dim>         &owner,
                  const dealii::Quadrature<dim>     &quadrature,
                  const dealii::Quadrature<dim - 1> &face_quadrature)
      : owner(owner)
      , d(quadrature.size(), 0.)
      , d_face(face_quadrature.size(), 0.)
      , grad(quadrature.size())
    {
      using namespace dealii;
      if (!active())
        return;
      if (owner.li_body)
        li_cells = &owner.li_body();
      const auto &fe_d = owner.diffuse_dofs->get_fe();
      cell_values =
        std::make_unique<FEValues<dim>>(owner.mapping,
                                        fe_d,
                                        quadrature,
                                        update_values | update_gradients);
      face_values = std::make_unique<FEFaceValues<dim>>(owner.mapping,
                                                        fe_d,
                                                        face_quadrature,
                                                        update_values);
    }

    bool
    active() const
    {
      return owner.diffuse_dofs != nullptr;
    }

    template <typename Iterator>
    void
    reinit(const Iterator &cell)
    {
      if (!active())
        return;
      body_index =
        li_cells == nullptr ? 0 : (*li_cells)[cell->active_cell_index()];
      cell_values->reinit(damage_cell(cell));
      cell_values->get_function_values(*owner.diffuse_damage, d);
      cell_values->get_function_gradients(*owner.diffuse_damage, grad);
    }

    template <typename Iterator>
    void
    reinit_face(const Iterator &cell, const unsigned int face)
    {
      if (!active())
        return;
      face_values->reinit(damage_cell(cell), face);
      face_values->get_function_values(*owner.diffuse_damage, d_face);
    }

    /// max(psi, psi_min) at cell point q (1 when inactive).
    double
    conductivity_factor(const unsigned int q) const
    {
      return active() ? std::max(electrolyte_fraction(d[q]), owner.psi_min) :
                        1.;
    }

    /// The Li body of the cell of reinit() (-1: none; 0 without labels).
    int
    body() const
    {
      return body_index;
    }

    /// |grad psi| at cell point q (0 when inactive or outside every Li
    /// body).
    double
    interface_weight(const unsigned int q) const
    {
      return active() && body_index >= 0 ?
               std::abs(electrolyte_fraction_derivative(d[q])) *
                 grad[q].norm() :
               0.;
    }

    /// psi at face point q (1 when inactive).
    double
    face_fraction(const unsigned int q) const
    {
      return active() ? electrolyte_fraction(d_face[q]) : 1.;
    }

  private:
    template <typename Iterator>
    typename dealii::DoFHandler<dim>::active_cell_iterator
    damage_cell(const Iterator &cell) const
    {
      return typename dealii::DoFHandler<dim>::active_cell_iterator(
        &owner.dof_handler.get_triangulation(),
        cell->level(),
        cell->index(),
        owner.diffuse_dofs);
    }

    const IonicPotential<dim>                 &owner;
    const std::vector<int>                    *li_cells   = nullptr;
    int                                        body_index = 0;
    std::vector<double>                        d, d_face;
    std::vector<dealii::Tensor<1, dim>>        grad;
    std::unique_ptr<dealii::FEValues<dim>>     cell_values;
    std::unique_ptr<dealii::FEFaceValues<dim>> face_values;
  };

  template <int dim>
  struct IonicPotential<dim>::Assembly
  {
    dealii::PETScWrappers::MPI::Vector residual;     // R (owned)
    dealii::PETScWrappers::MPI::Vector b_phi, c_phi; // dR/dphi_s, dg_phi/dphi_e
    // per Li body k: dR/dp_k and the row dg_k/dphi_e
    std::vector<dealii::PETScWrappers::MPI::Vector> b_p, c_p;
    double g_phi = 0, d_phi = 0; // drive equation and d/dphi_s
    // per body: the sealed equation, dg_k/dphi_s, dg_k/dp_j (row-major)
    std::vector<double> g_p, dg_dphi, dg_dp;
    // the interface integrals: counter current and area, electrode
    // overpotential integral and area; per body I_k and dI_k/d(phi_s, p_k)
    double              I_counter = 0, A_counter = 0;
    double              eta_electrode = 0, A_electrode = 0;
    std::vector<double> I_body, dI_phi, dI_p;
  };

  template <int dim>
  IonicPotential<dim>::IonicPotential(
    const DefectGeometry<dim>        &geometry,
    const dealii::Triangulation<dim> &tria,
    const Electrolyte                &material,
    const ButlerVolmer               &kinetics,
    const double                      stack_pressure,
    const ElectrochemistryParameters &parameters)
    : geometry(geometry)
    , kappa(material.ionic_conductivity)
    , kinetics(kinetics)
    , stack_pressure(stack_pressure)
    , parameters(parameters)
    , comm(tria.get_communicator())
    , fe(1)
    , dof_handler(tria)
    , linear_solver(comm, dim, "lipen_ionic_")
  {
    require(kappa > 0, "Material/Ionic conductivity", "must be positive [S/m]");
    require(kinetics.i0 > 0 && std::isfinite(kinetics.i0),
            "Material/Charge transfer resistance",
            "must be positive [Ohm m^2]");
  }

  template <int dim>
  IonicPotential<dim>::~IonicPotential()
  {
    dof_handler.clear();
  }

  template <int dim>
  void
  IonicPotential<dim>::set_diffuse_li(
    const dealii::DoFHandler<dim>            &dofs,
    const dealii::PETScWrappers::MPI::Vector &damage,
    const double                              floor,
    std::function<const std::vector<int> &()> li_bodies)
  {
    AssertThrow(&dofs.get_triangulation() == &dof_handler.get_triangulation(),
                dealii::ExcMessage("the damage must live on the mesh of the "
                                   "ionic potential"));
    AssertThrow(floor > 0 && floor < 1,
                dealii::ExcMessage("psi_min must lie in (0, 1)"));
    diffuse_dofs   = &dofs;
    diffuse_damage = &damage;
    psi_min        = floor;
    li_body        = std::move(li_bodies);
  }

  template <int dim>
  unsigned int
  IonicPotential<dim>::count_bodies() const
  {
    int largest = 0;
    if (diffuse_dofs != nullptr && li_body)
    {
      const std::vector<int> &labels = li_body();
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          largest = std::max(largest, labels[cell->active_cell_index()]);
    }
    return dealii::Utilities::MPI::max(largest, comm) + 1;
  }

  template <int dim>
  void
  IonicPotential<dim>::setup()
  {
    dof_handler.distribute_dofs(fe);
    locally_owned = dof_handler.locally_owned_dofs();
    dealii::DoFTools::extract_locally_relevant_dofs(dof_handler,
                                                    locally_relevant);
    constraints.clear();
    constraints.reinit(locally_relevant);
    dealii::DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    constraints.close();
    make_matrix_with_cell_pattern(matrix,
                                  dof_handler,
                                  constraints,
                                  locally_relevant,
                                  comm);
    solution.reinit(locally_owned, locally_relevant, comm);
    last_x_phi.clear();
    last_x_p.clear();
    linear_solver.reset();
    initialised = false;
  }

  template <int dim>
  bool
  IonicPotential<dim>::sharp_interface(
    const dealii::types::boundary_id id) const
  {
    // a diffuse Li body replaces the sharp defect faces
    return boundary_ids::is_li_interface(id) &&
           !(diffuse_dofs != nullptr && id == boundary_ids::crack_face);
  }

  template <int dim>
  double
  IonicPotential<dim>::interface_phi_s(
    const dealii::types::boundary_id id) const
  {
    return id == boundary_ids::counter_electrode ? 0. : phi_s;
  }

  template <int dim>
  double
  IonicPotential<dim>::face_pressure(const dealii::Point<dim> &x) const
  {
    if (last_pressure.kind == DefectPressure::profile)
      return last_pressure.profile_function(geometry.front().distance(x));
    return p_body[0];
  }

  template <int dim>
  double
  IonicPotential<dim>::interface_pressure(const dealii::types::boundary_id id,
                                          const dealii::Point<dim> &x) const
  {
    return id == boundary_ids::crack_face ? face_pressure(x) : stack_pressure;
  }

  /// One cell's share of an assembly: its local matrix and residual, its
  /// bordered columns (b: d/dphi_s, d/dp) and rows (c: the drive and
  /// sealed equations' d/dphi_e), and the interface integrals it adds.
  template <int dim>
  struct IonicPotential<dim>::CellTerms
  {
    CellTerms(const unsigned int n,
              Assembly          &a,
              const bool         jacobian,
              const double       omega_over_F)
      : matrix(n, n)
      , r(n)
      , b_phi(n)
      , b_p(n)
      , c_phi(n)
      , c_p(n)
      , dofs(n)
      , a(a)
      , jacobian(jacobian)
      , oF(omega_over_F)
    {
    }

    void
    clear()
    {
      matrix = 0;
      r      = 0;
      b_phi = b_p = c_phi = c_p = 0;
    }

    /// One quadrature point (weight w) of a Li/electrolyte interface with
    /// Butler-Volmer current i and derivative di: the residual, the
    /// Jacobian and the bordered columns and rows. plating_side: phi_s is
    /// the plating electrode's; body: the Li body (>= 0) whose pressure may
    /// be an unknown, or -1 (each cell holds points of one body only);
    /// cphi: the coefficient of the drive equation's row.
    void
    add_interface_point(const dealii::FEValuesBase<dim> &fv,
                        const unsigned int               q,
                        const double                     i,
                        const double                     di,
                        const double                     w,
                        const bool                       plating_side,
                        const int                        body,
                        const double                     cphi)
    {
      const bool defect = body >= 0;
      if (defect)
      {
        a.I_body[body] += i * w;
        a.dI_phi[body] += di * w;
        a.dI_p[body] += di * oF * w;
      }
      const unsigned int n = r.size();
      for (unsigned int k = 0; k < n; ++k)
      {
        const double vk = fv.shape_value(k, q);
        r(k) -= i * vk * w;
        if (!jacobian)
          continue;
        for (unsigned int j = 0; j < n; ++j)
          matrix(k, j) += di * fv.shape_value(j, q) * vk * w;
        if (plating_side)
          b_phi(k) -= di * vk * w;
        if (defect)
        {
          b_p(k) -= di * oF * vk * w;
          c_p(k) -= di * vk * w; // d I_defect / d phi_e
        }
        if (cphi != 0)
          c_phi(k) -= cphi * vk * w;
      }
    }

    dealii::FullMatrix<double>                   matrix;
    dealii::Vector<double>                       r, b_phi, b_p, c_phi, c_p;
    std::vector<dealii::types::global_dof_index> dofs;
    Assembly                                    &a;
    const bool                                   jacobian;
    const double                                 oF;
  };

  template <int dim>
  void
  IonicPotential<dim>::begin_assembly(const bool jacobian, Assembly &a)
  {
    const unsigned int nb = p_body.size();
    a.residual.reinit(locally_owned, comm);
    if (jacobian)
    {
      matrix = 0;
      a.b_p.resize(nb);
      a.c_p.resize(nb);
      for (auto *v : {&a.b_phi, &a.c_phi})
        v->reinit(locally_owned, comm);
      for (unsigned int k = 0; k < nb; ++k)
      {
        a.b_p[k].reinit(locally_owned, comm);
        a.c_p[k].reinit(locally_owned, comm);
      }
    }
    a.I_counter = a.eta_electrode = a.A_electrode = a.A_counter = 0;
    a.I_body.assign(nb, 0.);
    a.dI_phi.assign(nb, 0.);
    a.dI_p.assign(nb, 0.);
  }

  template <int dim>
  template <typename Iterator>
  void
  IonicPotential<dim>::add_electrode_faces(const Iterator            &cell,
                                           const CellDrive           &drive,
                                           DiffuseValues             &diffuse,
                                           dealii::FEFaceValues<dim> &fe_face,
                                           CellTerms                 &terms)
  {
    using namespace dealii;
    const bool galvanostatic = drive.kind == CellDrive::current_density;
    const bool overpotential = drive.kind == CellDrive::electrode_overpotential;
    const unsigned int  nq   = fe_face.n_quadrature_points;
    std::vector<double> phi(nq);
    Assembly           &a = terms.a;
    for (const unsigned int f : cell->face_indices())
    {
      if (!cell->face(f)->at_boundary())
        continue;
      const auto id = cell->face(f)->boundary_id();
      if (!sharp_interface(id))
        continue;
      fe_face.reinit(cell, f);
      fe_face.get_function_values(solution, phi);
      diffuse.reinit_face(cell, f);
      const double ps = interface_phi_s(id);
      for (unsigned int q = 0; q < nq; ++q)
      {
        const double p   = interface_pressure(id, fe_face.quadrature_point(q));
        const double eta = kinetics.overpotential(ps, phi[q], p);
        // the electrolyte fraction weights the electrode currents
        const double psi = diffuse.face_fraction(q);
        const double i   = psi * kinetics.current(eta);
        const double di  = psi * kinetics.derivative(eta);
        const double JxW = fe_face.JxW(q);
        if (id == boundary_ids::counter_electrode)
        {
          a.I_counter += i * JxW;
          a.A_counter += JxW;
        }
        if (id == boundary_ids::li_electrode)
        {
          a.eta_electrode += eta * JxW;
          a.A_electrode += JxW;
        }
        // the scalar equation's row: d I_counter / d phi_e
        // (galvanostatic) or d (int eta) / d phi_e (overpotential)
        const double cphi =
          galvanostatic && id == boundary_ids::counter_electrode ? di :
          overpotential && id == boundary_ids::li_electrode      ? 1. :
                                                                   0.;
        terms.add_interface_point(fe_face,
                                  q,
                                  i,
                                  di,
                                  JxW,
                                  id != boundary_ids::counter_electrode,
                                  id == boundary_ids::crack_face ? 0 : -1,
                                  cphi);
      }
    }
  }

  template <int dim>
  void
  IonicPotential<dim>::distribute(const int cell_body, CellTerms &terms)
  {
    Assembly &a = terms.a;
    if (!terms.jacobian)
    {
      constraints.distribute_local_to_global(terms.r, terms.dofs, a.residual);
      return;
    }
    constraints.distribute_local_to_global(terms.matrix,
                                           terms.r,
                                           terms.dofs,
                                           matrix,
                                           a.residual);
    constraints.distribute_local_to_global(terms.b_phi, terms.dofs, a.b_phi);
    constraints.distribute_local_to_global(terms.c_phi, terms.dofs, a.c_phi);
    if (cell_body >= 0)
    {
      constraints.distribute_local_to_global(terms.b_p,
                                             terms.dofs,
                                             a.b_p[cell_body]);
      constraints.distribute_local_to_global(terms.c_p,
                                             terms.dofs,
                                             a.c_p[cell_body]);
    }
  }

  template <int dim>
  void
  IonicPotential<dim>::finish_assembly(const bool jacobian, Assembly &a)
  {
    using namespace dealii;
    a.residual.compress(VectorOperation::add);
    if (jacobian)
    {
      matrix.compress(VectorOperation::add);
      for (auto *v : {&a.b_phi, &a.c_phi})
        v->compress(VectorOperation::add);
      for (unsigned int k = 0; k < a.b_p.size(); ++k)
      {
        a.b_p[k].compress(VectorOperation::add);
        a.c_p[k].compress(VectorOperation::add);
      }
    }
    for (double *v :
         {&a.I_counter, &a.eta_electrode, &a.A_electrode, &a.A_counter})
      *v = Utilities::MPI::sum(*v, comm);
    for (auto *v : {&a.I_body, &a.dI_phi, &a.dI_p})
      Utilities::MPI::sum(*v, comm, *v);
  }

  template <int dim>
  double
  IonicPotential<dim>::assemble(const CellDrive      &drive,
                                const DefectPressure &pressure,
                                const bool            jacobian,
                                Assembly             &a)
  {
    using namespace dealii;
    const QGauss<dim>           quadrature(2);
    const QGauss<dim - 1>       face_quadrature(3);
    FEValues<dim>               fe_values(mapping,
                            fe,
                            quadrature,
                            update_values | update_gradients |
                              update_JxW_values);
    FEFaceValues<dim>           fe_face(mapping,
                              fe,
                              face_quadrature,
                              update_values | update_quadrature_points |
                                update_JxW_values);
    const unsigned int          n = fe.n_dofs_per_cell();
    DiffuseValues               diffuse(*this, quadrature, face_quadrature);
    std::vector<double>         phi_q(quadrature.size());
    std::vector<Tensor<1, dim>> grad(quadrature.size());
    begin_assembly(jacobian, a);
    CellTerms terms(n, a, jacobian, kinetics.omega_over_F);

    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        fe_values.reinit(cell);
        fe_values.get_function_gradients(solution, grad);
        terms.clear();
        diffuse.reinit(cell);
        // the body of the cell's bordered entries (the defect faces: 0)
        const int cell_body = diffuse.active() ? diffuse.body() : 0;
        // conduction: (kappa max(psi, psi_min) grad phi_e, grad v)
        for (unsigned int q = 0; q < quadrature.size(); ++q)
        {
          const double k = kappa * diffuse.conductivity_factor(q);
          for (unsigned int i = 0; i < n; ++i)
          {
            const auto &gi = fe_values.shape_grad(i, q);
            terms.r(i) += k * (grad[q] * gi) * fe_values.JxW(q);
            if (jacobian)
              for (unsigned int j = 0; j < n; ++j)
                terms.matrix(i, j) +=
                  k * (fe_values.shape_grad(j, q) * gi) * fe_values.JxW(q);
          }
        }
        // the diffuse Li/electrolyte interface: |grad psi| i(eta_d)
        if (diffuse.active())
        {
          fe_values.get_function_values(solution, phi_q);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
          {
            const double w = diffuse.interface_weight(q) * fe_values.JxW(q);
            if (w == 0)
              continue;
            const double eta =
              kinetics.overpotential(phi_s, phi_q[q], p_body[cell_body]);
            terms.add_interface_point(fe_values,
                                      q,
                                      kinetics.current(eta),
                                      kinetics.derivative(eta),
                                      w,
                                      true,
                                      cell_body,
                                      0.);
          }
        }
        if (cell->at_boundary())
          add_electrode_faces(cell, drive, diffuse, fe_face, terms);
        cell->get_dof_indices(terms.dofs);
        distribute(cell_body, terms);
      }
    finish_assembly(jacobian, a);
    const double r = a.residual.l2_norm();
    return std::sqrt(r * r + scalar_equations(drive, pressure, jacobian, a));
  }

  template <int dim>
  double
  IonicPotential<dim>::scalar_equations(const CellDrive      &drive,
                                        const DefectPressure &pressure,
                                        const bool            jacobian,
                                        Assembly             &a) const
  {
    // each scaled to a current [A/m^(3-dim)]
    const unsigned int nb = a.I_body.size();
    const double       conductance =
      kinetics.i0 * (kinetics.f_anodic + kinetics.f_cathodic);
    a.g_phi = 0;
    a.d_phi = 0;
    if (drive.kind == CellDrive::current_density)
      a.g_phi = a.I_counter - drive.value * a.A_counter;
    else if (drive.kind == CellDrive::electrode_overpotential)
    {
      require(a.A_electrode > 0,
              "Electrochemistry/Operation",
              "'electrode overpotential' needs a flat plating electrode");
      a.g_phi = conductance * (a.eta_electrode + drive.value * a.A_electrode);
      a.d_phi = conductance * a.A_electrode;
      if (jacobian)
        a.c_phi *= conductance;
    }
    // sealed: I_k + sum_j beta_kj (p_j - p_old_j) = 0 for each body k
    a.g_p.assign(nb, 0.);
    a.dg_dphi.assign(nb, 0.);
    a.dg_dp.assign(nb * nb, 0.);
    double g2 = a.g_phi * a.g_phi;
    if (pressure.kind == DefectPressure::sealed)
      for (unsigned int k = 0; k < nb; ++k)
      {
        a.g_p[k]     = a.I_body[k];
        a.dg_dphi[k] = a.dI_phi[k];
        a.dg_dp[k * nb + k] += a.dI_p[k];
        for (unsigned int j = 0; j < nb; ++j)
        {
          const double beta = internal::sealed_beta(pressure, k, j);
          a.g_p[k] += beta * (p_body[j] - internal::sealed_p_old(pressure, j));
          a.dg_dp[k * nb + j] += beta;
        }
        // p_k >= 0: min(s p_k, g_k) = 0, the row p_k = 0 where s p_k is
        // the smaller (a partly filled crack at p_k = 0, or a step that
        // must bring p_k down to 0)
        const double s = a.dg_dp[k * nb + k];
        if (pressure.nonnegative && s > 0 && s * p_body[k] < a.g_p[k])
        {
          a.g_p[k]     = s * p_body[k];
          a.dg_dphi[k] = 0;
          for (unsigned int j = 0; j < nb; ++j)
            a.dg_dp[k * nb + j] = j == k ? s : 0.;
          if (jacobian)
            a.c_p[k] = 0;
        }
        g2 += a.g_p[k] * a.g_p[k];
      }
    return g2;
  }

  template <int dim>
  unsigned int
  IonicPotential<dim>::start_state(const CellDrive      &drive,
                                   const DefectPressure &pressure)
  {
    using namespace dealii;
    const bool phi_unknown = drive.kind != CellDrive::potential;
    const bool p_unknown   = pressure.kind == DefectPressure::sealed;
    // one pressure per Li body (the closure's bodies, of which some may
    // hold no cell); a body new since the last solve starts at its p_old
    // (sealed) or the stack pressure
    const unsigned int labelled = count_bodies();
    const unsigned int nb =
      std::max<unsigned int>(labelled, pressure.body_p_old.size());
    AssertThrow(
      pressure.body_beta.size() ==
          pressure.body_p_old.size() * pressure.body_p_old.size() &&
        (pressure.body_p_old.empty() || pressure.body_p_old.size() == nb),
      ExcMessage("IonicPotential::solve(): " + std::to_string(labelled) +
                 " Li bodies, but a sealed closure for " +
                 std::to_string(pressure.body_p_old.size())));
    if (p_body.size() != nb)
    {
      const std::size_t kept = std::min<std::size_t>(p_body.size(), nb);
      p_body.resize(nb);
      for (unsigned int k = kept; k < nb; ++k)
        p_body[k] =
          p_unknown ? internal::sealed_p_old(pressure, k) : stack_pressure;
    }
    if (drive.kind == CellDrive::potential)
      phi_s = drive.value;
    if (pressure.kind == DefectPressure::fixed)
      p_body.assign(nb, pressure.value);
    if (!initialised)
    {
      // start from equilibrium at the stack pressure: phi_e = Omega p/F
      PETScWrappers::MPI::Vector x(locally_owned, comm);
      if (phi_unknown)
        phi_s = 0;
      x        = kinetics.omega_over_F * stack_pressure + phi_s;
      solution = x;
      if (p_unknown)
        p_body.assign(nb, stack_pressure);
      initialised = true;
    }
    if (p_unknown && pressure.value != 0)
      p_body.assign(nb, pressure.value); // caller's start value
    last_x_p.resize(nb);
    return nb;
  }

  template <int dim>
  void
  IonicPotential<dim>::scalar_step(
    const Assembly                                        &a,
    const dealii::PETScWrappers::MPI::Vector              &x0,
    const dealii::PETScWrappers::MPI::Vector              *x_phi,
    const std::vector<dealii::PETScWrappers::MPI::Vector> &x_p,
    double                                                &dphi,
    std::vector<double>                                   &dp) const
  {
    using namespace dealii;
    const unsigned int nb = dp.size();
    const unsigned int m  = 1 + nb;
    // S dz = rhs on z = (phi_s, p_0, ...) with S = D - C A^-1 B,
    // rhs = -g - C A^-1 (-R); the row of a known unknown is the identity
    const auto known = [&](const unsigned int j)
    {
      return j == 0 ? x_phi == nullptr : x_p.empty();
    };
    FullMatrix<double> S(m, m);
    Vector<double>     rhs(m), dz(m);
    for (unsigned int i = 0; i < m; ++i)
    {
      if (known(i))
      {
        S(i, i) = 1;
        continue;
      }
      const auto &c = i == 0 ? a.c_phi : a.c_p[i - 1];
      rhs(i)        = -(i == 0 ? a.g_phi : a.g_p[i - 1]) - c * x0;
      for (unsigned int j = 0; j < m; ++j)
      {
        if (known(j))
          continue;
        const double dg = i == 0 ? (j == 0 ? a.d_phi : 0.) :
                          j == 0 ? a.dg_dphi[i - 1] :
                                   a.dg_dp[(i - 1) * nb + j - 1];
        S(i, j)         = dg - c * (j == 0 ? *x_phi : x_p[j - 1]);
      }
    }
    S.gauss_jordan();
    S.vmult(dz, rhs);
    dphi = known(0) ? 0. : dz(0);
    for (unsigned int k = 0; k < nb; ++k)
      dp[k] = known(1) ? 0. : dz(1 + k);
  }

  template <int dim>
  NewtonStatistics
  IonicPotential<dim>::solve(const CellDrive      &drive,
                             const DefectPressure &pressure)
  {
    using namespace dealii;
    Timer            timer;
    NewtonStatistics stats;
    if (diffuse_dofs != nullptr && pressure.kind == DefectPressure::profile)
      throw InputError("parameter 'Electrochemistry/Li pressure closure': "
                       "the flowing closure needs the sharp defect faces, "
                       "not a diffuse Li body");
    last_pressure                  = pressure;
    const bool         phi_unknown = drive.kind != CellDrive::potential;
    const bool         p_unknown   = pressure.kind == DefectPressure::sealed;
    const unsigned int nb          = start_state(drive, pressure);

    Assembly     a;
    double       norm = assemble(drive, pressure, true, a);
    const double oF   = kinetics.omega_over_F;
    for (;;)
    {
      if (stats.newton_iterations >= parameters.max_newton_iterations ||
          !std::isfinite(norm))
      {
        std::ostringstream m;
        m << "the ionic-potential Newton iteration did not converge in "
          << stats.newton_iterations << " iterations (residual " << norm
          << "); the requested operating point may be unreachable: lower "
             "Electrochemistry/Applied current density (or Cell voltage), or "
             "raise Electrochemistry/Maximum Newton iterations";
        throw NumericalFailure("parameter 'Electrochemistry/Maximum Newton "
                               "iterations': " +
                               m.str());
      }
      ++stats.newton_iterations;
      // bordered Newton step: A x0 = -R, A x_k = b_k (one preconditioner;
      // the AMG hierarchy of an earlier Newton step is kept while CG
      // converges as fast with it, see ScalarSolver::update_matrix())
      linear_solver.update_matrix(matrix);
      // start: zero, or (the bordered columns, which change little from
      // one Newton step or staggered iteration to the next) the last ones
      const auto linear_solve = [&](PETScWrappers::MPI::Vector       &x,
                                    const PETScWrappers::MPI::Vector &b,
                                    PETScWrappers::MPI::Vector       *last)
      {
        const bool warm = last != nullptr && last->size() == matrix.m();
        if (warm)
        {
          x.reinit(*last, true);
          x = *last;
        }
        else
          x.reinit(locally_owned, comm);
        const double bnorm = b.l2_norm();
        if (bnorm == 0)
          x = 0;
        else
        {
          const auto s = linear_solver.solve(
            x,
            b,
            parameters.linear_tolerance * bnorm,
            2000,
            "parameter 'Electrochemistry/Linear solver tolerance': raise the "
            "tolerance");
          stats.linear_iterations += s.iterations;
        }
        if (last != nullptr)
        {
          if (!warm)
            last->reinit(x, true);
          *last = x;
        }
      };
      PETScWrappers::MPI::Vector              minus_r(a.residual), x0, x_phi;
      std::vector<PETScWrappers::MPI::Vector> x_p(p_unknown ? nb : 0);
      minus_r *= -1.;
      linear_solve(x0, minus_r, nullptr);
      if (phi_unknown)
        linear_solve(x_phi, a.b_phi, &last_x_phi);
      for (unsigned int k = 0; k < x_p.size(); ++k)
        linear_solve(x_p[k], a.b_p[k], &last_x_p[k]);

      // Schur complement on the scalar unknowns
      double              dphi = 0;
      std::vector<double> dp(nb, 0.);
      scalar_step(a, x0, phi_unknown ? &x_phi : nullptr, x_p, dphi, dp);
      PETScWrappers::MPI::Vector delta(x0);
      if (phi_unknown)
        delta.add(-dphi, x_phi);
      for (unsigned int k = 0; k < x_p.size(); ++k)
        delta.add(-dp[k], x_p[k]);
      constraints.distribute(delta);
      double step = std::max(delta.linfty_norm(), std::abs(dphi));
      for (const double v : dp)
        step = std::max(step, oF * std::abs(v));

      // converged: apply the (tiny) full step and stop
      if (step <= parameters.newton_tolerance)
      {
        PETScWrappers::MPI::Vector x(locally_owned, comm);
        x = solution;
        x.add(1., delta);
        solution = x;
        phi_s += dphi;
        for (unsigned int k = 0; k < nb; ++k)
          p_body[k] += dp[k];
        break;
      }
      // backtracking line search on the residual norm
      PETScWrappers::MPI::Vector old(locally_owned, comm);
      old                              = solution;
      const double              phi_s0 = phi_s;
      const std::vector<double> p0     = p_body;
      double                    lambda = 1, trial = norm;
      for (unsigned int k = 0; k < 20; ++k, lambda *= 0.5)
      {
        PETScWrappers::MPI::Vector x(old);
        x.add(lambda, delta);
        solution = x;
        phi_s    = phi_s0 + lambda * dphi;
        for (unsigned int j = 0; j < nb; ++j)
          p_body[j] = p0[j] + lambda * dp[j];
        Assembly t;
        trial = assemble(drive, pressure, false, t);
        if (std::isfinite(trial) && trial < (1. - 1e-4 * lambda) * norm)
          break;
      }
      norm = std::isfinite(trial) ? assemble(drive, pressure, true, a) : trial;
    }
    stats.seconds = timer.wall_time();
    return stats;
  }

  template <int dim>
  typename IonicPotential<dim>::Interfaces
  IonicPotential<dim>::interfaces() const
  {
    using namespace dealii;
    const QGauss<dim - 1> face_quadrature(3);
    FEFaceValues<dim>     fe_face(mapping,
                              fe,
                              face_quadrature,
                              update_values | update_quadrature_points |
                                update_JxW_values);
    std::vector<double>   phi(face_quadrature.size());
    Interfaces            r;
    double min_eta = std::numeric_limits<double>::max(), max_eta = -min_eta;
    const QGauss<dim>   quadrature(2);
    FEValues<dim>       fe_values(mapping,
                            fe,
                            quadrature,
                            update_values | update_JxW_values);
    std::vector<double> phi_q(quadrature.size());
    DiffuseValues       diffuse(*this, quadrature, face_quadrature);
    const unsigned int  nb =
      std::max<unsigned int>(count_bodies(), p_body.size());
    r.current_bodies.assign(nb, 0.);
    r.area_bodies.assign(nb, 0.);
    // the diffuse Li/electrolyte interface (area: the integral of
    // |grad psi|)
    if (diffuse.active())
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(solution, phi_q);
          diffuse.reinit(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
          {
            const double w = diffuse.interface_weight(q) * fe_values.JxW(q);
            if (w == 0)
              continue;
            const int    body = diffuse.body();
            const double eta =
              kinetics.overpotential(phi_s, phi_q[q], body_pressure(body));
            const double i = kinetics.current(eta);
            r.current_bodies[body] += i * w;
            r.area_bodies[body] += w;
            r.mean_eta_defect += eta * w;
            r.max_plating_defect = std::max(r.max_plating_defect, -i);
            min_eta              = std::min(min_eta, eta);
            max_eta              = std::max(max_eta, eta);
          }
        }
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary())
          {
            const auto id = cell->face(f)->boundary_id();
            if (!sharp_interface(id))
              continue;
            fe_face.reinit(cell, f);
            fe_face.get_function_values(solution, phi);
            diffuse.reinit_face(cell, f);
            for (unsigned int q = 0; q < face_quadrature.size(); ++q)
            {
              const double eta = kinetics.overpotential(
                interface_phi_s(id),
                phi[q],
                interface_pressure(id, fe_face.quadrature_point(q)));
              const double i = diffuse.face_fraction(q) * kinetics.current(eta);
              const double JxW = fe_face.JxW(q);
              if (id == boundary_ids::crack_face)
              {
                r.current_bodies[0] += i * JxW;
                r.area_bodies[0] += JxW;
                r.mean_eta_defect += eta * JxW;
                r.max_plating_defect = std::max(r.max_plating_defect, -i);
                min_eta              = std::min(min_eta, eta);
                max_eta              = std::max(max_eta, eta);
              }
              else if (id == boundary_ids::li_electrode)
              {
                r.current_electrode += i * JxW;
                r.area_electrode += JxW;
                r.mean_eta_electrode += eta * JxW;
              }
              else
              {
                r.current_counter += i * JxW;
                r.area_counter += JxW;
              }
            }
          }
    Utilities::MPI::sum(r.current_bodies, comm, r.current_bodies);
    Utilities::MPI::sum(r.area_bodies, comm, r.area_bodies);
    for (unsigned int k = 0; k < nb; ++k)
    {
      r.current_defect += r.current_bodies[k];
      r.area_defect += r.area_bodies[k];
    }
    for (double *v : {&r.mean_eta_defect,
                      &r.current_electrode,
                      &r.area_electrode,
                      &r.mean_eta_electrode,
                      &r.current_counter,
                      &r.area_counter})
      *v = Utilities::MPI::sum(*v, comm);
    r.mean_eta_defect /= std::max(r.area_defect, 1e-300);
    r.mean_eta_electrode /= std::max(r.area_electrode, 1e-300);
    r.min_eta_defect     = Utilities::MPI::min(min_eta, comm);
    r.max_eta_defect     = Utilities::MPI::max(max_eta, comm);
    r.max_plating_defect = Utilities::MPI::max(r.max_plating_defect, comm);
    return r;
  }

  template <int dim>
  std::vector<FaceNode<dim>>
  IonicPotential<dim>::defect_face_nodes() const
  {
    using namespace dealii;
    std::vector<std::array<double, dim + 1>> local;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary() &&
              cell->face(f)->boundary_id() == boundary_ids::crack_face)
            for (const unsigned int v : cell->face(f)->vertex_indices())
            {
              std::array<double, dim + 1> entry;
              for (unsigned int d = 0; d < dim; ++d)
                entry[d] = cell->face(f)->vertex(v)[d];
              entry[dim] = solution(cell->face(f)->vertex_dof_index(v, 0));
              local.push_back(entry);
            }
    const auto                 all = Utilities::MPI::all_gather(comm, local);
    std::vector<FaceNode<dim>> nodes;
    for (const auto &part : all)
      for (const auto &e : part)
      {
        FaceNode<dim> n;
        for (unsigned int d = 0; d < dim; ++d)
          n.x[d] = e[d];
        n.phi_e = e[dim];
        n.r     = geometry.front().distance(n.x);
        nodes.push_back(n);
      }
    std::sort(nodes.begin(),
              nodes.end(),
              [](const FaceNode<dim> &a, const FaceNode<dim> &b)
              {
                if (a.r != b.r)
                  return a.r < b.r;
                for (unsigned int d = 0; d < dim; ++d)
                  if (a.x[d] != b.x[d])
                    return a.x[d] < b.x[d];
                return false;
              });
    const double tol = 1e-9 * geometry.parameters().defect_size;
    nodes.erase(std::unique(nodes.begin(),
                            nodes.end(),
                            [tol](const FaceNode<dim> &a,
                                  const FaceNode<dim> &b)
                            {
                              return a.x.distance(b.x) < tol;
                            }),
                nodes.end());
    return nodes;
  }

  template <int dim>
  void
  IonicPotential<dim>::add_output(dealii::DataOut<dim> &data_out)
  {
    using namespace dealii;
    // interface overpotential and Li pressure at interface vertices
    PETScWrappers::MPI::Vector eta(locally_owned, comm), p(locally_owned, comm);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const unsigned int f : cell->face_indices())
          if (cell->face(f)->at_boundary())
          {
            const auto id = cell->face(f)->boundary_id();
            if (!boundary_ids::is_li_interface(id))
              continue;
            for (const unsigned int v : cell->face(f)->vertex_indices())
            {
              const auto dof = cell->face(f)->vertex_dof_index(v, 0);
              if (!locally_owned.is_element(dof))
                continue;
              const double pv =
                interface_pressure(id, cell->face(f)->vertex(v));
              eta(dof) =
                kinetics.overpotential(interface_phi_s(id), solution(dof), pv);
              p(dof) = pv;
            }
          }
    // the diffuse Li body: its Li fraction 1 - psi(d), the overpotential
    // phi_s - phi_e + Omega p/F of its interface and p weighted by the Li
    // fraction, at every node it reaches (both fields are Q1 on one mesh:
    // local DoF i is vertex i for both)
    PETScWrappers::MPI::Vector li(locally_owned, comm);
    if (diffuse_dofs != nullptr)
    {
      AssertThrow(diffuse_dofs->get_fe().n_dofs_per_cell() ==
                    fe.n_dofs_per_cell(),
                  ExcMessage("the diffuse Li body needs Q1 damage"));
      std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell()),
        dofs_d(fe.n_dofs_per_cell());
      const std::vector<int> *body = li_body ? &li_body() : nullptr;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() &&
            (body == nullptr || (*body)[cell->active_cell_index()] >= 0))
        {
          const double pk = body_pressure(
            body == nullptr ? 0 : (*body)[cell->active_cell_index()]);
          cell->get_dof_indices(dofs);
          typename DoFHandler<dim>::active_cell_iterator(
            &dof_handler.get_triangulation(),
            cell->level(),
            cell->index(),
            diffuse_dofs)
            ->get_dof_indices(dofs_d);
          for (unsigned int i = 0; i < dofs.size(); ++i)
          {
            const double fraction =
              1. - electrolyte_fraction((*diffuse_damage)(dofs_d[i]));
            if (!locally_owned.is_element(dofs[i]) || fraction <= 0)
              continue;
            li(dofs[i])  = fraction;
            eta(dofs[i]) = kinetics.overpotential(phi_s, solution(dofs[i]), pk);
            p(dofs[i])   = fraction * pk;
          }
        }
    }
    li.compress(VectorOperation::insert);
    eta.compress(VectorOperation::insert);
    p.compress(VectorOperation::insert);
    eta_field.reinit(locally_owned, locally_relevant, comm);
    p_field.reinit(locally_owned, locally_relevant, comm);
    eta_field = eta;
    p_field   = p;
    data_out.add_data_vector(dof_handler, solution, "ionic_potential");
    data_out.add_data_vector(dof_handler, eta_field, "interface_overpotential");
    data_out.add_data_vector(dof_handler, p_field, "li_pressure");
    if (diffuse_dofs != nullptr)
    {
      li_field.reinit(locally_owned, locally_relevant, comm);
      li_field = li;
      data_out.add_data_vector(dof_handler, li_field, "li_fraction");
    }
    current_postprocessor =
      std::make_unique<internal::CurrentDensityPostprocessor<dim>>(kappa);
    data_out.add_data_vector(dof_handler, solution, *current_postprocessor);
  }
} // namespace lipen
