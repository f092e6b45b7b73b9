#include <lipen/base/exceptions.h>
#include <lipen/simulator/fracture_analysis.h>

#include <iomanip>
#include <sstream>

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

  std::string
  FractureResult::json_text() const
  {
    return stored_json.empty() ? to_json().str() : stored_json;
  }

  std::vector<std::pair<std::string, double>>
  FractureResult::study_values() const
  {
    std::vector<std::pair<std::string, double>> v{
      {"Y", Y},
      {"Y_energy", Y_energy},
      {"K_I_Pa_sqrt_m", K_I},
      {"K_I_energy_Pa_sqrt_m", K_I_energy},
      {"J_J_per_m2", J},
      {"crack_volume", crack_volume},
      {"opening_m", opening},
      {"sigma0_max_Pa", sigma0_max},
      {"eta_c_V", eta_c},
      {"dofs", double(n_dofs)}};
    const auto &e = electrochemistry;
    if (e.computed)
      for (const auto &kv : std::vector<std::pair<std::string, double>>{
             {"cell_voltage_V", e.cell_voltage},
             {"defect_pressure_Pa", e.defect_pressure},
             {"focusing_factor", e.focusing_factor},
             {"tip_focusing_factor", e.tip_focusing_factor},
             {"i_c_sealed_A_per_m2", e.critical_current_sealed},
             {"eta_c_sealed_V", e.critical_overpotential_sealed}})
        v.push_back(kv);
    return v;
  }

  namespace
  {
    /// The scalar members of a record, by name.
    /// (Result: FractureResult or const FractureResult)
    template <typename Result, typename Visitor>
    void
    visit_scalars(Result &r, Visitor &&visit)
    {
      auto &e = r.electrochemistry;
      visit("defect_size", r.defect_size);
      visit("reference_load", r.reference_load);
      visit("plane_strain_modulus", r.plane_strain_modulus);
      visit("fracture_toughness", r.fracture_toughness);
      visit("J", r.J);
      visit("K_I", r.K_I);
      visit("Y", r.Y);
      visit("G_energy", r.G_energy);
      visit("K_I_energy", r.K_I_energy);
      visit("Y_energy", r.Y_energy);
      visit("crack_volume", r.crack_volume);
      visit("opening", r.opening);
      visit("sigma0_max", r.sigma0_max);
      visit("eta_c", r.eta_c);
      visit("time_mesh", r.time_mesh);
      visit("time_setup", r.time_setup);
      visit("time_assembly", r.time_assembly);
      visit("time_amg_setup", r.time_amg_setup);
      visit("time_solve", r.time_solve);
      visit("time_j", r.time_j);
      visit("time_energy", r.time_energy);
      visit("time_output", r.time_output);
      visit("e.cell_voltage", e.cell_voltage);
      visit("e.defect_pressure", e.defect_pressure);
      visit("e.focusing_factor", e.focusing_factor);
      visit("e.tip_focusing_factor", e.tip_focusing_factor);
      visit("e.critical_pressure", e.critical_pressure);
      visit("e.critical_current_sealed", e.critical_current_sealed);
      visit("e.critical_overpotential_sealed", e.critical_overpotential_sealed);
      visit("e.cell_voltage_at_critical", e.cell_voltage_at_critical);
      visit("e.focusing_factor_open", e.focusing_factor_open);
      visit("e.tip_focusing_factor_open", e.tip_focusing_factor_open);
    }
  } // namespace

  std::string
  FractureResult::record() const
  {
    std::ostringstream out;
    out << std::setprecision(17);
    out << "material\t" << material << "\ndefect\t" << defect << "\ndim\t"
        << dim << "\ndegree\t" << degree << "\nn_dofs\t" << n_dofs
        << "\nn_cells\t" << n_cells << "\ncg_iterations\t" << cg_iterations
        << "\ne.computed\t" << int(electrochemistry.computed) << "\n";
    visit_scalars(*this,
                  [&](const char *key, const double &v)
                  {
                    out << key << '\t' << v << '\n';
                  });
    for (const auto &f : electrochemistry.flowing_critical)
      out << "e.flowing_critical\t" << f.viscosity << ' ' << f.critical_current
          << '\n';
    out << "json\t" << json_text() << '\n';
    return out.str();
  }

  std::map<std::string, std::string>
  parse_record(const std::string &text)
  {
    std::map<std::string, std::string> values;
    std::istringstream                 in(text);
    std::string                        line;
    while (std::getline(in, line))
    {
      const auto tab = line.find('\t');
      if (tab == std::string::npos)
        continue;
      const std::string key = line.substr(0, tab), value = line.substr(tab + 1);
      // repeated keys (a list) are joined by newlines
      auto it = values.find(key);
      if (it == values.end())
        values.emplace(key, value);
      else
        it->second += "\n" + value;
    }
    return values;
  }

  FractureResult
  FractureResult::from_record(const std::string &text)
  {
    const auto     values = parse_record(text);
    FractureResult r;
    const auto     get = [&](const std::string &key) -> std::string
    {
      const auto it = values.find(key);
      if (it == values.end())
        throw OutputError("a stored case result (result.txt) lacks '" + key +
                          "': delete the case folder to run it again");
      return it->second;
    };
    r.material                  = get("material");
    r.defect                    = get("defect");
    r.dim                       = std::stoul(get("dim"));
    r.degree                    = std::stoul(get("degree"));
    r.n_dofs                    = std::stoull(get("n_dofs"));
    r.n_cells                   = std::stoull(get("n_cells"));
    r.cg_iterations             = std::stoul(get("cg_iterations"));
    r.electrochemistry.computed = get("e.computed") == "1";
    visit_scalars(r,
                  [&](const char *key, double &v)
                  {
                    v = std::stod(get(key));
                  });
    if (values.count("e.flowing_critical"))
    {
      std::istringstream in(values.at("e.flowing_critical"));
      FlowingCritical    f;
      while (in >> f.viscosity >> f.critical_current)
        r.electrochemistry.flowing_critical.push_back(f);
    }
    r.stored_json = get("json");
    return r;
  }
} // namespace lipen
