#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/physics/ionic_potential.h>
#include <lipen/physics/lithium_volume_balance.h>
#include <lipen/physics/phase_field.h>
#include <lipen/simulator/field_set.h>
#include <lipen/simulator/run_parameters.h>
#include <lipen/simulator/step_model.h>
#include <lipen/simulator/time_stepper.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/distributed/tria.h>

#include <memory>
#include <string>

namespace lipen
{
  /**
   * `Study/Type = phase field` as a StepModel: PhaseFieldFracture under the
   * prescribed Li pressure p(t) or Li volume V_Li(t) of subsection `Phase
   * field`, on the mesh of one FieldSet. With volume loading the
   * prescribed V_Li(t) goes through LithiumVolumeBalance (the balance the
   * sealed closure and the penetration model use), and the crack volume
   * V(u, d) equals it at every step. Per step it records the load,
   * pressure, crack volume, size, tip, penetration, elastic and fracture
   * energies, the external work int p dV (trapezoidal) and the energy
   * balance elastic + fracture - fracture(0) - work, the iteration counts
   * and the mesh size; every staggered iteration goes to
   * staggered_history.csv. A surface crack that reaches the counter
   * electrode (penetration >= H - 2h) stops the run (`short circuit`).
   *
   * **Plating loading (Li penetration, issue 17).** The damaged crack is a
   * Li body at the plating electrode's potential: the ionic potential of
   * subsection `Electrochemistry` on the same mesh carries it as a diffuse
   * Li body (IonicPotential::set_diffuse_li), and its volume grows by the
   * plating current I into it,
   *
   *   V_Li(t + dt) = V_Li(t) + dt (Omega/F)(-I(p(t + dt))),
   *   V_crack(u, d) = V_Li  (p: Lagrange multiplier of the crack volume),
   *
   * implicit in p. The coupling lives inside the staggered iteration of
   * the phase field: with the damage of the iteration fixed, the crack
   * volume is affine in p, V_crack = V0 + C p (C from one elastic solve
   * without other loads, else the secant of the last two), and the ionic
   * potential solves the sealed step
   *
   *   I(p) + C/((Omega/F) dt) (p - (V_Li(t) - V0)/C) = 0
   *
   * monolithically with phi_e (so no step overshoots the pressure at which
   * plating stops, p <= F|phi_s - phi_e|/Omega). u = u(p) and the damage
   * update follow; at convergence of the staggered iteration the plated
   * volume fills the crack exactly. The ionic potential sees the damage of
   * the current staggered iterate; it is rebuilt (from equilibrium) on
   * every new mesh. (An outer iteration on p around whole phase-field
   * solves, tried first, cost 4-9 phase-field solves per step.)
   *
   * **Several Li bodies** (a second flaw at the electrode): each body k
   * has its own pressure and balance (li for body 0, bodies for 1, 2,
   * ...). With the compliance matrix C = dV/dp of the bodies' crack
   * volumes (AffineSecant in the solver), the sealed step is, for each k,
   *
   *   V0_k + sum_j C_kj p_j
   *     = V_Li,k(t) + dt (Omega/F)(-I_k) - dt G_m (p_k - p_s),
   *
   * solved by the ionic potential with one pressure per body
   * (bodies_step()), subject to p_k >= 0: a body whose Li cannot fill
   * its crack at p_k = 0 holds p_k = 0 and a crack volume above its Li
   * (DefectPressure::nonnegative, a complementarity). The bodies are found
   * again each step at their anchors (map_li_bodies()); a merged body's Li
   * joins the body it merged into; li_bodies.csv logs every body.
   */
  template <int dim>
  class PhaseFieldModel : public StepModel
  {
  public:
    /// @p for_restart: build the coarse mesh only (load() reads the rest).
    PhaseFieldModel(const RunParameters &parameters,
                    MPI_Comm             comm,
                    bool                 for_restart);

    /// The time-stepper rules of subsection `Phase field` and `Checkpoint`.
    static TimeStepperParameters
    stepper_parameters(const RunParameters &parameters);

    void
    initialise() override;
    void
    declare_columns(Table &table) const override;
    void
    fill_row(Table::Row &row, const StepInfo &info) const override;
    std::string
    description() const override;
    StepReport
    solve_step(double t_new, const StepInfo &info) override;
    /// The next start time of Electrochemistry/Current density schedule.
    double
    next_load_change(double t) const override;
    bool
    wants_redo() const override;
    double
    step_change() const override;
    void
    accept_step(double t, const StepInfo &info) override;
    void
    restore_step() override;
    void
    restore_for_redo() override;
    void
    adapt() override;
    std::optional<RunStatus>
    stop_reason() const override;
    void
    write_solution(SolutionWriter &writer,
                   unsigned int    step,
                   double          t) override;
    void
    write_files(const std::string &dir) const override;
    void
    add_summary(JsonObject &summary) const override;
    void
    save(const std::string &dir) const override;
    void
    load(const std::string &dir, unsigned int step) override;
    void
    forget_solver_state() override;

  private:
    /// NumericalFailure naming the field, the step and the time if a field
    /// of the trial state is not finite (collective).
    void
    require_finite(const StepInfo &info, double t_new) const;
    using Metrics = typename PhaseFieldFracture<dim>::Metrics;

    /// What the ionic potential of a plating step gave.
    struct Plating
    {
      double       current                 = 0; ///< I into the Li [A(/m)]
      double       ionic_pressure          = 0; ///< p of the sealed step
      double       cell_voltage            = 0; ///< phi_counter - phi_s
      double       applied_current_density = 0; ///< [A/m^2]
      unsigned int coupling = 0, newton = 0, linear = 0;
      double       seconds = 0; ///< wall time in the ionic-potential solves
    };

    bool
    plating() const
    {
      return pf.loading == Loading::plating;
    }
    /// Q = G_m (p - p_s) of the trial step: the Li volume leaving through
    /// the mouth per second (Electrochemistry/Mouth conductance) to the
    /// electrode's Li at the stack pressure p_s (negative: it flows in).
    double
    mouth_flux() const;
    /// The same for a body at pressure @p p.
    double
    mouth_flux(double p) const;
    /// The work of the Li pressures in the trial step, trapezoidal: for
    /// each body of the trial state 1/2 (p_start + p) (V - V_start) of its
    /// whole crack volume (stack-only volume included); the start of a
    /// body that accepted bodies merged into holds their volumes and
    /// their volume-weighted mean pressure.
    double
    li_work() const;
    /// Append the staggered iterations of the last solve to the history.
    void
    record_iterations(const StepInfo &info);
    /// The ionic potential (made on first use) on the current mesh, with
    /// the damage as its Li body, started again from equilibrium.
    void
    rebuild_potential();
    /// One step of the penetration coupling (see the class comment).
    StepReport
    solve_plating_step(double t_new, const StepInfo &info);
    /// Map the accepted Li bodies 1, 2, ... onto the bodies of the step's
    /// start (solver.refresh_li_bodies()): body j goes to the body at its
    /// anchor (0 when it merged into the defect's, -1 when none holds it,
    /// which loses no Li: it stays with the defect's body).
    void
    map_li_bodies();
    /// Book one ionic-potential solve in plating_trial (iterations, body
    /// 0's current and pressure, cell voltage, current density); returns
    /// the interfaces.
    typename IonicPotential<dim>::Interfaces
    record_ionic_solve(const NewtonStatistics &ns);
    /// The sealed step of n Li bodies (the BodiesClosure of the solver):
    /// C_eff (p - p_old) = V_old - V0 - C_eff p_old ... see the .cc.
    std::vector<double>
    bodies_step(const std::vector<double>        &V0,
                const dealii::FullMatrix<double> &C,
                const CellDrive                  &step_drive,
                double                            dt);

    const RunParameters                              &parameters;
    const PhaseFieldParameters                       &pf;
    MPI_Comm                                          comm;
    const DefectGeometry<dim>                         geometry;
    dealii::parallel::distributed::Triangulation<dim> tria;
    FieldSet<dim>                                     fields;
    PhaseFieldFracture<dim>                           solver;
    std::unique_ptr<dealii::FunctionParser<1>>        load_function;

    // the accepted state's record and the trial state of the current step
    Metrics                                      accepted, trial;
    typename PhaseFieldFracture<dim>::StepResult result;
    double                                       load_value = 0, trial_load = 0;
    /// Li volume in the crack (volume loading: the prescribed V_Li(t),
    /// booked through the one Li volume balance of lipen)
    LithiumVolumeBalance li;
    double               work = 0, fracture0 = 0;
    double      min_increment = 0; ///< smallest over all accepted steps
    std::string history;           ///< staggered_history.csv rows

    // plating loading: the ionic potential with the crack as its Li body
    const ButlerVolmer                   kinetics;
    const CellDrive                      drive;
    std::unique_ptr<IonicPotential<dim>> potential;
    /// Li bodies 1, 2, ... at the electrode besides the defect's (whose
    /// balance is li): each one's Li balance and anchor (the position of
    /// its first broken electrode node, li_bodies()), the accepted ones
    struct LiBody
    {
      LithiumVolumeBalance li;
      dealii::Point<dim>   anchor;
      double               pressure = 0, current = 0, crack_volume = 0;
    };
    std::vector<LiBody> bodies;
    /// the step's bodies 1, 2, ... (from the mapping, trial currents and
    /// pressures) and where each accepted body went (map_li_bodies())
    std::vector<LiBody> bodies_trial;
    std::vector<int>    body_map;
    /// the Li of accepted bodies that merged into the defect's body this
    /// step (or that no body holds any more)
    double merged_volume = 0;
    /// Append the accepted bodies' rows to li_bodies.csv.
    void
    log_bodies(unsigned int step, double t);
    /// li_bodies.csv rows (every body, every accepted step)
    std::string bodies_log;
    Plating     plating_accepted, plating_trial;
    /// wall time in the u, d and ionic-potential solves of every attempt
    /// (cut back, redone or accepted) since this process started the run
    double seconds_u = 0, seconds_d = 0, seconds_phi = 0;
    double t_accepted = 0;
    /// when the crack size and pressure last changed (`Arrest time`)
    struct
    {
      double time = 0, size = 0, pressure = 0;
    } arrest;
  };

  /// Run `Study/Type = phase field` (or continue it from
  /// parameters.restart); returns how it ended.
  RunOutcome
  run_phase_field(const RunParameters        &parameters,
                  MPI_Comm                    comm,
                  dealii::ConditionalOStream &pcout);
} // namespace lipen
