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
    /// Q = G_m p of the trial step: the Li volume leaving through the mouth
    /// per second (Electrochemistry/Mouth conductance).
    double
    mouth_flux() const;
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
    /// the warning of warn_second_li_body() is printed once per run
    bool warned_second_li_body = false;
    /// plating: warns (rank 0, once) when the accepted state has broken
    /// material at the Li electrode outside the Li body
    void
    warn_second_li_body(double t);

    // plating loading: the ionic potential with the crack as its Li body
    const ButlerVolmer                   kinetics;
    const CellDrive                      drive;
    std::unique_ptr<IonicPotential<dim>> potential;
    /// the Li body labels the ionic potential sees: 0 on the cells of
    /// body 0 of solver.li_body(), -1 elsewhere (only the defect's body
    /// holds Li)
    std::vector<int> li_labels;
    Plating          plating_accepted, plating_trial;
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
