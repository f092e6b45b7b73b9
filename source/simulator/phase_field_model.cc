#include <lipen/base/constants.h>
#include <lipen/base/exceptions.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/solution_output.h>
#include <lipen/simulator/phase_field_model.h>

#include <deal.II/base/mpi.h>
#include <deal.II/numerics/data_out.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  template <int dim>
  PhaseFieldModel<dim>::PhaseFieldModel(const RunParameters &parameters,
                                        MPI_Comm             comm,
                                        const bool           for_restart)
    : parameters(parameters)
    , pf(parameters.phase_field)
    , comm(comm)
    , geometry(parameters.geometry)
    , tria(comm, Triangulation<dim>::limit_level_difference_at_vertices)
    // the mesh is built before the FieldSet takes it over: the coarse
    // mesh only when a checkpoint will be loaded into it
    , fields(((for_restart ? geometry.create_coarse_for_load(tria) :
                             geometry.create_mesh(tria)),
              tria))
    , solver(geometry,
             fields,
             parameters.electrolyte,
             parameters.loads,
             pf,
             parameters.elasticity)
    , load_function(pf.load_function())
    , li(parameters.lithium.molar_volume() / constants::faraday)
    , kinetics(parameters.electrolyte.exchange_current_density(
                 parameters.temperature),
               parameters.electrochemistry.alpha_anodic,
               parameters.electrochemistry.alpha_cathodic,
               parameters.temperature,
               parameters.lithium.molar_volume())
    , drive(operating_drive(parameters.electrochemistry))
  {
  }

  template <int dim>
  TimeStepperParameters
  PhaseFieldModel<dim>::stepper_parameters(const RunParameters &parameters)
  {
    const auto           &pf = parameters.phase_field;
    TimeStepperParameters s;
    s.end_time        = pf.end_time;
    s.max_step        = pf.end_time / pf.time_steps;
    s.initial_step    = std::min(pf.initial_step, s.max_step);
    s.max_cutbacks    = pf.max_cutbacks;
    s.max_redos       = pf.adaptive ? pf.max_refinement_redos : 0;
    s.output_interval = pf.output_interval;
    s.write_solution  = parameters.output.write_solution;
    s.cutback_entry   = "Phase field/Maximum cut-backs";
    s.checkpoint      = parameters.checkpoint;
    return s;
  }

  template <int dim>
  std::string
  PhaseFieldModel<dim>::description() const
  {
    std::ostringstream out;
    out << "lipen: phase-field fracture, "
        << to_string(geometry.parameters().defect) << " (" << dim << "D), "
        << to_string(pf.model) << ", split " << to_string(pf.split) << ", "
        << to_string(pf.loading) << " loading, "
        << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s), build "
        << LIPEN_BUILD_TYPE << "\n"
        << "  G_c = " << solver.critical_energy_release_rate()
        << " J/m^2, l = " << solver.length_scale()
        << " m, h = " << solver.process_zone_h() << " m, ";
    if (pf.correct_toughness)
      out << "damage energy with G_c / (1 + "
          << (pf.model == DamageModel::AT1 ? "3h/(8l)" : "h/(2l)")
          << "), h measured after the initial refinement (summary.json: "
             "G_c_model_J_per_m2, process_zone_cell_size_measured_m)";
    else
      out << "G_c,eff = " << solver.effective_toughness() << " J/m^2";
    return out.str();
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::initialise()
  {
    solver.initialise();
    accepted  = solver.metrics();
    trial     = accepted;
    fracture0 = accepted.fracture_energy;
    arrest    = {0., accepted.crack_size, accepted.pressure};
    li.set_volume(accepted.crack_volume);
    history = "step,attempt,iteration,residual_u,damage_change,pressure_Pa,"
              "newton,krylov_u,krylov_d,active_set,li_cells\n";
    if (plating())
    {
      // bodies 1, 2, ... at the electrode besides the defect's: empty
      // cracks at the start, filled with what they open
      const auto &anchors = solver.li_body_anchors();
      const auto  V       = solver.crack_volumes();
      bodies.clear();
      for (unsigned int k = 1; k < anchors.size(); ++k)
      {
        bodies.push_back(
          {LithiumVolumeBalance(li.volume_per_coulomb()), anchors[k]});
        bodies.back().li.set_volume(V[k]);
        bodies.back().crack_volume = V[k];
      }
      bodies_log = "step,time,body,anchor_x,anchor_y," +
                   std::string(dim == 3 ? "anchor_z," : "") +
                   "pressure_Pa,li_volume,crack_volume,li_current_A,"
                   "plated_volume,extruded_volume,depth_m\n";
      log_bodies(0, 0.);
      rebuild_potential();
    }
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::log_bodies(const unsigned int step, const double t)
  {
    std::ostringstream rows;
    rows << std::setprecision(10);
    const auto row = [&](const unsigned int          k,
                         const Point<dim>           &anchor,
                         const double                p,
                         const LithiumVolumeBalance &balance,
                         const double                V,
                         const double                I)
    {
      rows << step << ',' << t << ',' << k;
      for (unsigned int c = 0; c < dim; ++c)
        rows << ',' << anchor[c];
      rows << ',' << p << ',' << balance.volume() << ',' << V << ',' << I << ','
           << balance.plated() << ',' << balance.extruded() << ','
           << (k < accepted.body_depths.size() ? accepted.body_depths[k] : 0.)
           << '\n';
    };
    row(0,
        Point<dim>(),
        accepted.pressure,
        li,
        accepted.crack_volume,
        plating_accepted.current);
    for (unsigned int k = 0; k < bodies.size(); ++k)
      row(k + 1,
          bodies[k].anchor,
          bodies[k].pressure,
          bodies[k].li,
          bodies[k].crack_volume,
          bodies[k].current);
    bodies_log += rows.str();
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::map_li_bodies()
  {
    const auto &anchors = solver.li_body_anchors();
    bodies_trial.clear();
    for (unsigned int k = 1; k < anchors.size(); ++k)
      bodies_trial.push_back(
        {LithiumVolumeBalance(li.volume_per_coulomb()), anchors[k]});
    body_map.assign(bodies.size(), 0);
    merged_volume = 0;
    for (unsigned int j = 0; j < bodies.size(); ++j)
    {
      const int k    = solver.li_body_at(bodies[j].anchor);
      auto     &from = bodies[j].li;
      if (k >= 1 && k <= int(bodies_trial.size()))
      {
        auto &to = bodies_trial[k - 1].li;
        to.restore(to.plated() + from.plated(),
                   to.extruded() + from.extruded());
        body_map[j] = k;
      }
      else
        merged_volume += from.volume(); // joins the defect's body
    }
  }

  template <int dim>
  typename IonicPotential<dim>::Interfaces
  PhaseFieldModel<dim>::record_ionic_solve(const NewtonStatistics &ns)
  {
    ++plating_trial.coupling;
    plating_trial.newton += ns.newton_iterations;
    plating_trial.linear += ns.linear_iterations;
    plating_trial.seconds += ns.seconds;
    const auto I = potential->interfaces();
    // body 0's (the defect's) current and pressure
    plating_trial.current = I.current_bodies[0] * geometry.model_copies();
    plating_trial.ionic_pressure = potential->defect_pressure();
    plating_trial.cell_voltage   = -potential->electrode_potential();
    plating_trial.applied_current_density =
      I.current_counter / std::max(I.area_counter, 1e-300);
    return I;
  }

  template <int dim>
  std::vector<double>
  PhaseFieldModel<dim>::bodies_step(const std::vector<double>        &V0,
                                    const dealii::FullMatrix<double> &C,
                                    const CellDrive &step_drive,
                                    const double     dt)
  {
    // the sealed step of each body k: its Li volume V_old,k + dt (Omega/F)
    // (-I_k) - dt G_m (p_k - p_s) fills its crack V0_k + sum_j C_kj p_j,
    // i.e.
    //   I_k + sum_j beta_kj (p_j - p_old,j) = 0,
    //   beta = C_eff / (copies (Omega/F) dt), C_eff = C + dt G_m I,
    //   p_old = C_eff^-1 (V_old - V0 + dt G_m p_s)
    const unsigned int n      = V0.size();
    const double       copies = geometry.model_copies();
    const double       oF     = li.volume_per_coulomb();
    AssertThrow(n == 1 + bodies_trial.size(),
                ExcDimensionMismatch(n, 1 + bodies_trial.size()));
    FullMatrix<double> C_eff(C);
    for (unsigned int k = 0; k < n; ++k)
      C_eff(k, k) += dt * parameters.electrochemistry.mouth_conductance;
    Vector<double> rhs(n), p_old(n);
    const double   inflow = -dt * mouth_flux(0.); // dt G_m p_s
    rhs[0]                = li.volume() + merged_volume - V0[0] + inflow;
    for (unsigned int k = 1; k < n; ++k)
      rhs[k] = bodies_trial[k - 1].li.volume() - V0[k] + inflow;
    FullMatrix<double> inverse(C_eff);
    inverse.gauss_jordan();
    inverse.vmult(p_old, rhs);
    DefectPressure pressure{DefectPressure::sealed};
    pressure.body_beta.resize(n * n);
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int j = 0; j < n; ++j)
        pressure.body_beta[k * n + j] = C_eff(k, j) / (copies * oF * dt);
    pressure.body_p_old.assign(p_old.begin(), p_old.end());
    // Li does not hold tension: a body opened by its neighbours beyond its
    // Li holds p = 0 and fills its crack only partly (README, 'One
    // pressure per Li body')
    pressure.nonnegative = true;
    const auto  I = record_ionic_solve(potential->solve(step_drive, pressure));
    const auto &p = potential->body_pressures();
    for (unsigned int k = 1; k < n; ++k)
    {
      bodies_trial[k - 1].current  = I.current_bodies[k] * copies;
      bodies_trial[k - 1].pressure = p[k];
    }
    return p;
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::rebuild_potential()
  {
    if (!potential)
      potential =
        std::make_unique<IonicPotential<dim>>(geometry,
                                              tria,
                                              parameters.electrolyte,
                                              kinetics,
                                              parameters.loads.stack_pressure,
                                              parameters.electrochemistry);
    potential->set_preconditioner(parameters.elasticity.preconditioner);
    potential->setup();
    potential->set_diffuse_li(solver.get_dof_handler_d(),
                              solver.get_damage(),
                              1e-3,
                              [this]() -> const std::vector<int> &
                              {
                                return solver.li_body();
                              });
    potential->reset();
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::declare_columns(Table &table) const
  {
    using K = Table::Kind;
    table   = Table(
      "lipen phase-field run: whole-body quantities (2D: per unit "
        "thickness). crack_size from the fracture energy / G_c,eff; tip = "
        "farthest point of the d = 1/2 contour (linear along cell edges) from "
        "the crack origin; energy_balance = elastic + fracture - fracture(0) - "
        "external_work (trapezoidal: int p dV of each Li body's whole "
        "crack volume plus the work int t.du of a far-field stress and of "
        "the g(d)-weighted stack pressure, ramped in the first step); "
        "energy_balance_relative = energy_balance / |external_work|, nan "
        "while no work has been done");
    table.add_column("step", "-", K::integer, "step", 5)
      .add_column("time", "s", K::real, "t", 11, 4)
      .add_column("load",
                  pf.loading == Loading::volume ? "m^3 (2D: m^2)" : "Pa")
      .add_column("li_volume", "m^3 (2D: m^2)")
      .add_column("pressure_Pa", "Pa", K::real, "p [Pa]", 13, 6)
      .add_column("crack_volume", "m^3 (2D: m^2)", K::real, "V", 13, 6)
      .add_column("crack_measure", "m^2 (2D: m)")
      .add_column("crack_size_m", "m", K::real, "size [m]", 12, 6)
      .add_column("tip_distance_m", "m", K::real, "tip [m]", 12, 6)
      .add_column("penetration_depth_m", "m")
      .add_column("tip_x", "m")
      .add_column("tip_y", "m");
    if (dim == 3)
      table.add_column("tip_z", "m");
    table.add_column("elastic_energy_J", "J (2D: J/m)")
      .add_column("fracture_energy_J", "J (2D: J/m)")
      .add_column("external_work_J", "J (2D: J/m)")
      .add_column("energy_balance_J", "J (2D: J/m)")
      .add_column("max_damage", "-")
      .add_column("min_damage_increment", "-")
      .add_column("staggered_iterations", "-", K::integer, "stag", 7)
      .add_column("newton_iterations", "-", K::integer)
      .add_column("krylov_u", "-", K::integer, "KSP_u", 7)
      .add_column("krylov_d", "-", K::integer, "KSP_d", 7)
      .add_column("active_set_iterations", "-", K::integer)
      .add_column("volume_iterations", "-", K::integer)
      .add_column("final_residual", "-")
      .add_column("final_damage_change", "-")
      .add_column("cutbacks", "-", K::integer, "cuts", 6)
      .add_column("redos", "-", K::integer)
      .add_column("cells", "-", K::integer, "cells", 10)
      .add_column("dofs_u", "-", K::integer)
      .add_column("dofs_d", "-", K::integer)
      .add_column("wall_s", "s")
      .add_column("seconds_u", "s")
      .add_column("seconds_d", "s")
      .add_column("energy_balance_relative", "-", K::real, "balance", 10, 2);
    if (plating())
      table.add_column("cell_voltage_V", "V", K::real, "U [V]", 12, 5)
        .add_column("applied_current_density_A_per_m2", "A/m^2")
        .add_column("li_current_A", "A (2D: A/m)", K::real, "I_Li", 12, 4)
        .add_column("plated_volume", "m^3 (2D: m^2)")
        .add_column("extruded_volume", "m^3 (2D: m^2)")
        .add_column("ionic_pressure_Pa", "Pa")
        .add_column("coupling_iterations", "-", K::integer, "cpl", 5)
        .add_column("ionic_newton_iterations", "-", K::integer)
        .add_column("ionic_linear_iterations", "-", K::integer)
        .add_column("dofs_phi", "-", K::integer)
        .add_column("seconds_phi", "s")
        .add_column("detached_damage", "m^3 (2D: m^2)")
        .add_column("detached_at_electrode", "m^3 (2D: m^2)")
        .add_column("li_bodies", "-", K::integer);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::fill_row(Table::Row &row, const StepInfo &info) const
  {
    const Metrics &m = accepted;
    const double   balance =
      m.elastic_energy + m.fracture_energy - fracture0 - work;
    row.set("step", info.step)
      .set("time", info.step == 0 ? 0. : info.time)
      .set("load", load_value)
      .set("li_volume", li.volume())
      .set("pressure_Pa", m.pressure)
      .set("crack_volume", m.crack_volume)
      .set("crack_measure", m.crack_measure)
      .set("crack_size_m", m.crack_size)
      .set("tip_distance_m", m.tip_distance)
      .set("penetration_depth_m", m.penetration_depth)
      .set("tip_x", m.tip[0])
      .set("tip_y", m.tip[1]);
    if (dim == 3)
      row.set("tip_z", m.tip[dim - 1]);
    const bool step0 = info.step == 0;
    row.set("elastic_energy_J", m.elastic_energy)
      .set("fracture_energy_J", m.fracture_energy)
      .set("external_work_J", work)
      .set("energy_balance_J", balance)
      .set("max_damage", m.max_damage)
      .set("min_damage_increment", m.min_damage_increment)
      .set("staggered_iterations", step0 ? 0. : double(result.history.size()))
      .set("newton_iterations", step0 ? 0. : result.newton)
      .set("krylov_u", step0 ? 0. : result.krylov_u)
      .set("krylov_d", step0 ? 0. : result.krylov_d)
      .set("active_set_iterations", step0 ? 0. : result.active_set)
      .set("volume_iterations", step0 ? 0. : result.volume_iterations)
      .set("final_residual",
           step0 || result.history.empty() ? 0 :
                                             result.history.back().residual_u)
      .set("final_damage_change",
           step0 || result.history.empty() ? 0 : result.history.back().change_d)
      .set("cutbacks", info.cutbacks)
      .set("redos", info.redos)
      .set("cells", tria.n_global_active_cells())
      .set("dofs_u", solver.n_dofs_u())
      .set("dofs_d", solver.n_dofs_d())
      .set("wall_s", info.wall)
      .set("seconds_u", seconds_u)
      .set("seconds_d", seconds_d)
      .set("energy_balance_relative",
           balance == 0 ? 0. :
           work == 0    ? std::numeric_limits<double>::quiet_NaN() :
                          balance / std::abs(work));
    if (plating())
    {
      const Plating &e = plating_accepted;
      row.set("cell_voltage_V", e.cell_voltage)
        .set("applied_current_density_A_per_m2", e.applied_current_density)
        .set("li_current_A", e.current)
        .set("plated_volume", li.plated())
        .set("extruded_volume", li.extruded())
        .set("ionic_pressure_Pa", e.ionic_pressure)
        .set("coupling_iterations", step0 ? 0. : e.coupling)
        .set("ionic_newton_iterations", step0 ? 0. : e.newton)
        .set("ionic_linear_iterations", step0 ? 0. : e.linear)
        .set("dofs_phi", double(potential->n_dofs()))
        .set("seconds_phi", seconds_phi)
        .set("detached_damage", m.detached_damage)
        .set("detached_at_electrode", m.detached_at_electrode)
        .set("li_bodies", double(m.li_bodies));
    }
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::record_iterations(const StepInfo &info)
  {
    std::ostringstream rows;
    rows << std::setprecision(6);
    for (const auto &it : result.history)
      rows << info.step << ',' << info.attempt << ',' << it.index << ','
           << it.residual_u << ',' << it.change_d << ',' << it.pressure << ','
           << it.newton << ',' << it.krylov_u << ',' << it.krylov_d << ','
           << it.active_set << ',' << it.li_cells << '\n';
    history += rows.str();
    seconds_u += result.seconds_u;
    seconds_d += result.seconds_d;
    seconds_phi += plating() ? plating_trial.seconds : 0.;
  }

  template <int dim>
  StepReport
  PhaseFieldModel<dim>::solve_plating_step(const double    t_new,
                                           const StepInfo &info)
  {
    const double dt     = t_new - t_accepted;
    const double copies = geometry.model_copies();
    plating_trial       = Plating();
    // a piecewise-constant current: the segment of the step (no step
    // crosses a segment's start, next_load_change())
    CellDrive step_drive = drive;
    if (step_drive.kind == CellDrive::current_density)
      step_drive.value = parameters.electrochemistry.current_density_at(
        0.5 * (t_accepted + t_new));
    // the sealed step of the Li body at the current damage: the Li volume
    // V_old + dt (Omega/F)(-I(p)) fills the crack, whose volume is
    // V0 + C p, i.e. I + C/((Omega/F) dt) (p - (V_old - V0)/C) = 0,
    // solved with phi_e (monolithic: p never passes the pressure at which
    // plating stops)
    const auto closure = [&](const double V0, const double C)
    {
      // with a mouth conductance G_m the step also loses dt G_m (p - p_s)
      // through the mouth to the electrode's Li at the stack pressure p_s
      // (implicit): the same equation with C + dt G_m, and dt G_m p_s more
      const double G_m   = parameters.electrochemistry.mouth_conductance;
      const double C_eff = C + dt * G_m;
      const double p_ref =
        (li.volume() + merged_volume - V0 - dt * mouth_flux(0.)) / C_eff;
      DefectPressure sealed{DefectPressure::sealed,
                            0.,
                            li.sealed_coefficient(C_eff / copies, dt),
                            p_ref};
      sealed.nonnegative = true; // Li holds no tension (bodies_step())
      const auto ns      = potential->solve(step_drive, sealed);
      record_ionic_solve(ns);
      return plating_trial.ionic_pressure;
    };
    // bodies 1, 2, ...: each its own sealed step (bodies_step())
    solver.refresh_li_bodies();
    map_li_bodies();
    const auto several =
      [&](const std::vector<double> &V0, const dealii::FullMatrix<double> &C)
    {
      return bodies_step(V0, C, step_drive, dt);
    };
    StepReport report;
    try
    {
      result = solver.solve_step(0., closure, several);
    }
    catch (const NumericalFailure &e)
    {
      result.converged = false;
      result.message   = e.what();
    }
    record_iterations(info);
    if (!result.converged)
    {
      report.outcome = StepReport::Outcome::not_converged;
      report.message = result.message;
      return report;
    }
    trial = solver.metrics();
    trial_load =
      li.trial_volume(plating_trial.current, mouth_flux(), dt) + merged_volume;
    if (!bodies_trial.empty())
    {
      const auto V = solver.crack_volumes();
      for (unsigned int k = 0; k < bodies_trial.size(); ++k)
        bodies_trial[k].crack_volume = V[k + 1];
    }
    require_finite(info, t_new);
    return report;
  }

  template <int dim>
  double
  PhaseFieldModel<dim>::mouth_flux(const double p) const
  {
    return parameters.electrochemistry.mouth_conductance *
           (p - parameters.loads.stack_pressure);
  }

  template <int dim>
  double
  PhaseFieldModel<dim>::mouth_flux() const
  {
    return mouth_flux(plating_trial.ionic_pressure);
  }

  template <int dim>
  double
  PhaseFieldModel<dim>::next_load_change(const double t) const
  {
    return parameters.electrochemistry.next_current_change(t);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::require_finite(const StepInfo &info,
                                       const double    t_new) const
  {
    // a NaN or Inf in a field shows in the step's integrals (energies,
    // volume, pressure) and in the damage norm; the norm is collective, so
    // every rank stops here together
    const std::pair<const char *, double> values[] = {
      {"damage d (its l2 norm)", solver.get_damage().l2_norm()},
      {"displacement u (the elastic energy)", trial.elastic_energy},
      {"damage d (the fracture energy)", trial.fracture_energy},
      {"crack volume", trial.crack_volume},
      {"Li pressure", trial.pressure},
      {"Li volume", trial_load},
      {"ionic potential (the plating current)", plating_trial.current},
      {"ionic potential (the cell voltage)", plating_trial.cell_voltage}};
    for (const auto &[field, value] : values)
      if (!std::isfinite(value))
        throw NumericalFailure(
          std::string("the ") + field + " is not finite (" +
          std::to_string(value) + ") in step " + std::to_string(info.step) +
          " at t = " + std::to_string(t_new) +
          " s: the run stops here; check the load and material entries");
  }

  template <int dim>
  StepReport
  PhaseFieldModel<dim>::solve_step(const double t_new, const StepInfo &info)
  {
    if (plating())
      return solve_plating_step(t_new, info);
    trial_load = load_function->value(Point<1>(t_new));
    result     = solver.solve_step(trial_load);
    record_iterations(info);
    StepReport report;
    if (!result.converged)
    {
      report.outcome = StepReport::Outcome::not_converged;
      report.message = result.message;
      return report;
    }
    trial = solver.metrics();
    require_finite(info, t_new);
    return report;
  }

  template <int dim>
  bool
  PhaseFieldModel<dim>::wants_redo() const
  {
    return pf.adaptive && !solver.process_zone_resolved();
  }

  template <int dim>
  double
  PhaseFieldModel<dim>::step_change() const
  {
    double change = 0;
    if (pf.max_advance > 0)
      change = (trial.crack_size - accepted.crack_size) /
               (pf.max_advance * solver.length_scale());
    if (plating() && pf.max_pressure_change > 0)
    {
      // relative to the pressure, and at least to the pressure that
      // grows a defect of this size, K_Ic/sqrt(pi c)
      const double scale = std::max(
        {std::abs(accepted.pressure),
         std::abs(trial.pressure),
         parameters.electrolyte.fracture_toughness /
           std::sqrt(constants::pi * geometry.parameters().defect_size)});
      change = std::max(change,
                        std::abs(trial.pressure - accepted.pressure) /
                          (pf.max_pressure_change * scale));
    }
    return change;
  }

  template <int dim>
  double
  PhaseFieldModel<dim>::li_work() const
  {
    const auto offset = [](const Metrics &m, const unsigned int k)
    {
      return k < m.volume_offsets.size() ? m.volume_offsets[k] : 0.;
    };
    // each trial body's start: the accepted bodies that went into it
    // (their volumes, volume-weighted mean pressure; their plain mean
    // while they hold no volume); a body that no accepted body went into
    // appeared in the step and starts from V = 0, p = 0
    const unsigned int  n = 1 + bodies_trial.size();
    std::vector<double> V0(n, 0.), pV0(n, 0.), p_sum(n, 0.), count(n, 0.);
    const auto add = [&](const unsigned int k, const double p, double V)
    {
      V0[k] += V;
      pV0[k] += p * V;
      p_sum[k] += p;
      count[k] += 1;
    };
    add(0, accepted.pressure, accepted.crack_volume + offset(accepted, 0));
    if (plating())
      for (unsigned int j = 0; j < bodies.size() && j < body_map.size(); ++j)
      {
        const unsigned int k = std::max(body_map[j], 0);
        if (k < n)
          add(k,
              bodies[j].pressure,
              bodies[j].crack_volume + offset(accepted, j + 1));
      }
    double W = 0;
    for (unsigned int k = 0; k < n; ++k)
    {
      const double V =
        (k == 0 ? trial.crack_volume : bodies_trial[k - 1].crack_volume) +
        offset(trial, k);
      const double p  = k == 0 ? trial.pressure : bodies_trial[k - 1].pressure;
      const double p0 = V0[k] > 0    ? pV0[k] / V0[k] :
                        count[k] > 0 ? p_sum[k] / count[k] :
                                       0.;
      W += 0.5 * (p0 + p) * (V - V0[k]);
    }
    return W;
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::accept_step(const double t, const StepInfo &info)
  {
    solver.accept_step();
    work += li_work() + trial.boundary_work;
    accepted   = trial;
    load_value = trial_load;
    // the Li fills the crack: plated, prescribed V_Li(t), or whatever
    // volume the prescribed pressure opens
    if (plating())
    {
      // the Li of bodies that merged into the defect's joins its balance
      for (unsigned int j = 0; j < bodies.size(); ++j)
        if (body_map[j] <= 0)
          li.restore(li.plated() + bodies[j].li.plated(),
                     li.extruded() + bodies[j].li.extruded());
      li.accept(plating_trial.current, mouth_flux(), t - t_accepted);
      plating_accepted = plating_trial;
      for (auto &b : bodies_trial)
        b.li.accept(b.current, mouth_flux(b.pressure), t - t_accepted);
      bodies = bodies_trial;
    }
    else
      li.set_volume(pf.loading == Loading::volume ? trial_load :
                                                    accepted.crack_volume);
    if (plating())
      log_bodies(info.step, t);
    t_accepted    = t;
    min_increment = std::min(min_increment, accepted.min_damage_increment);
    // the state the arrest clock runs from: reset whenever the crack grows
    // by l/100 or p changes by 0.1 % from it
    if (std::abs(accepted.crack_size - arrest.size) >
          0.01 * solver.length_scale() ||
        std::abs(accepted.pressure - arrest.pressure) >
          1e-3 * std::max(std::abs(accepted.pressure), 1e-300))
      arrest = {t, accepted.crack_size, accepted.pressure};
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::restore_step()
  {
    solver.restore_step();
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::restore_for_redo()
  {
    solver.restore_step(/*keep_iterate=*/pf.warm_redos);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::adapt()
  {
    if (!pf.adaptive)
      return;
    solver.adapt_mesh();
    if (plating())
      rebuild_potential();
  }

  template <int dim>
  std::optional<RunStatus>
  PhaseFieldModel<dim>::stop_reason() const
  {
    const auto &gp = geometry.parameters();
    if (at_li_electrode(gp.defect) &&
        accepted.penetration_depth >= gp.height - 2. * solver.process_zone_h())
      return RunStatus::short_circuit;
    if (pf.arrest_time > 0 && t_accepted - arrest.time >= pf.arrest_time)
      return RunStatus::arrested;
    if (pf.final_crack_size > 0 && accepted.crack_size >= pf.final_crack_size)
      return RunStatus::completed;
    if (pf.final_tip_distance > 0 &&
        accepted.tip_distance >= pf.final_tip_distance)
      return RunStatus::completed;
    return std::nullopt;
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::write_solution(SolutionWriter    &writer,
                                       const unsigned int step,
                                       const double       t)
  {
    DataOut<dim> out;
    out.attach_triangulation(tria);
    std::vector<Vector<float>> cell_data;
    solver.add_output(out, cell_data);
    if (plating())
      potential->add_output(out);
    out.build_patches();
    writer.write_patches(out, step, t, comm);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::write_files(const std::string &dir) const
  {
    write_file_atomically(dir + "/staggered_history.csv", history);
    if (plating())
      write_file_atomically(dir + "/li_bodies.csv", bodies_log);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::add_summary(JsonObject &s) const
  {
    s.add("model", to_string(pf.model))
      .add("energy_split", to_string(pf.split))
      .add("loading", to_string(pf.loading))
      .add("initial_crack", to_string(pf.initial_crack))
      .add("G_c_J_per_m2", solver.critical_energy_release_rate())
      .add("G_c_effective_J_per_m2", solver.effective_toughness())
      .add("toughness_correction", pf.correct_toughness ? "cell size" : "none")
      .add("G_c_model_J_per_m2", solver.model_toughness())
      .add("process_zone_cell_size_measured_m", solver.measured_cell_size())
      .add("plane_strain_modulus_Pa",
           parameters.electrolyte.plane_strain_modulus())
      .add("length_scale_m", solver.length_scale())
      .add("process_zone_cell_size_m", solver.process_zone_h())
      .add("min_damage_increment", min_increment);
    if (plating())
    {
      const auto &ec = parameters.electrochemistry;
      s.add("operation", to_string(ec.operation))
        .add("exchange_current_density_A_per_m2", kinetics.i0)
        .add("plated_volume", li.plated())
        .add("li_volume", li.volume())
        .add("final_cell_voltage_V", plating_accepted.cell_voltage)
        .add("final_li_current_A", plating_accepted.current)
        .add("saturation_pressure_Pa",
             drive.kind == CellDrive::electrode_overpotential ?
               drive.value / kinetics.omega_over_F :
               std::numeric_limits<double>::quiet_NaN());
    }
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::save(const std::string &dir) const
  {
    fields.save(dir + "/fields");
    if (Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    std::ostringstream out;
    out << std::setprecision(std::numeric_limits<double>::max_digits10);
    // the solver's p, p_n, E_frac(0) first; its pressures of bodies 1, 2,
    // ... with the bodies' block at the end
    const auto state = solver.scalar_state();
    for (unsigned int k = 0; k < 3; ++k)
      out << state[k] << '\n';
    for (const double x : {load_value,
                           work,
                           fracture0,
                           min_increment,
                           accepted.pressure,
                           accepted.crack_volume,
                           accepted.crack_size,
                           accepted.penetration_depth,
                           t_accepted,
                           li.volume(),
                           plating_accepted.current,
                           plating_accepted.ionic_pressure,
                           plating_accepted.cell_voltage,
                           plating_accepted.applied_current_density,
                           arrest.time,
                           arrest.size,
                           arrest.pressure,
                           li.plated(),
                           li.extruded()})
      out << x << '\n';
    // Li bodies 1, 2, ...: their number, then per body the anchor, the
    // plated and extruded totals, the pressure, current and crack volume
    // and the solver's pressure at the step's start
    out << bodies.size() << '\n';
    for (unsigned int k = 0; k < bodies.size(); ++k)
    {
      const auto &b = bodies[k];
      for (unsigned int c = 0; c < dim; ++c)
        out << b.anchor[c] << '\n';
      for (const double x : {b.li.plated(),
                             b.li.extruded(),
                             b.pressure,
                             b.current,
                             b.crack_volume,
                             3 + k < state.size() ? state[3 + k] : 0.})
        out << x << '\n';
    }
    // the stack-only crack volumes of the accepted state (for the Li
    // work of the next step); checkpoints without them: none
    out << accepted.volume_offsets.size() << '\n';
    for (const double x : accepted.volume_offsets)
      out << x << '\n';
    write_file_atomically(dir + "/phase_field.txt", out.str());
    if (plating())
      write_file_atomically(dir + "/li_bodies.csv", bodies_log);
    write_file_atomically(dir + "/staggered_history.csv", history);
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::load(const std::string &dir, unsigned int)
  {
    fields.load(dir + "/fields",
                [this]()
                {
                  geometry.finish_loaded_mesh(tria);
                });
    std::ifstream       in(dir + "/phase_field.txt");
    std::vector<double> x(22);
    // 20 values, then the plated and extruded totals (checkpoints written
    // before the mouth conductance have only the 20: all of V_Li plated)
    bool complete = true;
    for (std::size_t k = 0; k < x.size(); ++k)
    {
      std::string word;
      if (!(in >> word))
      {
        complete = k >= 20;
        if (k == 20)
          x[20] = x[12], x[21] = 0;
        break;
      }
      x[k] = std::strtod(word.c_str(), nullptr);
    }
    if (!complete)
      throw InputError("--restart: '" + dir +
                       "/phase_field.txt' is missing or damaged");
    // Li bodies 1, 2, ... (checkpoints without them: none)
    std::vector<double> state{x[0], x[1], x[2]};
    bodies.clear();
    std::string word;
    if (in >> word)
    {
      const unsigned int n = std::strtoul(word.c_str(), nullptr, 10);
      for (unsigned int k = 0; k < n; ++k)
      {
        std::vector<double> v(dim + 6);
        for (auto &value : v)
        {
          if (!(in >> word))
            throw InputError("--restart: '" + dir +
                             "/phase_field.txt' is damaged (Li bodies)");
          value = std::strtod(word.c_str(), nullptr);
        }
        LiBody b{LithiumVolumeBalance(li.volume_per_coulomb()), Point<dim>()};
        for (unsigned int c = 0; c < dim; ++c)
          b.anchor[c] = v[c];
        b.li.restore(v[dim], v[dim + 1]);
        b.pressure     = v[dim + 2];
        b.current      = v[dim + 3];
        b.crack_volume = v[dim + 4];
        state.push_back(v[dim + 5]);
        bodies.push_back(b);
      }
    }
    std::vector<double> offsets;
    if (in >> word)
    {
      offsets.resize(std::strtoul(word.c_str(), nullptr, 10));
      for (auto &value : offsets)
      {
        if (!(in >> word))
          throw InputError("--restart: '" + dir +
                           "/phase_field.txt' is damaged (stack volumes)");
        value = std::strtod(word.c_str(), nullptr);
      }
    }
    solver.set_scalar_state(state);
    load_value                 = x[3];
    work                       = x[4];
    fracture0                  = x[5];
    min_increment              = x[6];
    accepted.pressure          = x[7];
    accepted.crack_volume      = x[8];
    accepted.crack_size        = x[9];
    accepted.penetration_depth = x[10];
    accepted.volume_offsets    = offsets;
    trial                      = accepted;
    t_accepted                 = x[11];
    // the Li volume (all of it booked as plated, as in the run that wrote
    // the checkpoint, whose balance starts from 0)
    li.restore(x[20], x[21]);
    li.set_volume(x[12]); // the same V_Li: no change to the totals
    plating_accepted.current                 = x[13];
    plating_accepted.ionic_pressure          = x[14];
    plating_accepted.cell_voltage            = x[15];
    plating_accepted.applied_current_density = x[16];
    arrest                                   = {x[17], x[18], x[19]};
    if (plating())
    {
      rebuild_potential();
    }
    std::ifstream      log(dir + "/staggered_history.csv");
    std::ostringstream text;
    text << log.rdbuf();
    history = text.str();
    if (plating())
    {
      std::ifstream      rows(dir + "/li_bodies.csv");
      std::ostringstream all;
      all << rows.rdbuf();
      bodies_log = all.str();
    }
  }

  template <int dim>
  void
  PhaseFieldModel<dim>::forget_solver_state()
  {
    solver.forget_solver_state();
  }

  namespace
  {
    template <int dim>
    RunOutcome
    run(const RunParameters &parameters,
        MPI_Comm             comm,
        ConditionalOStream  &pcout)
    {
      const std::string &dir = parameters.output.directory;
      std::string        from;
      if (!parameters.restart.empty())
      {
        from = parameters.restart == "latest" ?
                 TimeStepper::latest_checkpoint(dir) :
                 parameters.restart;
        std::ifstream stored_file(from + "/parameters.prm");
        if (!stored_file)
          throw InputError("--restart: '" + from +
                           "' is not a lipen checkpoint (no parameters.prm)");
        std::ostringstream stored;
        stored << stored_file.rdbuf();
        const auto changes = TimeStepper::compare_parameters(
          stored.str(),
          parameters.output.effective_parameters);
        for (const auto &c : changes)
          pcout << "  restart: changed " << c << "\n";
      }
      PhaseFieldModel<dim> model(parameters, comm, !from.empty());
      TimeStepper          stepper(model,
                          PhaseFieldModel<dim>::stepper_parameters(parameters),
                          dir,
                          comm,
                          pcout);
      const RunOutcome     outcome =
        stepper.run(parameters.summary_header(comm),
                    parameters.output.effective_parameters,
                    from);
      // the input of this run, also what a sweep compares to resume a case
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        parameters.output.write_parameter_file();
      pcout << "\nResults in " << dir
            << ": statistics.csv, staggered_history.csv, summary.json, "
               "parameters.prm"
            << (parameters.output.write_solution ?
                  ", solution.pvd (open in ParaView)" :
                  "")
            << "\n";
      return outcome;
    }
  } // namespace

  RunOutcome
  run_phase_field(const RunParameters &parameters,
                  MPI_Comm             comm,
                  ConditionalOStream  &pcout)
  {
    if (parameters.dimension() == 2)
      return run<2>(parameters, comm, pcout);
    return run<3>(parameters, comm, pcout);
  }

  template class PhaseFieldModel<2>;
  template class PhaseFieldModel<3>;
} // namespace lipen
