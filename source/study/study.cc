#include <lipen/base/constants.h>
#include <lipen/base/memory.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/table.h>
#include <lipen/study/study.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>

namespace lipen
{
  using namespace dealii;

  PowerLawFit
  fit_power_law(const std::vector<double> &c, const std::vector<double> &y)
  {
    const std::size_t n  = c.size();
    double            sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
      const double lx = std::log10(c[i]), ly = std::log10(y[i]);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
    }
    PowerLawFit fit;
    if (n < 2)
      return fit;
    fit.slope     = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    fit.prefactor = std::pow(10., (sy - fit.slope * sx) / n);
    return fit;
  }

  namespace
  {
    std::string
    csv_number(const double v)
    {
      std::ostringstream out;
      out << std::setprecision(8) << v;
      return out.str();
    }

    /// The per-case table of the sharp-crack analysis: statistics.csv,
    /// the screen lines and (per case) summary.json come from it.
    Table
    fracture_table()
    {
      using K = Table::Kind;
      using F = Table::Format;
      Table t("lipen statistics: one row per step (analysed defect). Y from "
              "the domain J-integral, Y_energy from two crack lengths; "
              "sigma0_max = K_Ic/(Y sqrt(pi c)); eta_c = Omega sigma0_max/F "
              "(magnitude)");
      t.add_column("step", "-", K::integer)
        .add_column("material",
                    "-",
                    K::text,
                    "material",
                    22,
                    0,
                    F::general,
                    true)
        .add_column("c_m", "m")
        .add_column("c_um", "um", K::real, "c [um]", 10, 3, F::fixed)
        .add_column("Y", "-", K::real, "Y", 10, 4, F::fixed)
        .add_column("Y_energy", "-", K::real, "Y(G)", 10, 4, F::fixed)
        .add_column("sigma0_max_MPa",
                    "MPa",
                    K::real,
                    "sigma0 [MPa]",
                    14,
                    2,
                    F::fixed)
        .add_column("eta_c_mV", "mV", K::real, "|eta_c| [mV]", 12, 2, F::fixed)
        .add_column("dofs", "-", K::integer, "DoFs", 10)
        .add_column("cg_iterations", "-", K::integer, "CG", 6)
        .add_column("case_wall_s", "s", K::real, "time [s]", 9, 1, F::fixed)
        .add_column("cells", "-", K::integer)
        .add_column("J_J_per_m2", "J/m^2 (2D: per unit thickness)")
        .add_column("K_I_Pa_sqrt_m", "Pa m^0.5")
        .add_column("K_I_energy_Pa_sqrt_m", "Pa m^0.5")
        .add_column("sigma0_max_Pa", "Pa")
        .add_column("eta_c_V", "V")
        .add_column("mesh_s", "s")
        .add_column("setup_s", "s")
        .add_column("assembly_s", "s")
        .add_column("amg_setup_s", "s")
        .add_column("krylov_s", "s")
        .add_column("j_integral_s", "s")
        .add_column("energy_method_s", "s")
        .add_column("output_s", "s");
      return t;
    }

    void
    add_fracture_row(Table &t, const FractureResult &r, const double case_wall)
    {
      auto row = t.new_row();
      row.set("step", double(t.n_rows()))
        .set("material", r.material)
        .set("c_m", r.defect_size)
        .set("c_um", r.defect_size * 1e6)
        .set("Y", r.Y)
        .set("Y_energy", r.Y_energy)
        .set("sigma0_max_MPa", r.sigma0_max * 1e-6)
        .set("eta_c_mV", r.eta_c * 1e3)
        .set("dofs", double(r.n_dofs))
        .set("cg_iterations", r.cg_iterations)
        .set("case_wall_s", case_wall)
        .set("cells", double(r.n_cells))
        .set("J_J_per_m2", r.J)
        .set("K_I_Pa_sqrt_m", r.K_I)
        .set("K_I_energy_Pa_sqrt_m", r.K_I_energy)
        .set("sigma0_max_Pa", r.sigma0_max)
        .set("eta_c_V", r.eta_c)
        .set("mesh_s", r.time_mesh)
        .set("setup_s", r.time_setup)
        .set("assembly_s", r.time_assembly)
        .set("amg_setup_s", r.time_amg_setup)
        .set("krylov_s", r.time_solve)
        .set("j_integral_s", r.time_j)
        .set("energy_method_s", r.time_energy)
        .set("output_s", r.time_output);
      t.add_row(row);
    }

    FractureResult
    analyse(const RunParameters        &parameters,
            const Electrolyte          &electrolyte,
            MPI_Comm                    comm,
            SolutionWriter             *writer,
            const unsigned int          step,
            dealii::ConditionalOStream &pcout)
    {
      if (parameters.dimension() == 2)
        return analyse_defect<2>(parameters,
                                 electrolyte,
                                 comm,
                                 writer,
                                 step,
                                 pcout);
      return analyse_defect<3>(parameters,
                               electrolyte,
                               comm,
                               writer,
                               step,
                               pcout);
    }
  } // namespace

  std::vector<FractureResult>
  run_study(const RunParameters        &parameters,
            MPI_Comm                    comm,
            dealii::ConditionalOStream &pcout)
  {
    // before any computation: an unwritable directory is an input error
    parameters.output.create_directory(comm);
    Timer              wall;
    const bool         root = Utilities::MPI::this_mpi_process(comm) == 0;
    const std::string &dir  = parameters.output.directory;
    SolutionWriter     writer(dir);
    SolutionWriter    *w = parameters.output.write_solution ? &writer : nullptr;

    std::vector<Electrolyte> materials;
    std::vector<double>      sizes;
    if (parameters.study.type == StudyType::single)
    {
      materials.push_back(parameters.electrolyte);
      sizes.push_back(parameters.geometry.defect_size);
    }
    else
    {
      for (const auto &name : parameters.study.materials)
        materials.push_back(
          materials::resolve(name, parameters.electrolyte, "Study/Materials"));
      sizes = parameters.study.sizes;
    }

    pcout << "lipen: " << to_string(parameters.geometry.defect) << " ("
          << parameters.dimension() << "D), "
          << (parameters.study.type == StudyType::single ? "single defect" :
                                                           "defect-size study")
          << ", " << Utilities::MPI::n_mpi_processes(comm)
          << " MPI rank(s), build " << LIPEN_BUILD_TYPE << "\n\n";
    Table table = fracture_table();
    pcout << table.screen_header() << "\n";

    std::vector<FractureResult> results;
    for (const auto &material : materials)
      for (const double c : sizes)
      {
        Timer         t;
        RunParameters p        = parameters;
        p.geometry.defect_size = c;
        results.push_back(analyse(p, material, comm, w, results.size(), pcout));
        add_fracture_row(table, results.back(), t.wall_time());
        pcout << table.screen_line(table.n_rows() - 1) << "\n";
        if (root)
          write_file_atomically(dir + "/statistics.csv", table.csv());
      }

    // Study tables and fits.
    std::vector<JsonObject> fits;
    if (parameters.study.type == StudyType::defect_size)
    {
      if (root)
      {
        std::ofstream csv(dir + "/defect_size_study.csv");
        csv << "# lipen defect-size study. Y = K_I/(p sqrt(pi c)) from the "
               "domain J-integral, Y_energy from two crack lengths; "
               "sigma0_max = K_Ic/(Y sqrt(pi c)); eta_c = magnitude of "
               "the critical plating overpotential Omega sigma0_max/F\n"
            << "material,dim,geometry,c_m,c_um,Y,Y_energy,K_Ic_Pa_sqrt_m,"
               "sigma0_max_Pa,sigma0_max_MPa,eta_c_V,eta_c_mV,dofs,"
               "cg_iterations\n";
        for (const auto &r : results)
          csv << r.material << ',' << r.dim << ",\"" << r.defect << "\","
              << csv_number(r.defect_size) << ','
              << csv_number(r.defect_size * 1e6) << ',' << csv_number(r.Y)
              << ',' << csv_number(r.Y_energy) << ','
              << csv_number(r.fracture_toughness) << ','
              << csv_number(r.sigma0_max) << ','
              << csv_number(r.sigma0_max * 1e-6) << ',' << csv_number(r.eta_c)
              << ',' << csv_number(r.eta_c * 1e3) << ',' << r.n_dofs << ','
              << r.cg_iterations << '\n';
      }
      std::ostringstream fit_csv;
      fit_csv << "# Power-law fits y = prefactor c^slope (c in m). The "
                 "expected prefactor is K_Ic/(Y sqrt(pi)) (times Omega/F for "
                 "eta) with the mean computed Y of the range; slopes differ "
                 "from -0.5 where Y varies (finite slab).\n"
              << "material,quantity,range,points,slope,prefactor,"
                 "expected_prefactor,relative_difference,mean_Y\n";
      pcout << "\nlog-log fits (half-space law: slope -0.5):\n";
      // Fits over all sizes, and over the small defects (c/H <= 0.02) for
      // which a finite slab behaves as the half-space of model.md section 7.
      const double small_limit = 0.02 * parameters.geometry.height;
      for (const auto &material : materials)
        for (const bool small_only : {false, true})
        {
          std::vector<double> c, sigma, eta;
          double              mean_Y = 0;
          for (const auto &r : results)
            if (r.material == material.key &&
                (!small_only || r.defect_size <= small_limit))
            {
              c.push_back(r.defect_size);
              sigma.push_back(r.sigma0_max);
              eta.push_back(r.eta_c);
              mean_Y += r.Y;
            }
          if (c.size() < 2 || (small_only && c.size() == sizes.size()))
            continue;
          mean_Y /= c.size();
          const char  *range = small_only ? "c/H<=0.02" : "all";
          const double expected_sigma =
            material.fracture_toughness / (mean_Y * std::sqrt(constants::pi));
          const double expected_eta = parameters.lithium.molar_volume() *
                                      expected_sigma / constants::faraday;
          const auto fit_s = fit_power_law(c, sigma);
          const auto fit_e = fit_power_law(c, eta);
          for (int k = 0; k < 2; ++k)
          {
            const auto  &f   = k == 0 ? fit_s : fit_e;
            const double ex  = k == 0 ? expected_sigma : expected_eta;
            const char  *qty = k == 0 ? "sigma0_max_Pa" : "eta_c_V";
            fit_csv << material.key << ',' << qty << ',' << range << ','
                    << c.size() << ',' << csv_number(f.slope) << ','
                    << csv_number(f.prefactor) << ',' << csv_number(ex) << ','
                    << csv_number(f.prefactor / ex - 1) << ','
                    << csv_number(mean_Y) << '\n';
            JsonObject j;
            j.add("material", material.key)
              .add("quantity", qty)
              .add("range", range)
              .add("points", int(c.size()))
              .add("slope", f.slope)
              .add("prefactor", f.prefactor)
              .add("expected_prefactor", ex)
              .add("mean_Y", mean_Y);
            fits.push_back(j);
            pcout << "  " << std::setw(22) << std::left << material.key
                  << std::setw(15) << qty << std::setw(11) << range
                  << std::right << " slope " << std::fixed
                  << std::setprecision(4) << f.slope
                  << "   prefactor/(K_Ic/(Y sqrt(pi))) - 1 = "
                  << std::scientific << std::setprecision(2)
                  << f.prefactor / ex - 1 << std::defaultfloat << "\n";
          }
        }
      if (root)
        std::ofstream(dir + "/defect_size_fit.csv") << fit_csv.str();
    }

    // Electro-chemo-mechanics: critical current densities per defect
    if (parameters.electrochemistry.enabled &&
        parameters.electrochemistry.critical_current_search)
    {
      std::ostringstream csv;
      csv << "# lipen critical conditions. sigma0_max: critical Li pressure "
             "K_Ic/(Y sqrt(pi c)); eta_c = Omega sigma0_max/F; i_c: mean "
             "applied current density at which K_I = K_Ic (sealed: one Li "
             "pressure, zero net current into the defect; flowing: Li "
             "extrudes through the opening, viscosity mu); focusing: mean "
             "plating current density on the open defect faces (p = stack "
             "pressure) at i_c sealed over the applied one; tip focusing: "
             "the largest face current density over the applied one; "
             "empty i_c: not reached below Maximum current density\n"
          << "material,c_m,c_um,Y,sigma0_max_MPa,eta_c_mV,i_c_sealed_A_per_m2,"
             "i_c_sealed_mA_per_cm2,eta_c_sealed_mV,cell_voltage_at_i_c_V,"
             "focusing_factor,"
             "tip_focusing_factor";
      std::vector<double> mus;
      for (const auto &r : results)
        for (const auto &f : r.electrochemistry.flowing_critical)
          if (std::find(mus.begin(), mus.end(), f.viscosity) == mus.end())
            mus.push_back(f.viscosity);
      for (const double mu : mus)
        csv << ",i_c_flowing_mu_" << csv_number(mu) << "_A_per_m2";
      csv << "\n";
      pcout << "\ncritical current density (TOMS 748, rel. tol. "
            << parameters.electrochemistry.critical_current_tolerance << "):\n"
            << std::setw(22) << std::left << "material" << std::right
            << std::setw(10) << "c [um]" << std::setw(16) << "i_c sealed"
            << std::setw(10) << "focus" << std::setw(10) << "tip";
      for (const double mu : mus)
        pcout << std::setw(18) << ("flow mu=" + csv_number(mu));
      pcout << "   [mA/cm^2]\n";
      for (const auto &r : results)
      {
        const auto &e = r.electrochemistry;
        csv << r.material << ',' << csv_number(r.defect_size) << ','
            << csv_number(r.defect_size * 1e6) << ',' << csv_number(r.Y) << ','
            << csv_number(r.sigma0_max * 1e-6) << ','
            << csv_number(r.eta_c * 1e3) << ','
            << csv_number(e.critical_current_sealed) << ','
            << csv_number(e.critical_current_sealed * 0.1) << ','
            << csv_number(e.critical_overpotential_sealed * 1e3) << ','
            << csv_number(e.cell_voltage_at_critical) << ','
            << csv_number(e.focusing_factor_open) << ','
            << csv_number(e.tip_focusing_factor_open);
        pcout << std::setw(22) << std::left << r.material << std::right
              << std::fixed << std::setprecision(3) << std::setw(10)
              << r.defect_size * 1e6 << std::scientific << std::setprecision(3)
              << std::setw(16) << e.critical_current_sealed * 0.1 << std::fixed
              << std::setprecision(3) << std::setw(10) << e.focusing_factor_open
              << std::setw(10) << e.tip_focusing_factor_open << std::scientific;
        for (const double mu : mus)
        {
          double i = std::numeric_limits<double>::quiet_NaN();
          for (const auto &f : e.flowing_critical)
            if (f.viscosity == mu)
              i = f.critical_current;
          csv << ',' << (std::isfinite(i) ? csv_number(i) : std::string());
          if (std::isfinite(i))
            pcout << std::setw(18) << i * 0.1;
          else
            pcout << std::setw(18) << "none";
        }
        csv << '\n';
        pcout << std::defaultfloat << '\n';
      }
      // power-law fits of i_c(c)
      csv << "# fits i_c = prefactor c^slope (c in m), per material and "
             "closure\n";
      for (const auto &material : materials)
      {
        std::vector<
          std::pair<std::string,
                    std::pair<std::vector<double>, std::vector<double>>>>
          series;
        series.push_back({"sealed", {}});
        for (const double mu : mus)
          series.push_back({"flowing_mu_" + csv_number(mu), {}});
        for (const auto &r : results)
          if (r.material == material.key)
          {
            const auto &e = r.electrochemistry;
            series[0].second.first.push_back(r.defect_size);
            series[0].second.second.push_back(e.critical_current_sealed);
            for (std::size_t k = 0; k < mus.size(); ++k)
              for (const auto &f : e.flowing_critical)
                if (f.viscosity == mus[k] && std::isfinite(f.critical_current))
                {
                  series[k + 1].second.first.push_back(r.defect_size);
                  series[k + 1].second.second.push_back(f.critical_current);
                }
          }
        for (const auto &[name, data] : series)
          if (data.first.size() >= 2)
          {
            const auto fit = fit_power_law(data.first, data.second);
            csv << "# fit," << material.key << ",i_c_" << name << ','
                << data.first.size() << ",slope," << csv_number(fit.slope)
                << ",prefactor," << csv_number(fit.prefactor) << '\n';
            JsonObject j;
            j.add("material", material.key)
              .add("quantity", "i_c_" + name + "_A_per_m2")
              .add("range", "all")
              .add("points", int(data.first.size()))
              .add("slope", fit.slope)
              .add("prefactor", fit.prefactor);
            fits.push_back(j);
            pcout << "  " << std::setw(22) << std::left << material.key
                  << std::setw(28) << ("i_c " + name) << std::right << " slope "
                  << std::fixed << std::setprecision(4) << fit.slope
                  << std::defaultfloat << '\n';
          }
      }
      if (root)
        std::ofstream(dir + "/critical_current.csv") << csv.str();
    }

    const PeakMemory memory = peak_memory(comm);
    if (root)
    {
      std::vector<JsonObject> cases;
      for (const auto &r : results)
        cases.push_back(r.to_json());
      JsonObject summary = parameters.summary_header(comm);
      summary.add("status", "completed")
        .add("cases", cases)
        .add("fits", fits)
        .add("wall_time_s", wall.wall_time())
        .add("peak_memory_MiB", memory.total_MiB)
        .add("peak_memory_max_rank_MiB", memory.max_rank_MiB);
      write_file_atomically(dir + "/summary.json", summary.str() + "\n");
      parameters.output.write_parameter_file();
    }
    pcout << "\nResults in " << std::filesystem::absolute(dir).string()
          << ": summary.json, parameters.prm, statistics.csv"
          << (parameters.study.type == StudyType::defect_size ?
                ", defect_size_study.csv, defect_size_fit.csv" :
                "")
          << (parameters.electrochemistry.enabled &&
                  parameters.electrochemistry.critical_current_search ?
                ", critical_current.csv" :
                "")
          << (parameters.output.write_solution ?
                ", solution.pvd (open in ParaView)" :
                "")
          << "\n";
    return results;
  }
} // namespace lipen
