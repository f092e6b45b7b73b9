#include <lipen/simulator/electrochemistry_analysis.h>

namespace lipen
{
  namespace
  {
    JsonObject
    flowing_json(const FlowingState &f)
    {
      JsonObject o;
      o.add("applied_current_density_A_per_m2", f.applied_current_density)
        .add("viscosity_Pa_s", f.viscosity)
        .add("K_I_Pa_sqrt_m", f.K_I)
        .add("tip_pressure_Pa", f.tip_pressure)
        .add("mean_pressure_Pa", f.mean_pressure)
        .add("mouth_flux_m2_per_s", f.mouth_flux)
        .add("plating_volume_rate_m2_per_s", f.plating_flux)
        .add("focusing_factor", f.focusing_factor)
        .add("cell_voltage_V", f.cell_voltage)
        .add("coupling_iterations", int(f.coupling_iterations))
        .add("coupling_history_relative_change", f.coupling_history)
        .add("s_from_mouth_m", f.s)
        .add("pressure_Pa", f.p)
        .add("opening_m", f.w)
        .add("current_density_A_per_m2", f.i)
        .add("overpotential_V", f.eta);
      return o;
    }
  } // namespace

  JsonObject
  ElectrochemistryResult::to_json() const
  {
    JsonObject o;
    o.add("operation", to_string(operation))
      .add("closure", to_string(closure))
      .add("exchange_current_density_A_per_m2", exchange_current_density)
      .add("dofs", n_dofs)
      .add("applied_current_density_A_per_m2", applied_current_density)
      .add("cell_voltage_V", cell_voltage)
      .add("defect_pressure_Pa", defect_pressure)
      .add("mean_overpotential_electrode_V", mean_eta_electrode)
      .add("mean_overpotential_defect_V", mean_eta_defect)
      .add("min_overpotential_defect_V", min_eta_defect)
      .add("max_overpotential_defect_V", max_eta_defect)
      .add("defect_current_model", defect_current)
      .add("focusing_factor", focusing_factor)
      .add("tip_focusing_factor", tip_focusing_factor)
      .add("newton_iterations", int(newton_iterations))
      .add("linear_iterations", int(linear_iterations))
      .add("critical_pressure_Pa", critical_pressure)
      .add("critical_current_sealed_A_per_m2", critical_current_sealed)
      .add("critical_overpotential_sealed_V", critical_overpotential_sealed)
      .add("cell_voltage_at_critical_V", cell_voltage_at_critical)
      .add("electrode_overpotential_at_critical_V", eta_electrode_at_critical)
      .add("focusing_factor_open_defect", focusing_factor_open)
      .add("tip_focusing_factor_open_defect", tip_focusing_factor_open)
      .add("sealed_search_evaluations", int(sealed_evaluations))
      .add("time_operating_point_s", time_potential)
      .add("time_search_sealed_s", time_search_sealed)
      .add("time_search_flowing_s", time_search_flowing);
    o.add("face_distance_to_front_m", face_r)
      .add("face_overpotential_V", face_eta)
      .add("face_current_density_A_per_m2", face_current);
    if (!transient_time.empty())
      o.add("transient_time_s", transient_time)
        .add("transient_pressure_Pa", transient_pressure);
    if (closure == LiClosure::flowing)
      o.add("flowing", flowing_json(flowing));
    std::vector<JsonObject> fc;
    for (const auto &f : flowing_critical)
    {
      JsonObject j;
      j.add("viscosity_Pa_s", f.viscosity)
        .add("critical_current_A_per_m2", f.critical_current)
        .add("evaluations", int(f.evaluations))
        .add("state", flowing_json(f.at_critical));
      fc.push_back(j);
    }
    if (!fc.empty())
      o.add("flowing_critical", fc);
    return o;
  }
} // namespace lipen
