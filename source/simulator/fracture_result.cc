#include <lipen/simulator/fracture_analysis.h>

namespace lipen
{
  JsonObject
  FractureResult::to_json() const
  {
    JsonObject timing;
    timing.add("mesh_s", time_mesh)
      .add("setup_s", time_setup)
      .add("assembly_s", time_assembly)
      .add("amg_setup_s", time_amg_setup)
      .add("krylov_solve_s", time_solve)
      .add("j_integral_s", time_j)
      .add("energy_method_s", time_energy)
      .add("output_s", time_output);
    JsonObject o;
    o.add("material", material)
      .add("defect", defect)
      .add("dimension", int(dim))
      .add("polynomial_degree", int(degree))
      .add("defect_size_m", defect_size)
      .add("reference_load_Pa", reference_load)
      .add("plane_strain_modulus_Pa", plane_strain_modulus)
      .add("fracture_toughness_Pa_sqrt_m", fracture_toughness)
      .add("J_J_per_m2", J)
      .add("K_I_Pa_sqrt_m", K_I)
      .add("G_J_per_m2", J)
      .add("Y", Y)
      .add("G_energy_J_per_m2", G_energy)
      .add("K_I_energy_Pa_sqrt_m", K_I_energy)
      .add("Y_energy", Y_energy)
      .add("j_radii_over_c", j_radii)
      .add("K_I_by_radius_Pa_sqrt_m", K_by_radius)
      .add("crack_volume", crack_volume)
      .add("crack_opening_m", opening)
      .add("sigma0_max_Pa", sigma0_max)
      .add("eta_c_magnitude_V", eta_c)
      .add("dofs", n_dofs)
      .add("cells", n_cells)
      .add("cg_iterations", int(cg_iterations))
      .add("timing", timing);
    if (electrochemistry.computed)
      o.add("electrochemistry", electrochemistry.to_json());
    if (!front_angles.empty())
      o.add("front_angle_rad", front_angles)
        .add("K_I_along_front_Pa_sqrt_m", K_along_front);
    return o;
  }
} // namespace lipen
