#pragma once

#include <lipen/base/exceptions.h>
#include <lipen/physics/ionic_potential.h>
#include <lipen/physics/lithium_volume_balance.h>
#include <lipen/simulator/step_model.h>

#include <stdexcept>
#include <string>

namespace lipen
{
  /**
   * The sealed Li-filled defect in time (`Electrochemistry/Sealed transient
   * = true`) as a StepModel: the ionic potential with Butler-Volmer on the
   * defect faces and one Li pressure p(t) closed by the Li volume balance
   * (LithiumVolumeBalance) with the elastic compliance C of the defect,
   *
   *   C dp/dt = (Omega/F) (-I_defect(p)),
   *
   * implicit Euler: I_defect(p) + beta (p - p_old) = 0, beta = C/((Omega/F)
   * dt), solved by the bordered Newton of IonicPotential. The mesh is the
   * frozen sharp-defect mesh (no adaptivity). Statistics per step: time,
   * pressure, defect current, plated Li volume from the balance and the
   * crack volume change C (p - p_0) it must equal (conservation), Newton
   * and CG iterations. A solve that does not converge is cut back by the
   * time-stepper.
   */
  template <int dim>
  class SealedTransientModel : public StepModel
  {
  public:
    /// @p compliance: C of the modelled part (symmetric model);
    /// @p initial_pressure: p at t = 0 (the stack pressure).
    SealedTransientModel(IonicPotential<dim> &potential,
                         const CellDrive     &drive,
                         const double         compliance,
                         const double         initial_pressure,
                         const double         omega_over_F)
      : potential(potential)
      , drive(drive)
      , compliance(compliance)
      , p0(initial_pressure)
      , p_old(initial_pressure)
      , balance(omega_over_F)
    {
    }

    void
    initialise() override
    {
    }
    void
    declare_columns(Table &table) const override
    {
      table = Table("lipen sealed transient of the Li-filled defect");
      table.add_column("step", "-", Table::Kind::integer)
        .add_column("time", "s")
        .add_column("pressure_Pa", "Pa")
        .add_column("defect_current", "A (2D: A/m), of the model")
        .add_column("li_volume_plated", "m^3 (2D: m^2), of the model")
        .add_column("crack_volume_change", "m^3 (2D: m^2), of the model")
        .add_column("newton_iterations", "-", Table::Kind::integer)
        .add_column("linear_iterations", "-", Table::Kind::integer);
    }
    void
    fill_row(Table::Row &row, const StepInfo &info) const override
    {
      row.set("step", info.step)
        .set("time", info.step == 0 ? 0. : info.time)
        .set("pressure_Pa", p_old)
        .set("defect_current", current)
        .set("li_volume_plated", balance.plated())
        .set("crack_volume_change", compliance * (p_old - p0))
        .set("newton_iterations", newton)
        .set("linear_iterations", linear);
    }
    std::string
    description() const override
    {
      return "  sealed transient: C dp/dt = (Omega/F)(-I_defect)";
    }
    StepReport
    solve_step(const double t_new, const StepInfo &) override
    {
      dt = t_new - t_old;
      StepReport report;
      try
      {
        const auto s =
          potential.solve(drive,
                          {DefectPressure::sealed,
                           p_old,
                           balance.sealed_coefficient(compliance, dt),
                           p_old});
        newton = s.newton_iterations;
        linear = s.linear_iterations;
      }
      catch (const NumericalFailure &e)
      {
        report.outcome = StepReport::Outcome::not_converged;
        report.message = e.what();
      }
      return report;
    }
    bool
    wants_redo() const override
    {
      return false;
    }
    double
    step_change() const override
    {
      return 0;
    }
    void
    accept_step(const double t, const StepInfo &) override
    {
      current = potential.interfaces().current_defect;
      balance.accept(current, 0., dt);
      p_old = potential.defect_pressure();
      t_old = t;
    }
    void
    restore_step() override
    {
      // the next solve starts again from p_old (the potential is only a
      // warm start)
    }
    void
    adapt() override
    {
    }
    std::optional<RunStatus>
    stop_reason() const override
    {
      return std::nullopt;
    }
    void
    write_solution(SolutionWriter &, unsigned int, double) override
    {
    }
    void
    write_files(const std::string &) const override
    {
    }
    void
    add_summary(JsonObject &) const override
    {
    }
    void
    save(const std::string &) const override
    {
      throw std::logic_error("the sealed transient writes no checkpoints");
    }
    void
    load(const std::string &, unsigned int) override
    {
      throw std::logic_error("the sealed transient writes no checkpoints");
    }
    void
    forget_solver_state() override
    {
    }

  private:
    IonicPotential<dim> &potential;
    const CellDrive      drive;
    const double         compliance, p0;
    double               p_old, t_old = 0, dt = 0, current = 0;
    unsigned int         newton = 0, linear = 0;
    LithiumVolumeBalance balance;
  };
} // namespace lipen
