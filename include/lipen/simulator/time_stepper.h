#pragma once

#include <lipen/base/run_status.h>
#include <lipen/output/json.h>
#include <lipen/output/solution_output.h>
#include <lipen/output/table.h>
#include <lipen/simulator/step_model.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <mpi.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /// Subsection `Checkpoint`: when a time-dependent run writes a
  /// checkpoint (it always does on SIGTERM/SIGINT/SIGUSR1).
  struct CheckpointParameters
  {
    unsigned int steps = 0; ///< every this many steps; 0: never
    double minutes     = 0; ///< every this many minutes of wall time; 0: never
    unsigned int keep  = 2; ///< checkpoints kept (the newest)

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

  /// How a run ended: its status, the reason (failed, interrupted) and the
  /// numbers of its last statistics row (plus time_to_short_circuit_s), for
  /// the study table.
  struct RunOutcome
  {
    RunStatus                                   status = RunStatus::completed;
    std::string                                 reason;
    std::vector<std::pair<std::string, double>> values;
  };

  /// The rules of one time loop, filled by each model from its parameters.
  struct TimeStepperParameters
  {
    double end_time     = 1;
    double max_step     = 0.1; ///< largest step
    double initial_step = 0;   ///< first step; 0: max_step
    double growth       = 2;   ///< dt *= growth after a clean step
    /// the run stops (`failed`) when dt falls below this times max_step
    double       min_step_fraction = 1e-9;
    unsigned int max_cutbacks      = 6;  ///< halvings of one step
    unsigned int max_redos         = 10; ///< redos of one step on a finer mesh
    unsigned int output_interval   = 1;  ///< ParaView output every N steps
    bool         write_solution    = true;
    /// the entry that bounds the cut-backs, for the failure message
    std::string          cutback_entry = "Maximum cut-backs";
    CheckpointParameters checkpoint;
  };

  /**
   * The one time loop of lipen's time-dependent models (ASPECT's questions
   * each step: repeat it? refine? stop?). From t to t + dt:
   * - solve the step; if it does not converge, restore and halve dt
   *   (at most max_cutbacks times, then stop with `failed`);
   * - if the model wants the step redone on a refined mesh, adapt, restore
   *   and solve again (at most max_redos times);
   * - if the model's step_change() exceeds 1 (crack advance, pressure
   *   change), restore and halve dt, unless the change did not shrink
   *   with the step (an unstable jump of the crack: accepted);
   * - accept, append the statistics row (statistics.csv and the screen
   *   line come from the same Table), write ParaView output every
   *   output_interval steps, stop on the model's stop reason (`short
   *   circuit`, `arrested`), adapt the mesh, and size the next step:
   *   dt *= min(growth, 0.8/change) after a step without cut-back (the
   *   step kept otherwise), at most max_step;
   * - checkpoint every N steps / T minutes and on SIGTERM, SIGINT or SIGUSR1
   * (then stop with `interrupted`);
   * - stop with `failed` when dt has fallen below min_step_fraction times
   *   the largest step (a load that cannot be followed, e.g. singular at a
   *   finite time): the loop never stalls.
   * On every exit path summary.json is written with the status
   * (`completed`, `short circuit`, `arrested`, `failed` with the reason,
   * `interrupted`), the final row and the model's own entries.
   *
   * With an empty directory nothing is written (a sub-problem inside another
   * analysis; no checkpoints) and the caller reads statistics().
   *
   * Checkpoints are directories DIR/checkpoints/step-NNNNNN written under a
   * temporary name and renamed when complete; DIR/checkpoints/latest names
   * the newest. A checkpoint holds the mesh and all fields (FieldSet), the
   * model's scalars, the stepper's state, the statistics rows and the
   * parameters of the run.
   */
  class TimeStepper
  {
  public:
    TimeStepper(StepModel                   &model,
                const TimeStepperParameters &parameters,
                const std::string           &directory,
                MPI_Comm                     comm,
                dealii::ConditionalOStream  &pcout);

    /**
     * Run the model to the end (or a stop) and return the status.
     * @p summary holds the header entries of summary.json (program,
     * geometry, ...). @p parameters_text is the run's parameters.prm; with
     * a non-empty @p restart (a checkpoint directory) the run continues
     * from there instead of calling initialise().
     */
    RunOutcome
    run(const JsonObject  &summary,
        const std::string &parameters_text,
        const std::string &restart);

    /// The checkpoint directory that `--restart` without a path means:
    /// the one named in DIR/checkpoints/latest. InputError if none.
    static std::string
    latest_checkpoint(const std::string &directory);

    /// Compare the parameters stored in a checkpoint with the current
    /// ones: entries that change the physics or the discretisation are
    /// refused (InputError naming the entry); harmless ones (output, end
    /// time, checkpoints) are returned as "Entry: old -> new" lines.
    static std::vector<std::string>
    compare_parameters(const std::string &stored, const std::string &current);

    /// The statistics table of the run (all rows so far).
    const Table &
    statistics() const
    {
      return table;
    }

  private:
    /// The initial state (step 0) or the state of the checkpoint @p restart.
    void
    start(const std::string &restart);
    /// Solve the step to @p t_new with cut-backs and redos; false (with
    /// @p failure) if it cannot be done.
    bool
    solve_step(StepInfo &info, double &t_new, std::string &failure);
    /// Accept the solved step, record and write it; returns the model's
    /// stop reason (none: go on).
    std::optional<RunStatus>
    finish_step(StepInfo &info, double t_new);
    /// Write a checkpoint when one is due; true when a signal asked to stop.
    bool
    checkpoint_if_due(const std::string &parameters_text);
    bool
    finished() const
    {
      return t >= prm.end_time * (1. - 1e-12);
    }
    /// Wall time of the run, restarts included [s].
    double
    elapsed() const;

    void
    write_statistics() const;
    void
    write_summary(RunStatus status, const std::string &reason) const;
    void
    write_checkpoint(const std::string &parameters_text);
    void
    read_checkpoint(const std::string &dir);

    StepModel                  &model;
    const TimeStepperParameters prm;
    const std::string           directory;
    MPI_Comm                    comm;
    dealii::ConditionalOStream &pcout;
    const bool                  root;

    Table          table;
    SolutionWriter writer;
    JsonObject     header;
    dealii::Timer  wall;
    double         last_checkpoint = 0;
    std::string    restarted_from;
    double         wall_offset = 0;

    // the stepper's state (what a checkpoint stores)
    double       t = 0, dt = 0;
    unsigned int step = 0;
    double       time_to_short_circuit;
  };
} // namespace lipen
