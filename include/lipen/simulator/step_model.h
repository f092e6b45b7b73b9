#pragma once

#include <lipen/base/run_status.h>
#include <lipen/output/json.h>
#include <lipen/output/table.h>

#include <limits>
#include <optional>
#include <string>

namespace lipen
{
  class SolutionWriter;

  /// Where the time-stepper is, handed to the model with every call that
  /// needs it (statistics row, staggered-iteration log).
  struct StepInfo
  {
    unsigned int step     = 0; ///< the step being solved or just accepted
    unsigned int attempt  = 0; ///< solves of this step so far (1 = first)
    double       time     = 0; ///< end of the step
    unsigned int cutbacks = 0;
    unsigned int redos    = 0;
    double       wall     = 0; ///< wall time since the run started [s]
    /// the accepted step's step_change() (0: the model sets no limit)
    double change = 0;
  };

  /// How one solve of a step ended.
  struct StepReport
  {
    enum class Outcome
    {
      converged,
      not_converged, ///< the time-stepper may cut the step back
      failed         ///< no cut-back helps: the run stops with `failed`
    };
    Outcome     outcome = Outcome::converged;
    std::string message; ///< why it did not converge or failed
  };

  /**
   * The interface of a time-dependent model run by TimeStepper. The model
   * owns its physics objects; its fields live on the mesh of a FieldSet,
   * which transfers them on refinement and writes them into checkpoints.
   *
   * Sequence of one step (see TimeStepper): solve_step() from the accepted
   * state to t_new; if converged, the stepper may ask for a redo on a
   * refined mesh (wants_redo(): adapt(), restore_for_redo(), solve again) or
   * cut the step back when step_change() exceeds 1 (restore_step(),
   * smaller step); then accept_step(), fill_row() for the statistics, and
   * adapt() for the next step, whose size follows step_change().
   */
  class StepModel
  {
  public:
    virtual ~StepModel() = default;

    /// Set up the initial state (t = 0) of a new run.
    virtual void
    initialise() = 0;

    /// Declare the columns of the per-step statistics table, once.
    virtual void
    declare_columns(Table &table) const = 0;
    /// Fill the columns of the accepted state (or of the initial state for
    /// step 0).
    virtual void
    fill_row(Table::Row &row, const StepInfo &info) const = 0;
    /// A few words for the screen, printed once before the table.
    virtual std::string
    description() const = 0;

    /// The next time after @p t at which the load changes abruptly (a
    /// step of a piecewise-constant current): no step crosses it. +inf
    /// when none.
    virtual double
    next_load_change(const double t) const
    {
      (void)t;
      return std::numeric_limits<double>::infinity();
    }

    /// Solve the step from the accepted state to @p t_new.
    virtual StepReport
    solve_step(double t_new, const StepInfo &info) = 0;
    /// After a converged solve: the solution outran the mesh, so the mesh
    /// should be refined and the step redone.
    virtual bool
    wants_redo() const = 0;
    /// After a converged solve: the largest change of the step (crack
    /// advance, pressure change) in units of what one step may change, 0
    /// when the model sets no limit. Above 1 the stepper cuts the step
    /// back; the next step is scaled by min(growth, 0.8/change).
    virtual double
    step_change() const = 0;
    virtual void
    accept_step(double t, const StepInfo &info) = 0;
    virtual void
    restore_step() = 0;
    /// Before a redo on the refined mesh: the accepted state is again the
    /// start of the step (its irreversibility bound, history, Li volume),
    /// but the model may keep the attempt's converged iterate, transferred
    /// by adapt(), as the first guess of the redo. Default: restore_step().
    virtual void
    restore_for_redo()
    {
      restore_step();
    }
    /// Refine and coarsen the mesh for the current state and transfer all
    /// fields (no-op for a model without adaptivity).
    virtual void
    adapt() = 0;

    /// A physical end of the run reached by the accepted state: none (go
    /// on), RunStatus::short_circuit or RunStatus::arrested.
    virtual std::optional<RunStatus>
    stop_reason() const = 0;

    /// Write the fields of the accepted state for ParaView.
    virtual void
    write_solution(SolutionWriter &writer, unsigned int step, double t) = 0;
    /// Write the model's own files (e.g. an iteration log) into @p dir, on
    /// rank 0, atomically.
    virtual void
    write_files(const std::string &dir) const = 0;
    /// Entries of summary.json that describe the model (constants, not the
    /// per-step columns).
    virtual void
    add_summary(JsonObject &summary) const = 0;

    /// Write the fields and the model's own state into the checkpoint
    /// directory @p dir (collective; scalars by rank 0).
    virtual void
    save(const std::string &dir) const = 0;
    /// Read what save() wrote, on any number of ranks, instead of
    /// initialise(). @p step is the step of the checkpoint: logs keep
    /// only what belongs to steps up to it.
    virtual void
    load(const std::string &dir, unsigned int step) = 0;
    /// Forget warm starts (preconditioners, active-set guesses) so that a
    /// run continued from a checkpoint and the run that wrote it follow
    /// the same path.
    virtual void
    forget_solver_state() = 0;
  };
} // namespace lipen
