#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/solvers/amg_solver.h>
#include <lipen/solvers/scalar_solver.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <functional>
#include <memory>

namespace lipen
{
  /// Loads on the electrolyte (subsection `Loads`).
  struct LoadParameters
  {
    double      crack_pressure   = 1e6; ///< p0 [Pa]
    std::string pressure_profile = "1"; ///< f(xi), xi = distance to front / c
    double      stack_pressure   = 0;   ///< [Pa]
    double      far_field_stress = 0;   ///< opening stress [Pa]
    /// Whether a negative (tensile) Li pressure is allowed (opt-in).
    bool allow_negative_pressure = false;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
    /// Reference load for the geometry factor Y = K_I/(p_ref sqrt(pi c)).
    double
    reference_load() const
    {
      return crack_pressure + far_field_stress;
    }
  };

  /// Discretisation and linear solver (subsections `Discretization`,
  /// `Solver`).
  struct ElasticityParameters
  {
    unsigned int degree         = 2;
    double       tolerance      = 1e-10;
    unsigned int max_iterations = 1000;
    /// of the phase-field and ionic-potential systems
    /// (Solver/Preconditioner)
    PreconditionerKind preconditioner = PreconditionerKind::automatic;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

  /**
   * Small-strain, quasi-static, isotropic linear elasticity of the
   * electrolyte (plane strain in 2D), model.md section 3.1 without damage.
   *
   * Find u in V = {v in H^1(Omega)^dim : v.n = 0 on the symmetry planes,
   * pinned points fixed} such that for all v in V
   *
   *   (C eps(u), eps(v))_Omega = - (p(x) n, v)_{Gamma_crack}
   *                              - (P_s n, v)_{Gamma_electrodes}
   *                              + (sigma_inf n, v)_{Gamma_far}
   *
   * with C eps = lambda tr(eps) I + 2 mu eps, n the outward normal, p the
   * Li pressure on the defect faces (p(x) = p0 f(xi), xi = distance to the
   * front divided by c), P_s the stack pressure on both electrode faces
   * (the counter electrode reacts it when it is a roller) and sigma_inf the
   * opening far-field stress on the face opposite the crack plane.
   *
   * Discretised with continuous Q_k vector elements (k = 1, 2) on a
   * distributed p4est mesh, PETSc matrices, CG + GAMG with rigid-body
   * modes. The CG tolerance is relative to the reference load: with a
   * stack pressure whose force exceeds the crack load, it is scaled by
   * (reference force)/(total force), so that K_I does not depend on the
   * stack pressure's share of the residual (or on the rank count).
   * The stationary total potential energy
   * Pi(u) = 1/2 u.K u - f.u is available for energy-release computations.
   */
  template <int dim>
  class Elasticity
  {
  public:
    Elasticity(const DefectGeometry<dim>                         &geometry,
               dealii::parallel::distributed::Triangulation<dim> &tria,
               const Electrolyte                                 &material,
               const LoadParameters                              &loads,
               const ElasticityParameters                        &parameters);

    /// Distribute DoFs, build constraints and sparsity (after a mesh
    /// change).
    void
    setup();
    /// Assemble matrix and right-hand side on the current vertex positions.
    void
    assemble();
    /// Re-assemble only the right-hand side (new loads, same matrix and
    /// preconditioner).
    void
    assemble_rhs();
    /// Replace the crack-face pressure of `Loads` by p(r), r the distance
    /// to the front (flowing Li closure); an empty function restores it.
    void
    set_crack_pressure_profile(std::function<double(double)> p_of_r)
    {
      pressure_override = std::move(p_of_r);
    }
    /// Solve; the preconditioner is rebuilt after assemble().
    LinearSolveStatistics
    solve();
    /// Pi(u) = 1/2 u.K u - f.u of the current solution (whole model).
    double
    potential_energy() const;
    /// Work of the loads f.u (whole model).
    double
    external_work() const;

    const dealii::DoFHandler<dim> &
    get_dof_handler() const
    {
      return dof_handler;
    }
    /// Ghosted solution.
    const dealii::PETScWrappers::MPI::Vector &
    get_solution() const
    {
      return solution;
    }
    const dealii::Mapping<dim> &
    get_mapping() const
    {
      return mapping;
    }
    const dealii::FESystem<dim> &
    get_fe() const
    {
      return fe;
    }
    const Electrolyte &
    get_material() const
    {
      return material;
    }
    /// Crack-face pressure at a point on the defect face.
    double
    crack_pressure(const dealii::Point<dim> &p) const;
    /// Stress from a displacement gradient (plane strain in 2D).
    dealii::SymmetricTensor<2, dim>
    stress(const dealii::Tensor<2, dim> &grad_u) const;
    dealii::types::global_dof_index
    n_dofs() const
    {
      return dof_handler.n_dofs();
    }
    unsigned int
    degree() const
    {
      return fe.degree;
    }
    const DefectGeometry<dim> &
    get_geometry() const
    {
      return geometry;
    }

  private:
    const DefectGeometry<dim>                         &geometry;
    dealii::parallel::distributed::Triangulation<dim> &tria;
    const Electrolyte                                  material;
    const LoadParameters                               loads;
    const ElasticityParameters                         parameters;
    MPI_Comm                                           comm;
    dealii::FESystem<dim>                              fe;
    dealii::MappingQ1<dim>                             mapping;
    dealii::DoFHandler<dim>                            dof_handler;
    dealii::IndexSet                                   locally_owned;
    dealii::IndexSet                                   locally_relevant;
    dealii::AffineConstraints<double>                  constraints;
    dealii::PETScWrappers::MPI::SparseMatrix           matrix;
    dealii::PETScWrappers::MPI::Vector                 rhs;
    dealii::PETScWrappers::MPI::Vector                 solution;
    std::unique_ptr<dealii::FunctionParser<1>>         profile;
    ElasticityAMGSolver                                solver;
    bool                                               matrix_changed = true;
    std::function<double(double)>                      pressure_override;
    /// Total |traction| integrated over the faces that carry the reference
    /// load (crack faces, far field) and over the electrode faces (stack
    /// pressure), summed over the ranks by assemble().
    double reference_force = 0, stack_force = 0;
    /// The CG tolerance relative to the reference load (see solve()).
    double
    solve_tolerance() const;
    void
    assemble_system(bool with_matrix);
  };
} // namespace lipen
