#include <lipen/base/constants.h>
#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/base/run_status.h>
#include <lipen/base/signals.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/table.h>
#include <lipen/simulator/phase_field_model.h>
#include <lipen/study/study.h>
#include <lipen/study/study_case.h>
#include <lipen/study/study_runner.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
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

    /// defect_size_study.csv and defect_size_fit.csv, with the fits printed
    /// and returned for summary.json.
    std::vector<JsonObject>
    write_defect_size_tables(const RunParameters               &parameters,
                             const std::vector<FractureResult> &results,
                             const std::vector<Electrolyte>    &materials,
                             MPI_Comm                           comm,
                             ConditionalOStream                &pcout)
    {
      const std::string &dir = parameters.output.directory;
      std::ostringstream csv;
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
            << csv_number(r.defect_size * 1e6) << ',' << csv_number(r.Y) << ','
            << csv_number(r.Y_energy) << ',' << csv_number(r.fracture_toughness)
            << ',' << csv_number(r.sigma0_max) << ','
            << csv_number(r.sigma0_max * 1e-6) << ',' << csv_number(r.eta_c)
            << ',' << csv_number(r.eta_c * 1e3) << ',' << r.n_dofs << ','
            << r.cg_iterations << '\n';
      write_on_root(comm,
                    [&]()
                    {
                      write_file_atomically(dir + "/defect_size_study.csv",
                                            csv.str());
                    });

      std::vector<JsonObject> fits;
      std::ostringstream      fit_csv;
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
      std::size_t  n_all       = 0;
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
          if (!small_only)
            n_all = c.size();
          // the small-defect fit only where it leaves some defect out
          if (c.size() < 2 || (small_only && c.size() == n_all))
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
      write_on_root(comm,
                    [&]()
                    {
                      write_file_atomically(dir + "/defect_size_fit.csv",
                                            fit_csv.str());
                    });
      return fits;
    }

    /// The viscosities of the flowing critical currents, in order of
    /// appearance.
    std::vector<double>
    flowing_viscosities(const std::vector<FractureResult> &results)
    {
      std::vector<double> mus;
      for (const auto &r : results)
        for (const auto &f : r.electrochemistry.flowing_critical)
          if (std::find(mus.begin(), mus.end(), f.viscosity) == mus.end())
            mus.push_back(f.viscosity);
      return mus;
    }

    /// i_c of @p mu in @p e (NaN if not reached).
    double
    flowing_current(const ElectrochemistryResult &e, const double mu)
    {
      double i = std::numeric_limits<double>::quiet_NaN();
      for (const auto &f : e.flowing_critical)
        if (f.viscosity == mu)
          i = f.critical_current;
      return i;
    }

    /// critical_current.csv: the critical conditions of every case and the
    /// power-law fits of i_c(c) per material and closure (appended to
    /// @p fits), printed as a table.
    void
    write_critical_current(const RunParameters               &parameters,
                           const std::vector<FractureResult> &results,
                           const std::vector<Electrolyte>    &materials,
                           MPI_Comm                           comm,
                           ConditionalOStream                &pcout,
                           std::vector<JsonObject>           &fits)
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
      const std::vector<double> mus = flowing_viscosities(results);
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
          const double i = flowing_current(e, mu);
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
        for (std::size_t k = 0; k <= mus.size(); ++k)
        {
          const std::string name =
            k == 0 ? "sealed" : "flowing_mu_" + csv_number(mus[k - 1]);
          std::vector<double> c, i_c;
          for (const auto &r : results)
            if (r.material == material.key)
            {
              const double i =
                k == 0 ? r.electrochemistry.critical_current_sealed :
                         flowing_current(r.electrochemistry, mus[k - 1]);
              if (k == 0 || std::isfinite(i))
              {
                c.push_back(r.defect_size);
                i_c.push_back(i);
              }
            }
          if (c.size() < 2)
            continue;
          const auto fit = fit_power_law(c, i_c);
          csv << "# fit," << material.key << ",i_c_" << name << ',' << c.size()
              << ",slope," << csv_number(fit.slope) << ",prefactor,"
              << csv_number(fit.prefactor) << '\n';
          JsonObject j;
          j.add("material", material.key)
            .add("quantity", "i_c_" + name + "_A_per_m2")
            .add("range", "all")
            .add("points", int(c.size()))
            .add("slope", fit.slope)
            .add("prefactor", fit.prefactor);
          fits.push_back(j);
          pcout << "  " << std::setw(22) << std::left << material.key
                << std::setw(28) << ("i_c " + name) << std::right << " slope "
                << std::fixed << std::setprecision(4) << fit.slope
                << std::defaultfloat << '\n';
        }
      write_on_root(comm,
                    [&]()
                    {
                      write_file_atomically(parameters.output.directory +
                                              "/critical_current.csv",
                                            csv.str());
                    });
    }

    /// summary.json and parameters.prm of a single defect or a study.
    void
    write_summary(const RunParameters               &parameters,
                  const std::vector<FractureResult> &results,
                  const std::vector<JsonObject>     &fits,
                  const RunStatus                    status,
                  const std::string                 &reason,
                  const double                       wall_time,
                  MPI_Comm                           comm)
    {
      const PeakMemory memory = peak_memory(comm);
      if (Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::vector<std::string> cases;
      for (const auto &r : results)
        cases.push_back(r.json_text());
      JsonObject summary = parameters.summary_header(comm);
      summary.add("status", to_string(status));
      if (!reason.empty())
        summary.add("status_reason", reason);
      summary.add_verbatim("cases", cases)
        .add("fits", fits)
        .add("wall_time_s", wall_time)
        .add("peak_memory_MiB", memory.total_MiB)
        .add("peak_memory_max_rank_MiB", memory.max_rank_MiB);
      write_file_atomically(parameters.output.directory + "/summary.json",
                            summary.str() + "\n");
      parameters.output.write_parameter_file();
    }

    bool
    critical_current_search(const RunParameters &p)
    {
      return p.electrochemistry.enabled &&
             p.electrochemistry.critical_current_search;
    }

    /// One defect as `Study/Type = single` into p.output.directory:
    /// statistics.csv, critical_current.csv (if searched), summary.json,
    /// parameters.prm and the ParaView fields. Prints the banner and the
    /// table when @p verbose. @p solution: the PVTU written (or empty).
    FractureResult
    analyse_single(const RunParameters &p,
                   MPI_Comm             comm,
                   ConditionalOStream  &pcout,
                   const bool           verbose,
                   double              &wall_time,
                   std::string         &solution)
    {
      Timer              wall;
      SolutionWriter     writer(p.output.directory);
      ConditionalOStream quiet(std::cout, false);
      auto              &out = verbose ? pcout : quiet;
      out << "lipen: " << to_string(p.geometry.defect) << " (" << p.dimension()
          << "D), single defect, " << Utilities::MPI::n_mpi_processes(comm)
          << " MPI rank(s), build " << LIPEN_BUILD_TYPE << "\n\n";
      Table table = fracture_table();
      out << table.screen_header() << "\n";
      const FractureResult r =
        analyse(p,
                p.electrolyte,
                comm,
                p.output.write_solution ? &writer : nullptr,
                0,
                pcout);
      wall_time = wall.wall_time();
      add_fracture_row(table, r, wall_time);
      out << table.screen_line(0) << "\n";
      write_on_root(comm,
                    [&]()
                    {
                      write_file_atomically(p.output.directory +
                                              "/statistics.csv",
                                            table.csv());
                    });
      std::vector<JsonObject> fits;
      if (critical_current_search(p))
        write_critical_current(p, {r}, {p.electrolyte}, comm, out, fits);
      write_summary(p,
                    {r},
                    fits,
                    RunStatus::completed,
                    "",
                    wall.wall_time(),
                    comm);
      solution = writer.records().empty() ? "" : writer.records()[0].second;
      out << "\nResults in "
          << std::filesystem::absolute(p.output.directory).string()
          << ": summary.json, parameters.prm, statistics.csv"
          << (critical_current_search(p) ? ", critical_current.csv" : "")
          << (p.output.write_solution ? ", solution.pvd (open in ParaView)" :
                                        "")
          << "\n";
      return r;
    }

    /// The overrides that make a case's Material subsection give what
    /// materials::resolve(@p name, file material) gives: nothing for the
    /// parameter file's own material, else the preset with every property
    /// entry back at 'preset'.
    std::vector<std::string>
    material_overrides(const std::string &name, const Electrolyte &from_file)
    {
      if (name == from_file.key)
        return {};
      std::vector<std::string> o{"Material/Electrolyte=" + name};
      for (const char *entry : {"Young's modulus",
                                "Poisson's ratio",
                                "Fracture toughness",
                                "Ionic conductivity",
                                "Charge transfer resistance"})
        o.push_back(std::string("Material/") + entry + "=preset");
      return o;
    }

  } // namespace

  std::vector<PlannedCase>
  defect_size_cases(const RunParameters &parameters)
  {
    std::vector<PlannedCase> plan;
    for (const auto &name : parameters.study.materials)
    {
      const std::string key =
        materials::resolve(name, parameters.electrolyte, "Study/Materials").key;
      for (const double c : parameters.study.sizes)
      {
        // the shortest text that reads back as exactly c
        char              text[32];
        const auto        end = std::to_chars(text, text + sizeof(text), c).ptr;
        const std::string size(text, end);
        PlannedCase       pc;
        pc.index     = plan.size();
        pc.type      = "single";
        pc.overrides = material_overrides(key, parameters.electrolyte);
        pc.overrides.push_back("Geometry/Defect size=" + size);
        pc.varied = {key, size};
        plan.push_back(pc);
      }
    }
    return plan;
  }

  std::vector<PlannedCase>
  planned_cases(const RunParameters &parameters)
  {
    if (parameters.study.type == StudyType::defect_size)
      return defect_size_cases(parameters);
    if (parameters.study.type == StudyType::sweep)
      return sweep_plan(parameters);
    return {};
  }

  namespace
  {
    /// One case of the defect-size study, run as a single defect in its
    /// folder: its study-table values and its record (the result, its wall
    /// time and its ParaView file).
    CaseRow
    defect_case_row(const RunParameters &p,
                    MPI_Comm             comm,
                    ConditionalOStream  &pcout)
    {
      double      case_wall = 0;
      std::string solution;
      const auto r = analyse_single(p, comm, pcout, false, case_wall, solution);
      CaseRow    row;
      row.status = RunStatus::completed;
      row.values.emplace_back("material", r.material);
      for (const auto &[key, v] : r.study_values())
        row.values.emplace_back(key, case_value(v));
      std::ostringstream record;
      record << r.record() << std::setprecision(17) << "case_wall_s\t"
             << case_wall << "\n";
      if (!solution.empty())
        record << "solution\t" << solution << "\n";
      row.record = record.str();
      return row;
    }

    /// What a finished case of the defect-size study left: the result, its
    /// wall time and its ParaView file (relative to the case folder).
    struct StudyCase
    {
      FractureResult result;
      double         wall_time = 0;
      std::string    solution;
    };

    StudyCase
    read_case(const CaseRow &row)
    {
      try
      {
        StudyCase  c;
        const auto values = parse_record(row.record);
        c.result          = FractureResult::from_record(row.record);
        c.wall_time       = std::stod(values.at("case_wall_s"));
        if (values.count("solution"))
          c.solution = values.at("solution");
        return c;
      }
      catch (const OutputError &)
      {
        throw;
      }
      catch (const std::exception &)
      {
        throw OutputError("the stored result of a finished case "
                          "(result.txt) is damaged: delete the case folder "
                          "to run the case again");
      }
    }

    /// The defect-size study: sizes x materials, each case a `single` run
    /// in its own folder (skipped on a rerun when it finished), then the
    /// tables, fits and critical currents over all finished cases.
    int
    run_defect_size_study(const RunParameters &parameters,
                          MPI_Comm             comm,
                          ConditionalOStream  &pcout)
    {
      Timer                    wall;
      const StopSignals        signals;
      const std::string       &dir = parameters.output.directory;
      std::vector<Electrolyte> materials;
      for (const auto &name : parameters.study.materials)
        materials.push_back(
          materials::resolve(name, parameters.electrolyte, "Study/Materials"));

      pcout << "lipen: " << to_string(parameters.geometry.defect) << " ("
            << parameters.dimension() << "D), defect-size study, "
            << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s), build "
            << LIPEN_BUILD_TYPE << "\n\n";
      Table table = fracture_table();
      pcout << table.screen_header() << "\n";

      ConditionalOStream                    quiet(std::cout, false);
      std::vector<FractureResult>           results;
      std::vector<CaseRow>                  rows;
      std::vector<std::vector<std::string>> varied;
      SolutionWriter                        combined(dir);
      unsigned int                          n_failed = 0, n_skipped = 0;
      bool                                  interrupted = false;
      const std::vector<PlannedCase> plan = defect_size_cases(parameters);
      for (const auto &material : materials)
        for (const double c : parameters.study.sizes)
        {
          if (interrupted)
            break;
          const std::size_t k         = rows.size();
          const std::string case_dir  = dir + "/" + case_name(k);
          const auto       &overrides = plan[k].overrides;
          varied.push_back(plan[k].varied);

          const CaseRunner runner = [&](const RunParameters &p)
          {
            return defect_case_row(p, comm, pcout);
          };
          bool          skipped = false;
          const CaseRow row     = run_study_case(parameters,
                                             "single",
                                             overrides,
                                             case_dir,
                                             runner,
                                             comm,
                                             quiet,
                                             skipped);
          rows.push_back(row);
          n_skipped += skipped;
          if (finished(row.status))
          {
            const StudyCase sc = read_case(row);
            results.push_back(sc.result);
            add_fracture_row(table, sc.result, sc.wall_time);
            pcout << table.screen_line(table.n_rows() - 1)
                  << (skipped ? "   (earlier run)" : "") << "\n";
            if (!sc.solution.empty())
              combined.add_record(double(k), case_name(k) + "/" + sc.solution);
          }
          else
          {
            pcout << std::setw(22) << std::left << material.key << std::right
                  << std::fixed << std::setprecision(3) << std::setw(10)
                  << c * 1e6 << std::defaultfloat << "   "
                  << to_string(row.status) << ": " << row.message << "\n";
            if (row.status == RunStatus::interrupted)
              interrupted = true;
            else
              ++n_failed;
          }
          write_on_root(
            comm,
            [&]()
            {
              write_file_atomically(dir + "/statistics.csv", table.csv());
              write_file_atomically(
                dir + "/study.csv",
                study_csv("lipen defect-size study: one row per case (folder "
                          "case-NNN, a single-defect run); material and defect "
                          "size, status, results, message",
                          {"Material/Electrolyte", "Geometry/Defect size"},
                          varied,
                          rows));
              if (parameters.output.write_solution)
                combined.write_pvd();
            });
          if (!interrupted && stop_requested(comm))
            interrupted = true;
        }

      const auto [status, reason] =
        study_status(interrupted,
                     rows.size(),
                     materials.size() * parameters.study.sizes.size(),
                     n_failed,
                     "the tables and fits use the others");
      std::vector<JsonObject> fits;
      if (!interrupted)
      {
        fits =
          write_defect_size_tables(parameters, results, materials, comm, pcout);
        if (critical_current_search(parameters))
          write_critical_current(parameters,
                                 results,
                                 materials,
                                 comm,
                                 pcout,
                                 fits);
      }
      write_summary(parameters,
                    results,
                    fits,
                    status,
                    reason,
                    wall.wall_time(),
                    comm);
      if (n_skipped > 0)
        pcout << "\n"
              << n_skipped << " of " << rows.size()
              << " cases finished in an earlier run and were read back\n";
      if (status != RunStatus::completed)
        pcout << "\nstudy " << to_string(status) << ": " << reason << "\n";
      pcout << "\nResults in " << std::filesystem::absolute(dir).string()
            << ": summary.json, parameters.prm, statistics.csv, study.csv, "
               "defect_size_study.csv, defect_size_fit.csv"
            << (critical_current_search(parameters) ? ", critical_current.csv" :
                                                      "")
            << (parameters.output.write_solution ?
                  ", solution.pvd (open in ParaView)" :
                  "")
            << ", case-NNN/ (one folder per case)\n";
      return exit_status(status);
    }
  } // namespace

  FractureResult
  run_single_defect(const RunParameters        &parameters,
                    MPI_Comm                    comm,
                    dealii::ConditionalOStream &pcout)
  {
    // before any computation: an unwritable directory is an input error
    parameters.output.create_directory(comm);
    double      wall_time = 0;
    std::string solution;
    return analyse_single(parameters, comm, pcout, true, wall_time, solution);
  }

  int
  run_study(const RunParameters        &parameters,
            MPI_Comm                    comm,
            dealii::ConditionalOStream &pcout)
  {
    switch (parameters.study.type)
    {
      case StudyType::single:
        run_single_defect(parameters, comm, pcout);
        return exit_success;
      case StudyType::defect_size:
        parameters.output.create_directory(comm);
        return run_defect_size_study(parameters, comm, pcout);
      case StudyType::sweep:
        return run_sweep(parameters, comm, pcout);
      case StudyType::phase_field:
      case StudyType::penetration:
        // before any computation: an unwritable directory is an input error
        parameters.output.create_directory(comm);
        return exit_status(run_phase_field(parameters, comm, pcout).status);
    }
    return exit_internal;
  }
} // namespace lipen
