#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/physics/butler_volmer.h>
#include <lipen/physics/electrochemistry_parameters.h>
#include <lipen/solvers/scalar_solver.h>

#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

namespace lipen
{
  /// How the plating-electrode potential phi_s is set.
  struct CellDrive
  {
    enum Kind
    {
      potential,              ///< phi_s = value (potentiostatic)
      current_density,        ///< mean current density value [A/m^2]
      electrode_overpotential ///< mean eta on the flat electrode = -value
    };
    Kind   kind  = current_density;
    double value = 0;
  };

  /// The drive of subsection `Electrochemistry` (Operation and its value).
  inline CellDrive
  operating_drive(const ElectrochemistryParameters &ec)
  {
    if (ec.operation == CellOperation::galvanostatic)
      return {CellDrive::current_density, ec.applied_current_density};
    if (ec.operation == CellOperation::potentiostatic)
      return {CellDrive::potential, -ec.cell_voltage};
    return {CellDrive::electrode_overpotential, ec.electrode_overpotential};
  }

  /// How the Li pressure on the defect faces is set.
  struct DefectPressure
  {
    enum Kind
    {
      fixed,  ///< p = value
      sealed, ///< I_defect + beta (p - p_old) = 0 (beta = 0: steady)
      profile ///< p = profile(x) (flowing closure)
    };
    Kind                          kind  = fixed;
    double                        value = 0;
    double                        beta  = 0; ///< [A/(m Pa)]
    double                        p_old = 0;
    std::function<double(double)> profile_function =
      {}; ///< of r, the distance to the front
    /// sealed, n Li bodies (the labels 0 .. n - 1 of set_diffuse_li()):
    /// beta_kj [A/(m Pa)] row-major (n x n) and p_old_k, in the equations
    /// I_k + sum_j beta_kj (p_j - p_old_j) = 0; empty: beta on the
    /// diagonal and p_old for every body
    std::vector<double> body_beta = {}, body_p_old = {};
    /// sealed, n Li bodies: p_k >= 0. A body whose Li would be under
    /// tension holds p_k = 0 and less Li than its crack volume (a partly
    /// filled crack): the complementarity p_k >= 0, g_k >= 0, p_k g_k = 0
    /// with g_k = I_k + sum_j beta_kj (p_j - p_old_j) (g_k > 0: the Li
    /// volume falls short of the crack volume)
    bool nonnegative = false;
  };

  /// What one nonlinear solve did.
  struct NewtonStatistics
  {
    unsigned int newton_iterations = 0;
    unsigned int linear_iterations = 0;
    double       seconds           = 0;
  };

  /// A vertex of the defect face: position, distance to the front (r),
  /// electrolyte potential and Li pressure there.
  template <int dim>
  struct FaceNode
  {
    dealii::Point<dim> x;
    double             r     = 0;
    double             phi_e = 0;
  };

  /**
   * Ionic potential phi_e in the electrolyte (model.md 3.2) with
   * pressure-shifted Butler-Volmer kinetics on every Li/electrolyte
   * interface (3.3): the defect faces Gamma_d (boundary id crack_face), the
   * flat plating electrode Gamma_e (li_electrode), both at the electronic
   * potential phi_s, and the counter electrode Gamma_c (counter_electrode)
   * at 0. Symmetry planes and free surfaces carry no current.
   *
   * Find phi_e in H^1(Omega) (and the scalar unknowns below) such that for
   * all v in H^1(Omega)
   *
   *   (kappa grad phi_e, grad v)_Omega
   *     - sum_{Gamma in {d, e, c}} (i(eta_Gamma), v)_Gamma = 0,
   *   eta_Gamma = phi_s,Gamma - phi_e + Omega p_Gamma / F,
   *
   * with i(eta) of ButlerVolmer (anodic positive), p = stack pressure on the
   * electrodes and the defect pressure of the closure on Gamma_d. Scalar
   * unknowns and their equations (CellDrive, DefectPressure):
   *  - galvanostatic: phi_s with (i, 1)_{Gamma_c} = i_app |Gamma_c|;
   *  - electrode overpotential: phi_s with mean_{Gamma_e} eta = -|eta_e|;
   *  - sealed: p with (i, 1)_{Gamma_d} + beta (p - p_old) = 0, the steady
   *    zero-net-current condition (beta = 0) or implicit Euler of the
   *    volume balance C dp/dt = -(Omega/F)(i, 1)_{Gamma_d}
   *    (beta = F C/(Omega dt)); with n diffuse Li bodies (below) one p_k
   *    per body k with I_k + sum_j beta_kj (p_j - p_old_j) = 0, where I_k
   *    is the current into body k and beta = F C/(Omega dt) with the
   *    compliance matrix C_kj = dV_k/dp_j of the crack volumes;
   *    with DefectPressure::nonnegative the pressures are bounded below
   *    by 0: body k's equation becomes min(s_k p_k, g_k) = 0, s_k =
   *    dg_k/dp_k (semi-smooth Newton: a body at p_k = 0 whose Li does not
   *    fill its crack has the row p_k = 0).
   * Newton's method on the bordered system: the Jacobian block of phi_e is
   * the SPD matrix (kappa grad, grad) + (i'(eta), .)_Gamma, solved by CG +
   * BoomerAMG; the scalar unknowns by a Schur complement; backtracking line
   * search on the residual norm. Q1 elements on the elasticity mesh.
   *
   * **Diffuse Li body** (model.md 3.6, set_diffuse_li()): on a phase-field
   * mesh the defect is the damage field d instead of the faces Gamma_d.
   * With the electrolyte fraction psi(d) = 1 - d^2 (1 intact, 0 in the
   * Li) the smoothed-boundary form replaces the defect-face term and
   * weights the conductivity and the electrode terms:
   *
   *   (kappa max(psi, psi_min) grad phi_e, grad v)_Omega
   *     - sum_{Gamma in {e, c}} (psi i(eta_Gamma), v)_Gamma
   *     - (chi |grad psi| i(eta_d), v)_Omega = 0,
   *   eta_d = phi_s - phi_e + Omega p / F,
   *
   * chi = 1 on the cells of a Li body (damage connected to the plating
   * electrode, li_body.h) and 0 on an empty crack elsewhere (chi = 1
   * everywhere unless set_diffuse_li() is given the Li bodies), and p the
   * pressure of the cell's body (eta_d = phi_s - phi_e + Omega p_k / F on
   * the cells of body k),
   *
   * so that the current into body k is I_k = (chi_k |grad psi| i, 1)_Omega
   * (|grad psi| integrates to 1 across each diffuse face), which converges
   * to the sharp (i, 1)_{Gamma_d} as l -> 0 (rung 6, unit test
   * test_diffuse_li). The faces Gamma_d, if the mesh has them, are then
   * insulating. The sealed and galvanostatic equations are unchanged with
   * these I_k (unit test test_li_bodies_potential: two bodies).
   */
  template <int dim>
  class IonicPotential
  {
  public:
    IonicPotential(const DefectGeometry<dim>        &geometry,
                   const dealii::Triangulation<dim> &tria,
                   const Electrolyte                &material,
                   const ButlerVolmer               &kinetics,
                   double                            stack_pressure,
                   const ElectrochemistryParameters &parameters);
    ~IonicPotential();

    /// the preconditioner of the Newton steps' CG (Solver/Preconditioner;
    /// automatic until set)
    void
    set_preconditioner(PreconditionerKind kind)
    {
      linear_solver.set_kind(kind);
    }

    void
    setup();

    /**
     * Represent the defect by the damage @p damage (ghosted, on @p dofs
     * over the same triangulation, any scalar FE) instead of its faces
     * (the weak form above). Both must live as long as this object is
     * used; call again after they change (the pointers are kept).
     * @p psi_min: the floor of the electrolyte fraction in the
     * conductivity. @p li_bodies, if given, returns (collectively, by
     * active cell index of the locally owned cells) the Li body of each
     * cell, 0 .. n - 1, or -1 for none: the interface current
     * |grad psi| i(eta_d) and the Li fraction are zero on the cells of no
     * body (damage there is an empty crack, which still blocks the ions
     * through psi(d)). Without it every cell is in body 0.
     */
    void
    set_diffuse_li(const dealii::DoFHandler<dim>            &dofs,
                   const dealii::PETScWrappers::MPI::Vector &damage,
                   double                                    psi_min   = 1e-3,
                   std::function<const std::vector<int> &()> li_bodies = {});

    /// The electrolyte fraction psi(d) = 1 - d^2 of the diffuse Li body
    /// (d clipped to [0, 1]) and its derivative.
    static double
    electrolyte_fraction(const double d)
    {
      const double c = std::clamp(d, 0., 1.);
      return 1. - c * c;
    }
    static double
    electrolyte_fraction_derivative(const double d)
    {
      return (d <= 0. || d >= 1.) ? 0. : -2. * d;
    }

    /// Forget the previous solution: the next solve starts from equilibrium
    /// at the stack pressure (use when the operating point jumps far).
    void
    reset()
    {
      initialised = false;
    }

    /// Solve; warm-started from the previous solution. Throws InputError
    /// if Newton fails.
    NewtonStatistics
    solve(const CellDrive &drive, const DefectPressure &pressure);

    /// Electronic potential of the plating electrode [V] (counter at 0).
    double
    electrode_potential() const
    {
      return phi_s;
    }
    /// Defect Li pressure of the last solve (sealed/fixed) [Pa]: that of
    /// body 0.
    double
    defect_pressure() const
    {
      return p_body[0];
    }
    /// The Li pressure of each Li body of the last solve [Pa].
    const std::vector<double> &
    body_pressures() const
    {
      return p_body;
    }
    /// Li pressure on the defect faces at x [Pa].
    double
    face_pressure(const dealii::Point<dim> &x) const;

    /// Integrals over the interfaces of the model.
    struct Interfaces
    {
      double current_defect = 0, current_electrode = 0, current_counter = 0;
      double area_defect = 0, area_electrode = 0, area_counter = 0;
      double mean_eta_defect = 0, mean_eta_electrode = 0;
      double min_eta_defect = 0, max_eta_defect = 0;
      double max_plating_defect = 0; ///< max of -i on the defect faces
      /// the current into each Li body and its interface area (the
      /// defect faces are body 0); current_defect and area_defect are
      /// their sums
      std::vector<double> current_bodies, area_bodies;
    };
    Interfaces
    interfaces() const;

    /// Defect-face vertices (all ranks), sorted by distance to the front.
    std::vector<FaceNode<dim>>
    defect_face_nodes() const;

    /// Add phi_e, current density -kappa grad phi_e (vector and magnitude),
    /// interface overpotential and Li pressure to @p data_out (the objects
    /// must live until build_patches()); with a diffuse Li body also its Li
    /// fraction 1 - psi(d), with eta and p (times the Li fraction) at every
    /// node the body reaches.
    void
    add_output(dealii::DataOut<dim> &data_out);

    const ButlerVolmer &
    get_kinetics() const
    {
      return kinetics;
    }
    dealii::types::global_dof_index
    n_dofs() const
    {
      return dof_handler.n_dofs();
    }
    double
    conductivity() const
    {
      return kappa;
    }

  private:
    struct Assembly;
    struct CellTerms;
    class DiffuseValues;
    /// The residual, and with @p jacobian the matrix and the bordered
    /// vectors, of the current state into @p a; returns the residual norm
    /// including the scalar equations'.
    double
    assemble(const CellDrive      &drive,
             const DefectPressure &pressure,
             bool                  jacobian,
             Assembly             &a);
    /// assemble()'s parts: zero @p a; the Butler-Volmer terms of a cell's
    /// sharp electrode and defect faces; one cell's terms into the global
    /// objects; compress and sum the interface integrals over the ranks.
    void
    begin_assembly(bool jacobian, Assembly &a);
    template <typename Iterator>
    void
    add_electrode_faces(const Iterator            &cell,
                        const CellDrive           &drive,
                        DiffuseValues             &diffuse,
                        dealii::FEFaceValues<dim> &fe_face,
                        CellTerms                 &terms);
    void
    distribute(int cell_body, CellTerms &terms);
    void
    finish_assembly(bool jacobian, Assembly &a);
    /// The drive and sealed equations and their derivatives from the
    /// interface integrals of @p a (summed over the ranks); returns the
    /// sum of their squares.
    double
    scalar_equations(const CellDrive      &drive,
                     const DefectPressure &pressure,
                     bool                  jacobian,
                     Assembly             &a) const;
    /// The state a solve starts from (phi_s, one p per Li body); returns
    /// the number of bodies.
    unsigned int
    start_state(const CellDrive &drive, const DefectPressure &pressure);
    /// The scalar unknowns' Newton update from the Schur complement of the
    /// bordered system: x0 = A^-1 (-R), x_phi = A^-1 b_phi (null: phi_s
    /// known), x_p[k] = A^-1 b_p_k (empty: pressures known); dp has one
    /// entry per body.
    void
    scalar_step(const Assembly                                        &a,
                const dealii::PETScWrappers::MPI::Vector              &x0,
                const dealii::PETScWrappers::MPI::Vector              *x_phi,
                const std::vector<dealii::PETScWrappers::MPI::Vector> &x_p,
                double                                                &dphi,
                std::vector<double> &dp) const;
    double
    interface_pressure(dealii::types::boundary_id id,
                       const dealii::Point<dim>  &x) const;
    double
    interface_phi_s(dealii::types::boundary_id id) const;
    /// Whether boundary faces with @p id carry a sharp Butler-Volmer
    /// interface (electrodes; the defect faces unless a diffuse Li body
    /// replaces them).
    bool
    sharp_interface(dealii::types::boundary_id id) const;
    /// The number of Li bodies (collective): 1 + the largest label of
    /// set_diffuse_li()'s bodies, at least 1.
    unsigned int
    count_bodies() const;
    /// The pressure of body @p k of the last solve (a body the last solve
    /// did not have: the stack pressure).
    double
    body_pressure(const int k) const
    {
      return k >= 0 && std::size_t(k) < p_body.size() ? p_body[k] :
                                                        stack_pressure;
    }

    const DefectGeometry<dim>               &geometry;
    const double                             kappa;
    const ButlerVolmer                       kinetics;
    const double                             stack_pressure;
    const ElectrochemistryParameters         parameters;
    MPI_Comm                                 comm;
    dealii::FE_Q<dim>                        fe;
    dealii::MappingQ1<dim>                   mapping;
    dealii::DoFHandler<dim>                  dof_handler;
    ScalarSolver                             linear_solver;
    dealii::IndexSet                         locally_owned;
    dealii::IndexSet                         locally_relevant;
    dealii::AffineConstraints<double>        constraints;
    dealii::PETScWrappers::MPI::SparseMatrix matrix;
    dealii::PETScWrappers::MPI::Vector       solution; // ghosted
    /// the last Newton step's bordered columns A^-1 b_phi, A^-1 b_p_k: the
    /// start of CG for the next ones (empty after setup())
    dealii::PETScWrappers::MPI::Vector              last_x_phi;
    std::vector<dealii::PETScWrappers::MPI::Vector> last_x_p;
    double                                          phi_s = 0;
    /// the Li pressure of each body (body 0: the defect's)
    std::vector<double> p_body = {0.};
    DefectPressure      last_pressure;
    bool                initialised = false;
    // diffuse Li body (null: the defect faces)
    const dealii::DoFHandler<dim>            *diffuse_dofs   = nullptr;
    const dealii::PETScWrappers::MPI::Vector *diffuse_damage = nullptr;
    double                                    psi_min        = 1e-3;
    std::function<const std::vector<int> &()> li_body;
    // output helpers
    dealii::PETScWrappers::MPI::Vector eta_field, p_field, li_field;
    std::unique_ptr<dealii::DataPostprocessor<dim>> current_postprocessor;
  };
} // namespace lipen
