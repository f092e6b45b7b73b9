#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/output/json.h>
#include <lipen/output/solution_output.h>
#include <lipen/physics/phase_field.h>
#include <lipen/simulator/phase_field_run.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/numerics/data_out.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>

namespace lipen
{
  using namespace dealii;

  namespace
  {
    struct Row
    {
      unsigned int step = 0;
      double       time = 0, load = 0, external_work = 0, balance = 0, wall = 0;
      unsigned int staggered = 0, newton = 0, krylov_u = 0, krylov_d = 0,
                   active_set = 0, volume_iterations = 0, cutbacks = 0,
                   redos           = 0;
      double              residual = 0, change = 0;
      unsigned long long  cells = 0, dofs_u = 0, dofs_d = 0;
      std::vector<double> tip;
      double              pressure = 0, volume = 0, size = 0, tip_distance = 0,
             penetration = 0, elastic = 0, fracture = 0, min_increment = 0,
             max_damage = 0, measure = 0;
    };

    template <int dim>
    void
    run(const RunParameters &parameters,
        MPI_Comm             comm,
        ConditionalOStream  &pcout)
    {
      Timer                       wall;
      const PhaseFieldParameters &pf  = parameters.phase_field;
      const std::string          &dir = parameters.output.directory;
      const bool root          = Utilities::MPI::this_mpi_process(comm) == 0;
      const auto load_function = pf.load_function();

      const DefectGeometry<dim>                 geometry(parameters.geometry);
      parallel::distributed::Triangulation<dim> tria(
        comm,
        Triangulation<dim>::limit_level_difference_at_vertices);
      geometry.create_mesh(tria);
      PhaseFieldFracture<dim> solver(geometry,
                                     tria,
                                     parameters.electrolyte,
                                     parameters.loads,
                                     pf,
                                     parameters.elasticity);
      if (root)
        std::filesystem::create_directories(dir + "/solution");
      MPI_Barrier(comm);

      pcout << "lipen: phase-field fracture, " << geometry.parameters().defect
            << " (" << dim << "D), " << pf.model << ", split " << pf.split
            << ", " << pf.loading << " loading, "
            << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s), build "
            << LIPEN_BUILD_TYPE << "\n";
      solver.initialise();
      pcout << "  G_c = " << solver.critical_energy_release_rate()
            << " J/m^2, l = " << solver.length_scale()
            << " m, h = " << solver.process_zone_h()
            << " m, G_c,eff = " << solver.effective_toughness() << " J/m^2\n\n";

      SolutionWriter writer(dir);
      const auto write_solution = [&](const unsigned int step, const double t)
      {
        DataOut<dim> out;
        out.attach_triangulation(tria);
        std::vector<Vector<float>> cell_data;
        solver.add_output(out, cell_data);
        out.build_patches();
        writer.write_patches(out, step, t, comm);
      };

      std::vector<Row> rows;
      const auto       make_row = [&](const unsigned int step, const double t)
      {
        const auto m = solver.metrics();
        Row        r;
        r.step          = step;
        r.time          = t;
        r.pressure      = m.pressure;
        r.volume        = m.crack_volume;
        r.size          = m.crack_size;
        r.measure       = m.crack_measure;
        r.tip_distance  = m.tip_distance;
        r.penetration   = m.penetration_depth;
        r.elastic       = m.elastic_energy;
        r.fracture      = m.fracture_energy;
        r.min_increment = m.min_damage_increment;
        r.max_damage    = m.max_damage;
        for (unsigned int k = 0; k < dim; ++k)
          r.tip.push_back(m.tip[k]);
        r.cells  = tria.n_global_active_cells();
        r.dofs_u = solver.n_dofs_u();
        r.dofs_d = solver.n_dofs_d();
        r.wall   = wall.wall_time();
        return r;
      };
      const auto write_statistics = [&]()
      {
        if (!root)
          return;
        std::ofstream csv(dir + "/statistics.csv");
        csv << "# lipen phase-field run: whole-body quantities (2D: per unit "
               "thickness). crack_size from the fracture energy / G_c,eff; "
               "tip = farthest point of the d = 1/2 contour (linear along "
               "cell edges) from the crack origin; "
               "energy_balance = elastic + fracture - fracture(0) - "
               "external_work (trapezoidal int p dV)\n"
            << "step,time,load,pressure_Pa,crack_volume,crack_measure,"
               "crack_size_m,tip_distance_m,penetration_depth_m,"
            << (dim == 2 ? "tip_x,tip_y," : "tip_x,tip_y,tip_z,")
            << "elastic_energy_J,fracture_energy_J,external_work_J,"
               "energy_balance_J,max_damage,min_damage_increment,"
               "staggered_iterations,newton_iterations,krylov_u,krylov_d,"
               "active_set_iterations,volume_iterations,final_residual,"
               "final_damage_change,cutbacks,redos,cells,dofs_u,dofs_d,"
               "wall_s\n";
        csv << std::setprecision(10);
        for (const auto &r : rows)
        {
          csv << r.step << ',' << r.time << ',' << r.load << ',' << r.pressure
              << ',' << r.volume << ',' << r.measure << ',' << r.size << ','
              << r.tip_distance << ',' << r.penetration << ',';
          for (const double x : r.tip)
            csv << x << ',';
          csv << r.elastic << ',' << r.fracture << ',' << r.external_work << ','
              << r.balance << ',' << r.max_damage << ',' << r.min_increment
              << ',' << r.staggered << ',' << r.newton << ',' << r.krylov_u
              << ',' << r.krylov_d << ',' << r.active_set << ','
              << r.volume_iterations << ',' << r.residual << ',' << r.change
              << ',' << r.cutbacks << ',' << r.redos << ',' << r.cells << ','
              << r.dofs_u << ',' << r.dofs_d << ',' << r.wall << '\n';
        }
      };
      std::ofstream history;
      if (root)
      {
        history.open(dir + "/staggered_history.csv");
        history << "step,attempt,iteration,residual_u,damage_change,"
                   "pressure_Pa,newton,krylov_u,krylov_d,active_set\n";
      }

      rows.push_back(make_row(0, 0.));
      const double fracture0 = rows.back().fracture;
      write_statistics();
      write_solution(0, 0.);
      pcout << std::setw(5) << "step" << std::setw(11) << "t" << std::setw(13)
            << "p [Pa]" << std::setw(13) << "V" << std::setw(12) << "size [m]"
            << std::setw(12) << "tip [m]" << std::setw(7) << "stag"
            << std::setw(7) << "KSP_u" << std::setw(7) << "KSP_d"
            << std::setw(6) << "cuts" << std::setw(10) << "cells"
            << std::setw(10) << "balance"
            << "\n";

      const double T   = pf.end_time;
      const double dt0 = T / pf.time_steps;
      double       t = 0, dt = dt0, work = 0;
      unsigned int step    = 0;
      std::string  status  = "completed";
      double       t_short = std::numeric_limits<double>::quiet_NaN();
      const auto  &gp      = geometry.parameters();
      const bool   surface =
        gp.surface_defect_2d() || gp.defect == "semicircular surface flaw";
      while (t < T * (1. - 1e-12))
      {
        unsigned int cutbacks = 0, redos = 0, attempt = 0;
        double       t_new = std::min(t + dt, T);
        typename PhaseFieldFracture<dim>::StepResult result;
        Row                                          row;
        while (true)
        {
          ++attempt;
          const double load = load_function->value(Point<1>(t_new));
          result            = solver.solve_step(load);
          if (root)
            for (const auto &it : result.history)
              history << step + 1 << ',' << attempt << ',' << it.index << ','
                      << it.residual_u << ',' << it.change_d << ','
                      << it.pressure << ',' << it.newton << ',' << it.krylov_u
                      << ',' << it.krylov_d << ',' << it.active_set << '\n';
          if (!result.converged)
          {
            solver.restore_step();
            if (cutbacks == pf.max_cutbacks)
              throw InputError(
                "parameter 'Phase field/Maximum cut-backs': the step to t = " +
                std::to_string(t_new) + " did not converge after " +
                std::to_string(cutbacks) + " cut-backs" +
                (result.message.empty() ? "" : " (" + result.message + ")") +
                "; raise Maximum staggered iterations or Time steps");
            ++cutbacks;
            dt *= 0.5;
            t_new = t + dt;
            continue;
          }
          row      = make_row(step + 1, t_new);
          row.load = load;
          if (pf.adaptive && redos < pf.max_refinement_redos &&
              !solver.process_zone_resolved())
          {
            // the crack outran the fine mesh: refine where the converged
            // state needs it (all states are transferred), then redo the
            // step from its start
            solver.adapt_mesh();
            solver.restore_step();
            ++redos;
            continue;
          }
          const double advance = row.size - rows.back().size;
          if (pf.max_advance > 0 && cutbacks < pf.max_cutbacks &&
              advance > pf.max_advance * solver.length_scale())
          {
            solver.restore_step();
            ++cutbacks;
            dt *= 0.5;
            t_new = t + dt;
            continue;
          }
          break;
        }
        solver.accept_step();
        ++step;
        t = t_new;
        work += 0.5 * (rows.back().pressure + row.pressure) *
                (row.volume - rows.back().volume);
        row.external_work     = work;
        row.balance           = row.elastic + row.fracture - fracture0 - work;
        row.staggered         = result.history.size();
        row.newton            = result.newton;
        row.krylov_u          = result.krylov_u;
        row.krylov_d          = result.krylov_d;
        row.active_set        = result.active_set;
        row.volume_iterations = result.volume_iterations;
        row.residual =
          result.history.empty() ? 0 : result.history.back().residual_u;
        row.change =
          result.history.empty() ? 0 : result.history.back().change_d;
        row.cutbacks = cutbacks;
        row.redos    = redos;
        rows.push_back(row);
        write_statistics();
        if (root)
          history.flush();
        pcout << std::setw(5) << step << std::setw(11) << std::setprecision(4)
              << t << std::setw(13) << row.pressure << std::setw(13)
              << row.volume << std::setw(12) << row.size << std::setw(12)
              << row.tip_distance << std::setw(7) << row.staggered
              << std::setw(7) << row.krylov_u << std::setw(7) << row.krylov_d
              << std::setw(6) << cutbacks << std::setw(10) << row.cells
              << std::setw(10) << std::setprecision(2)
              << row.balance / std::max(std::abs(work), 1e-300)
              << std::setprecision(6) << "\n";
        const bool last = t >= T * (1. - 1e-12);
        const bool shorted =
          surface &&
          row.penetration >= gp.height - 2. * solver.process_zone_h();
        if (step % pf.output_interval == 0 || last || shorted)
          write_solution(step, t);
        if (shorted)
        {
          status  = "short circuit";
          t_short = t;
          pcout << "\nThe crack reached the counter electrode at t = " << t
                << ": short circuit.\n";
          break;
        }
        if (pf.adaptive)
          solver.adapt_mesh();
        if (cutbacks == 0)
          dt = std::min(dt0, 2. * dt);
      }

      const PeakMemory memory = peak_memory(comm);
      if (root)
      {
        const Row &r = rows.back();
        JsonObject final_state;
        final_state.add("time", r.time)
          .add("pressure_Pa", r.pressure)
          .add("crack_volume", r.volume)
          .add("crack_measure", r.measure)
          .add("crack_size_m", r.size)
          .add("tip_distance_m", r.tip_distance)
          .add("tip", r.tip)
          .add("penetration_depth_m", r.penetration)
          .add("elastic_energy_J", r.elastic)
          .add("fracture_energy_J", r.fracture)
          .add("external_work_J", r.external_work)
          .add("energy_balance_J", r.balance)
          .add("max_damage", r.max_damage)
          .add("cells", r.cells)
          .add("dofs_u", r.dofs_u)
          .add("dofs_d", r.dofs_d);
        double min_increment = 0;
        for (const auto &x : rows)
          min_increment = std::min(min_increment, x.min_increment);
        JsonObject s;
        s.add("program", "lipen")
          .add("build_type", LIPEN_BUILD_TYPE)
          .add("status", status)
          .add("study", "phase field")
          .add("mpi_ranks", int(Utilities::MPI::n_mpi_processes(comm)))
          .add("dimension", dim)
          .add("geometry", gp.defect)
          .add("defect_size_m", gp.defect_size)
          .add("material", parameters.electrolyte.key)
          .add("model", pf.model)
          .add("energy_split", pf.split)
          .add("loading", pf.loading)
          .add("initial_crack", pf.initial_crack)
          .add("G_c_J_per_m2", solver.critical_energy_release_rate())
          .add("G_c_effective_J_per_m2", solver.effective_toughness())
          .add("plane_strain_modulus_Pa",
               parameters.electrolyte.plane_strain_modulus())
          .add("length_scale_m", solver.length_scale())
          .add("process_zone_cell_size_m", solver.process_zone_h())
          .add("steps", int(step))
          .add("min_damage_increment", min_increment)
          .add("time_to_short_circuit_s", t_short)
          .add("initial_crack_volume", rows.front().volume)
          .add("final", final_state)
          .add("wall_time_s", wall.wall_time())
          .add("peak_memory_MiB", memory.total_MiB)
          .add("peak_memory_max_rank_MiB", memory.max_rank_MiB);
        std::ofstream(dir + "/summary.json") << s.str() << "\n";
        parameters.output.write_parameter_file();
      }
      pcout << "\nResults in " << dir
            << ": statistics.csv, staggered_history.csv, summary.json, "
               "parameters.prm, solution.pvd (open in ParaView)\n";
    }
  } // namespace

  void
  run_phase_field(const RunParameters &parameters,
                  MPI_Comm             comm,
                  ConditionalOStream  &pcout)
  {
    if (parameters.dimension() == 2)
      run<2>(parameters, comm, pcout);
    else
      run<3>(parameters, comm, pcout);
  }
} // namespace lipen
