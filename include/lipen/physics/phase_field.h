#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/physics/elasticity.h>
#include <lipen/physics/energy_split.h>
#include <lipen/physics/phase_field_parameters.h>
#include <lipen/simulator/field_set.h>
#include <lipen/solvers/amg_solver.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/numerics/data_out.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lipen
{
  /// History variable H = max over time of psi+ at one quadrature point,
  /// transferable between meshes (L2 projection onto discontinuous Q1).
  struct HistoryPoint : dealii::TransferableQuadraturePointData
  {
    double H = 0;
    unsigned int
    number_of_values() const override
    {
      return 1;
    }
    void
    pack_values(std::vector<double> &v) const override
    {
      v[0] = H;
    }
    void
    unpack_values(const std::vector<double> &v) override
    {
      H = std::max(v[0], 0.);
    }
  };

  /**
   * Phase-field fracture of a Li-pressurised crack (model.md 3.1, 3.5):
   * displacement u (Q1^dim) and damage d (Q1) on one distributed, adaptive
   * p4est mesh, solved by alternate minimisation of
   *
   *   Psi(u, d) = int g(d) psi+(eps(u)) + psi-(eps(u)) dx
   *             + G_c/c_w int ( w(d)/l + l |grad d|^2 ) dx
   *             - p V(u, d) - (boundary loads) . u,
   *   V(u, d)   = - int u . grad d dx  [- int_{notch faces} u . n ds],
   *
   * g(d) = (1-d)^2 + k, AT2: w = d^2, c_w = 2; AT1: w = d, c_w = 8/3.
   * G_c is the material's, or with `Toughness correction = cell size`
   * G_c / (1 + 3h/(8l)) (AT1), G_c / (1 + h/(2l)) (AT2) with h the measured
   * process-zone cell size, which removes the discrete excess of the
   * toughness a crack on cells of size h dissipates (model_toughness()).
   *
   * Elasticity (d fixed): find u with the constraints of the geometry such
   * that for all v
   *   ( g(d) sigma+(eps u) + sigma-(eps u), eps(v) )
   *       = - p (grad d, v) - (p n, v)_{notch faces} + (t, v)_{Gamma_N},
   * nonlinear for the splits, solved by Newton (tangent of energy_split.h,
   * backtracking on the residual) with CG + GAMG (rigid-body modes).
   *
   * Damage (u fixed), with the history H = max(H_n, psi+(eps u)):
   *   minimise  int g(d) H + G_c/c_w (w(d)/l + l |grad d|^2) + p u.grad d
   *   subject to  d_n <= d <= 1,
   * i.e. the bound-constrained quadratic problem
   *   ( (2H + a_w) d, e ) + ( a_g grad d, grad e ) = ( 2H - b_w, e ) - p (u,
   * grad e) with a_w = G_c/l, a_g = G_c l, b_w = 0 (AT2) and a_w = 0, a_g = 3
   * G_c l/4, b_w = 3 G_c/(8 l) (AT1). The reaction term
   * ((2H + a_w) d, e) is mass-lumped, which keeps the matrix an M-matrix
   * (no under- or overshoot of d, no cycling of the active set).
   * Irreversibility is enforced twice: by the history field and by the lower
   * bound d >= d_n of a primal-dual active-set solve (which also supplies AT1's
   * d >= 0 and elastic threshold). Each active-set iteration is a CG +
   * BoomerAMG solve.
   *
   * Plating loading: the pressures act only on the Li bodies, the damage
   * connected to the plating electrode (li_body.h): body 0 the defect's,
   * bodies 1, 2, ... other broken cores at the electrode, each with its
   * own pressure p_k. With chi_k = 1 on the cells of body k and 0
   * elsewhere, V_k(u, d) = - int chi_k u . grad d dx, the load
   * - sum_k p_k (chi_k grad d, v) and the damage term
   * sum_k p_k (chi_k u, grad e). Damage outside every body is an empty,
   * traction-free crack.
   *
   * Initial crack: `damage band` sets d = 1 at the nodes within one
   * process-zone cell h of the defect faces (so a whole layer of cells is
   * broken; the faces then carry u.n = 0 like the rest of the symmetry
   * plane); `notch` keeps the
   * meshed slit with the pressure on its faces. Volume and energies are for
   * the whole body (model_copies() of the symmetric model).
   */
  template <int dim>
  class PhaseFieldFracture
  {
  public:
    struct Iteration
    {
      unsigned int index      = 0;
      double       residual_u = 0; ///< |R_u| / |f| with the new d
      double       change_d   = 0; ///< max |d_k - d_(k-1)|
      unsigned int newton     = 0;
      unsigned int krylov_u   = 0;
      unsigned int krylov_d   = 0;
      unsigned int active_set = 0;
      double       pressure   = 0;
      /// cells of the Li body (all ranks) the iteration ended with
      unsigned long li_cells = 0;
    };

    struct StepResult
    {
      bool                   converged = false;
      std::vector<Iteration> history;
      unsigned int newton = 0, krylov_u = 0, krylov_d = 0, active_set = 0,
                   volume_iterations = 0;
      /// wall time in the displacement (Newton, with the stack-only
      /// reference solves) and damage (active set) solves [s]
      double      seconds_u = 0, seconds_d = 0;
      std::string message; ///< why it failed
    };

    struct Metrics
    {
      double pressure        = 0;
      double crack_volume    = 0; ///< whole body
      double elastic_energy  = 0;
      double fracture_energy = 0;
      /// initial defect plus (E_frac - E_frac(0)) / G_c,eff: length (2D)
      /// or area (3D) of the whole crack
      double crack_measure = 0;
      double crack_size    = 0; ///< a or c from crack_measure
      /// farthest d >= 1/2 of the defect's Li body (of all damage when
      /// the bodies are not tracked) from the origin, and where it is
      double             tip_distance = 0;
      dealii::Point<dim> tip;
      /// surface defects: depth of the deepest d >= 1/2 of any Li body
      double penetration_depth = 0;
      /// surface defects, plating: the same for each Li body (labels of
      /// li_body(); 0 for a body without a d >= 1/2 point)
      std::vector<double> body_depths;
      double min_damage_increment = 0; ///< min (d - d_n) over nodes
      double max_damage           = 0;
      /// plating: whole-body measure (area in 2D, volume in 3D) of the
      /// broken material (d >= 1/2) outside the Li body: empty cracks
      double detached_damage = 0;
      /// plating: the part of detached_damage in the cells at the Li
      /// electrode (damage at the electrode is in a Li body, so this is 0
      /// unless the body walk misses some)
      double detached_at_electrode = 0;
      /// plating: the Li bodies at the electrode (li_bodies()): the
      /// defect's plus one per broken core at the electrode that is not
      /// connected to it, each with its own Li and pressure (0: not
      /// tracked)
      unsigned int li_bodies = 0;
      /// work of the boundary tractions (far-field stress, stack pressure
      /// weighted by g(d)) from the step's start (u_n, d_n) to this state,
      /// trapezoidal: 1/2 int (t(d_n) + t(d)) . (u - u_n) ds, with t(d_n) =
      /// 0 when u_n = 0 (the unloaded initial state: the loads are ramped
      /// in the first step, so that its work is Clapeyron's 1/2 t . u)
      double boundary_work = 0;
      /// the crack volume of each body (0: the defect's) in the stack-only
      /// state, which crack_volume and crack_volumes() leave out (empty
      /// without a stack pressure): the work of the Li pressure is p dV of
      /// the whole crack volume -(u, grad d)
      std::vector<double> volume_offsets;
    };

    /// The fields u, u_n, d, d_n and the history live on the mesh of
    /// @p fields, which transfers them on refinement and writes them into
    /// checkpoints.
    PhaseFieldFracture(const DefectGeometry<dim>  &geometry,
                       FieldSet<dim>              &fields,
                       const Electrolyte          &material,
                       const LoadParameters       &loads,
                       const PhaseFieldParameters &parameters,
                       const ElasticityParameters &solver);

    /// Refine around the initial crack to the process-zone cell size, set
    /// up the DoFs and compute the initial damage (the optimal profile
    /// about the damage band, or 0 for a notch).
    void
    initialise();

    /**
     * The pressure of a crack whose Li volume depends on the pressure (the
     * Li plated in a step): given the crack volume as the affine function
     * V(p) = V0 + C p of the current damage (C > 0, whole body), the
     * closure returns the p at which the Li volume equals V(p).
     */
    using VolumeClosure = std::function<double(double V0, double C)>;
    /**
     * The same for n Li bodies (li_body() labels 0 .. n-1): given the crack
     * volumes as the affine function V(p) = V0 + C p of the pressures of
     * the bodies (C: the n x n compliance matrix dV_k/dp_j, whole body),
     * the closure returns the pressures at which each body's Li volume
     * equals its crack volume.
     */
    using BodiesClosure =
      std::function<std::vector<double>(const std::vector<double>        &V0,
                                        const dealii::FullMatrix<double> &C)>;

    /// Solve one load step by alternate minimisation (Anderson-accelerated
    /// fixed point d -> d_hat(u(d)), or over-relaxed): @p load is the
    /// pressure [Pa] (pressure loading) or the Li volume (volume loading).
    /// With a @p closure (plating loading), @p load is ignored: in every
    /// staggered iteration the pressure and u solve V_crack(u, d) = V(p)
    /// with the closure's Li volume. With @p bodies too, a step that
    /// starts with more than one Li body gives each its own pressure
    /// (AffineSecant through @p bodies); otherwise bodies 1, 2, ... hold
    /// no Li.
    StepResult
    solve_step(double               load,
               const VolumeClosure &closure = {},
               const BodiesClosure &bodies  = {});

    /// The scalars of the state that the fields do not hold (pressure,
    /// initial fracture energy), for checkpoints; the fields themselves are
    /// saved and loaded by the FieldSet.
    std::vector<double>
    scalar_state() const;
    /// Set the scalars after the FieldSet loaded the fields (instead of
    /// initialise()).
    void
    set_scalar_state(const std::vector<double> &state);
    /// Forget the warm starts (AMG hierarchy of u, active set of d).
    void
    forget_solver_state();

    /// Make the current state the start of the next step (updates H).
    void
    accept_step();
    /// Return to the state at the start of the step; with @p keep_iterate
    /// (a redo on the refined mesh) u, d and p stay as the attempt left
    /// them, as the first guess (d_n, the history and the Li volume are
    /// the step's start either way).
    void
    restore_step(bool keep_iterate = false);

    /// True when every cell with d or max(H, psi+) above the thresholds
    /// (the driving force at max(Refinement driving force fraction, 1/2)
    /// of the AT1 threshold) has h <= process-zone cell size.
    bool
    process_zone_resolved() const;
    /// Refine (and coarsen) by the thresholds, transferring u, d, the step
    /// state and the history. Returns whether the mesh changed.
    bool
    adapt_mesh();

    Metrics
    metrics() const;

    /// Whether the Li bodies are tracked (plating loading): then only the
    /// damage connected to the electrode (li_body.h) carries Li pressure
    /// and volume, the tip is that of the defect's body and the
    /// penetration depth that of the deepest body. Pressure- and
    /// volume-loaded runs load all damage.
    bool
    tracks_li_body() const
    {
      return band && prm.loading == Loading::plating;
    }
    /// By active cell index: the Li body of the locally owned or ghost
    /// cell (li_bodies() of li_body.h: 0 the defect's, 1, 2, ... the other
    /// bodies at the electrode, -1 none; 0 for every cell when the body is
    /// not tracked). Recomputed from d when d has changed; collective.
    const std::vector<int> &
    li_body() const;
    /// Label the Li bodies of the current d afresh (as at the start of a
    /// step; solve_step() does it too); collective.
    void
    refresh_li_bodies();
    /// The bodies of the last refresh: the position of each one's first
    /// broken electrode node (body 0: the origin).
    const std::vector<dealii::Point<dim>> &
    li_body_anchors() const
    {
      return li_anchors;
    }
    /// The Li body (label) at point @p x: the largest label of the locally
    /// owned cells whose bounding box holds @p x (-1: none); collective.
    int
    li_body_at(const dealii::Point<dim> &x) const;

    /// Add displacement, damage, stress, driving force, history to @p out.
    /// @p cell_data holds the cell fields until the patches are built.
    void
    add_output(dealii::DataOut<dim>               &out,
               std::vector<dealii::Vector<float>> &cell_data) const;

    double
    length_scale() const
    {
      return ell;
    }
    double
    process_zone_h() const
    {
      return h_pz;
    }
    double
    critical_energy_release_rate() const
    {
      return Gc_material;
    }
    /// The G_c of the damage energy: the material's, or with `Toughness
    /// correction = cell size` G_c / (1 + 3h/(8l)) (AT1), G_c / (1 +
    /// h/(2l)) (AT2) with h = measured_cell_size().
    double
    model_toughness() const
    {
      return Gc;
    }
    /// The longest side of the largest cell within 5 l of the initial crack
    /// that the initial refinement left at most h_pz (h_pz/2 < h <= h_pz
    /// on a mesh of equal coarse cells); h_pz if there is none.
    double
    measured_cell_size() const
    {
      return h_measured;
    }
    /// G_c,model (1 + h/(2l)) for AT2, G_c,model (1 + 3h/(8l)) for AT1
    /// (a single-node crest; a growing pressurised AT2 crack dissipates
    /// ~G_c (1 + h/l)); h = h_pz, or the measured h when the toughness is
    /// corrected (then this is the material's G_c).
    double
    effective_toughness() const;
    double
    pressure() const
    {
      return p;
    }
    /// The Li pressure of each body (body 0: pressure()); bodies without
    /// their own pressure are at 0.
    std::vector<double>
    body_pressures() const
    {
      std::vector<double> all{p};
      all.insert(all.end(), p_more.begin(), p_more.end());
      all.resize(std::max<std::size_t>(all.size(), li_body_count), 0.);
      return all;
    }
    /// Whole-body crack volume of each Li body of li_body() (less its
    /// stack-only reference under a stack pressure); collective.
    std::vector<double>
    crack_volumes() const;
    dealii::types::global_dof_index
    n_dofs_u() const
    {
      return dof_u.n_dofs();
    }
    dealii::types::global_dof_index
    n_dofs_d() const
    {
      return dof_d.n_dofs();
    }
    const dealii::DoFHandler<dim> &
    get_dof_handler_u() const
    {
      return dof_u;
    }
    const dealii::PETScWrappers::MPI::Vector &
    get_damage() const
    {
      return d;
    }
    const dealii::DoFHandler<dim> &
    get_dof_handler_d() const
    {
      return dof_d;
    }

  private:
    using CellIt = typename dealii::Triangulation<dim>::cell_iterator;

    /// metrics(): the crack measure (initial defect + (E_frac -
    /// E_frac(0)) / G_c,eff) and the crack size from m.fracture_energy
    void
    set_crack_size(Metrics &m) const;

    /// Adds the wall time of its scope to @p total.
    struct ScopedWallTime
    {
      double       &total;
      dealii::Timer timer;
      ~ScopedWallTime()
      {
        total += timer.wall_time();
      }
    };

    void
    setup_dofs();
    /// Assemble the Newton system (matrix only if @p with_matrix) at the
    /// current u, d and pressure; returns |R| over |f|.
    double
    assemble_u(bool with_matrix, double pressure_value);
    /// Newton for u at fixed d and pressure; false if it fails.
    bool
    solve_u(double pressure_value, StepResult &r, Iteration &it);
    /// u at the trial pressure @p pa (the current p, or 1e-6 E before any
    /// pressure) and its crack volume @p Va, which must be positive (else
    /// an InputError naming @p loading loading); false if u fails.
    bool
    solve_trial_pressure(const std::string &loading,
                         double            &pa,
                         double            &Va,
                         StepResult        &r,
                         Iteration         &it);
    /// Pressure (secant iteration) and u with V_crack(u, d) = @p target.
    bool
    solve_for_volume(double target, StepResult &r, Iteration &it);
    /// Pressure and u with V_crack(u(p), d) = the closure's Li volume at p:
    /// V_crack(p) is linear (one solve, scaled) without other loads, else
    /// its secant through the last two solves is handed to the closure
    /// until the two agree.
    bool
    solve_for_closure(const VolumeClosure &closure,
                      StepResult          &r,
                      Iteration           &it);
    /// The same for several Li bodies: their pressures and u from
    /// AffineSecant with the closure @p bodies.
    bool
    solve_for_bodies(const BodiesClosure &bodies, StepResult &r, Iteration &it);
    /// Under a stack pressure: u_reference, the displacement of the
    /// current damage under the stack alone (every Li pressure 0), and the
    /// crack volume of each body there (volume_reference(s)); false if u
    /// fails.
    bool
    solve_stack_reference(StepResult &r, Iteration &it);
    /// The Li pressure on the cells of body @p label (-1: none, 0).
    double
    pressure_of(const int label) const
    {
      return label == 0 ? p :
             label > 0 && std::size_t(label) <= p_more.size() ?
                          p_more[label - 1] :
                          0.;
    }
    /// Whole-body crack volume of the current u, d, less volume_reference.
    double
    crack_volume() const;
    /// Metrics::boundary_work of the current u, d; collective.
    double
    boundary_work() const;
    /// The load on boundary faces with @p id: the traction t n with t =
    /// the far-field stress, or -(stack pressure) on the electrodes, where
    /// it is weighted by g(d) = (1 - d)^2 (@p by_damage); t = 0 elsewhere
    /// (the Li pressure on a notch's crack faces is the Li's load).
    void
    boundary_traction(dealii::types::boundary_id id,
                      double                    &t,
                      bool                      &by_damage) const;
    /// g(d) of the stack traction, d clamped to [0, 1].
    static double
    traction_weight(const double d)
    {
      const double c = std::clamp(d, 0., 1.);
      return (1. - c) * (1. - c);
    }
    /// Hanging nodes, the band (d = 1) and, if given, the active set
    /// (-1: d = d_n, +1: d = 1).
    void
    make_damage_constraints(const dealii::PETScWrappers::MPI::Vector *active,
                            dealii::AffineConstraints<double>        &c) const;
    /// The damage system with constraints @p c (if @p system), or the
    /// gradient A d - b of the damage energy and diag(A).
    void
    assemble_d(const dealii::AffineConstraints<double> &c,
               bool                                     system,
               dealii::PETScWrappers::MPI::Vector      &residual,
               dealii::PETScWrappers::MPI::Vector      &diagonal);
    /// Damage sub-problem by the primal-dual active-set method.
    void
    solve_d(StepResult &r, Iteration &it);
    /// d = the projection of @p x onto d_n <= d <= 1, constraints applied.
    void
    set_projected_damage(const dealii::PETScWrappers::MPI::Vector &x);
    /// Cells (by active index) where the crack is or is about to be: d or
    /// max(H, psi+) above their thresholds (@p driving_fraction of the
    /// AT1 threshold 3 G_c/(16 l)).
    std::vector<bool>
    process_zone_cells(double driving_fraction) const;
    /// The longest side of @p cell (refined until it is at most h_pz).
    double
    cell_size(const CellIt &cell) const;
    /// Whether Phase field/Initial damage is positive at one of the 3^dim
    /// points (vertices, edge and face midpoints, centre) of @p cell.
    bool
    has_initial_damage(const CellIt &cell) const;
    /// d_n = d = max(d_n, Initial damage) at every node (constraints
    /// applied); an InputError if the function is not finite at a node.
    void
    apply_initial_damage();
    /// Measure h (measured_cell_size()) on the current mesh and set the
    /// G_c of the damage energy from it; collective.
    void
    set_model_toughness();
    /// The largest cell size the initial refinement allows at @p cell:
    /// h_pz within 5 l of the initial crack, h_pz + g (r - 5 l) beyond,
    /// g = min(Geometry/Grading, gamma sqrt(l/c)) with gamma = Grading about
    /// the crack (infinite for gamma = 0).
    double
    graded_cell_size(const CellIt &cell) const;
    /// FEValues of u and d on one cell and u, eps(u), d, grad d at its
    /// quadrature points (QGauss(2)).
    struct CellState
    {
      CellState(const dealii::Mapping<dim>       &mapping,
                const dealii::FiniteElement<dim> &fe_u,
                const dealii::FiniteElement<dim> &fe_d);
      const dealii::QGauss<dim>                    quadrature;
      dealii::FEValues<dim>                        u, d;
      std::vector<dealii::SymmetricTensor<2, dim>> eps;
      std::vector<dealii::Tensor<1, dim>>          uv, dg;
      std::vector<double>                          dv;
    };
    /// body(cell_u, cell_d, state) on every locally owned cell, with the
    /// state evaluated for the current u and d.
    template <typename Body>
    void
    for_each_owned_cell(Body &&body) const;

    double
    history_threshold() const
    {
      return 3. * Gc / (16. * ell);
    }

    const DefectGeometry<dim>                         &geometry;
    FieldSet<dim>                                     &fields;
    dealii::parallel::distributed::Triangulation<dim> &tria;
    const Electrolyte                                  material;
    const LoadParameters                               loads;
    const PhaseFieldParameters                         prm;
    const ElasticityParameters                         solver_prm;
    const EnergySplit                                  split;
    MPI_Comm                                           comm;
    const double                                       lambda, mu;
    /// the material's G_c and the one of the damage energy (the same
    /// unless the toughness is corrected for the cell size)
    const double Gc_material;
    double       Gc  = 0;
    double       ell = 0, h_pz = 0;
    /// measured_cell_size()
    double     h_measured = 0;
    const bool band;
    /// Phase field/Initial damage (null when it is 0)
    std::unique_ptr<dealii::FunctionParser<dim>> initial_damage;
    double                                       p = 0, p_n = 0;
    double                                       load_norm = 0;
    /// Plating under a stack pressure: the displacement of the current
    /// damage under the stack alone (zero Li pressure) and its crack
    /// volume. The Li volume is V_Li = -(u - u_reference, grad d): the
    /// stack moves the electrode face and the band with it, which is no
    /// volume for the Li, and the -p V_Li term of the damage equation then
    /// has no source on the compressed electrode face.
    double volume_reference = 0;
    /// the same for bodies 1, 2, ...
    std::vector<double> volume_references;
    /// the Li pressures of bodies 1, 2, ... of li_body() (body 0: p), now
    /// and at the step's start; empty while they hold no Li
    std::vector<double> p_more, p_more_n;
    /// the Li bodies of the current d (li_body()), recomputed when stale,
    /// and how many li_bodies() found
    mutable std::vector<int> li_cells;
    /// the bodies of the step's start (their number and anchors, the
    /// positions of their first electrode node, li_bodies()), and the
    /// number the last li_bodies() found
    mutable unsigned int                    li_body_count = 1;
    mutable std::vector<dealii::Point<dim>> li_anchors;
    mutable unsigned int                    li_body_found  = 1;
    mutable bool                            li_cells_stale = true;
    /// within a step's staggered iterations the body only grows (the
    /// union with the last one; set from the second computation of a step)
    bool                               li_grow_only = false;
    dealii::PETScWrappers::MPI::Vector u_reference; // ghosted
    bool                               has_u_reference         = false;
    double                             initial_fracture_energy = 0;
    /// last active set of the damage problem (-1 lower, 0, +1 upper) for
    /// the locally owned DoFs, reused as the next starting guess
    std::vector<double> active_set;
    bool                amg_valid      = false;
    unsigned int        amg_iterations = 0; ///< CG its after the last rebuild
    /// locally relevant damage DoFs of the initial band (d = 1)
    std::vector<dealii::types::global_dof_index> band_dofs;

    dealii::MappingQ1<dim>            mapping;
    dealii::FESystem<dim>             fe_u;
    dealii::FE_Q<dim>                 fe_d;
    dealii::DoFHandler<dim>           dof_u, dof_d;
    dealii::IndexSet                  owned_u, relevant_u, owned_d, relevant_d;
    dealii::AffineConstraints<double> constraints_u, constraints_d;
    /// hanging-node constraints of d alone (for transferred fields)
    dealii::AffineConstraints<double> hanging_d;

    dealii::PETScWrappers::MPI::SparseMatrix matrix_u, matrix_d;
    dealii::PETScWrappers::MPI::Vector       rhs_u, rhs_d;
    /// ghosted states: current and start of step
    dealii::PETScWrappers::MPI::Vector            u, u_n, d, d_n;
    dealii::CellDataStorage<CellIt, HistoryPoint> history;
    ElasticityAMGSolver                           amg_u;
    ScalarSolver                                  scalar_d;
    std::vector<double>                           rigid_body_coordinates;
  };
} // namespace lipen
