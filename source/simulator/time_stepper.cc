#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/base/signals.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/solution_output.h>
#include <lipen/simulator/time_stepper.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  namespace
  {
    std::string
    step_name(const unsigned int step)
    {
      std::ostringstream s;
      s << "step-" << std::setw(6) << std::setfill('0') << step;
      return s.str();
    }

    /// "Subsection/Entry" -> value of a ShortPRM text.
    std::map<std::string, std::string>
    parse_prm(const std::string &text)
    {
      std::map<std::string, std::string> entries;
      std::vector<std::string>           path;
      std::istringstream                 in(text);
      std::string                        line;
      const auto                         trim = [](std::string s)
      {
        const auto a = s.find_first_not_of(" \t");
        const auto b = s.find_last_not_of(" \t\r");
        return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
      };
      while (std::getline(in, line))
      {
        line = trim(line.substr(0, line.find('#')));
        if (line.rfind("subsection ", 0) == 0)
          path.push_back(trim(line.substr(11)));
        else if (line == "end" && !path.empty())
          path.pop_back();
        else if (line.rfind("set ", 0) == 0)
        {
          const auto  eq  = line.find('=');
          std::string key = trim(line.substr(4, eq - 4));
          for (auto it = path.rbegin(); it != path.rend(); ++it)
            key = *it + "/" + key;
          entries[key] =
            eq == std::string::npos ? "" : trim(line.substr(eq + 1));
        }
      }
      return entries;
    }
  } // namespace

  void
  CheckpointParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Checkpoint");
    prm.declare_entry("Steps between checkpoints",
                      "0",
                      Patterns::Integer(0),
                      "Time-dependent runs: write a checkpoint every this "
                      "many steps (0: never). A checkpoint is always written "
                      "on SIGTERM, SIGINT or SIGUSR1 (the one to send to "
                      "mpirun, which forwards it to the ranks); restart with "
                      "--restart.");
    prm.declare_entry("Minutes between checkpoints",
                      "0",
                      Patterns::Double(0),
                      "Write a checkpoint when this many minutes of wall "
                      "time have passed since the last one (0: never).");
    prm.declare_entry("Checkpoints kept",
                      "2",
                      Patterns::Integer(1, 1000),
                      "How many of the newest checkpoints are kept in "
                      "Output/Directory/checkpoints.");
    prm.leave_subsection();
  }

  void
  CheckpointParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Checkpoint");
    steps   = prm.get_integer("Steps between checkpoints");
    minutes = prm.get_double("Minutes between checkpoints");
    keep    = prm.get_integer("Checkpoints kept");
    prm.leave_subsection();
  }

  TimeStepper::TimeStepper(StepModel                   &model,
                           const TimeStepperParameters &parameters,
                           const std::string           &directory,
                           MPI_Comm                     comm,
                           ConditionalOStream          &pcout)
    : model(model)
    , prm(parameters)
    , directory(directory)
    , comm(comm)
    , pcout(pcout)
    , root(Utilities::MPI::this_mpi_process(comm) == 0)
    , writer(directory)
    , time_to_short_circuit(std::numeric_limits<double>::quiet_NaN())
  {
    model.declare_columns(table);
  }

  std::string
  TimeStepper::latest_checkpoint(const std::string &directory)
  {
    const std::string pointer = directory + "/checkpoints/latest";
    std::ifstream     in(pointer);
    std::string       name;
    if (!(in >> name) ||
        !std::filesystem::is_directory(directory + "/checkpoints/" + name))
      throw InputError("--restart: no checkpoint in '" + directory +
                       "/checkpoints' (Output/Directory); give the "
                       "checkpoint directory with --restart=DIR");
    return directory + "/checkpoints/" + name;
  }

  std::vector<std::string>
  TimeStepper::compare_parameters(const std::string &stored,
                                  const std::string &current)
  {
    const auto a = parse_prm(stored), b = parse_prm(current);
    // what may change between the run that wrote the checkpoint and the
    // run that continues it: where and how often results are written,
    // how far the run goes, and its checkpoints
    const auto harmless = [](const std::string &key)
    {
      return key.rfind("Output/", 0) == 0 || key.rfind("Checkpoint/", 0) == 0 ||
             key == "Phase field/End time" ||
             key == "Phase field/Output interval";
    };
    // an entry that only one side knows: the checkpoint was written by
    // another version of lipen, whose fields and columns may differ too
    const auto other_version =
      [](const std::string &key, const std::string &where)
    {
      return InputError(
        "parameter '" + key + "' is " + where +
        ": the checkpoint was written by another version of lipen (" +
        "a checkpoint is read only by the version that wrote it); "
        "continue with that version or start a new run");
    };
    std::vector<std::string> changes;
    for (const auto &[key, value] : a)
      if (b.find(key) == b.end() && !harmless(key))
        throw other_version(key,
                            "in the checkpoint but not an entry of this "
                            "version");
    for (const auto &[key, value] : b)
    {
      const auto it = a.find(key);
      if (it == a.end() && !harmless(key))
        throw other_version(key, "not in the checkpoint");
      const auto old = it == a.end() ? std::string("(not set)") : it->second;
      if (old == value)
        continue;
      if (!harmless(key))
        throw InputError("parameter '" + key + "': it was '" + old +
                         "' in the checkpoint and is '" + value +
                         "' now; a restart must keep the physics and the "
                         "discretisation (start a new run instead)");
      changes.push_back(key + ": " + old + " -> " + value);
    }
    return changes;
  }

  void
  TimeStepper::write_statistics() const
  {
    write_on_root(comm,
                  [&]()
                  {
                    write_file_atomically(directory + "/statistics.csv",
                                          table.csv());
                  });
  }

  void
  TimeStepper::write_summary(const RunStatus    status,
                             const std::string &reason) const
  {
    const PeakMemory memory = peak_memory(comm);
    if (!root)
      return;
    JsonObject s = header;
    s.add("status", to_string(status));
    if (!reason.empty())
      s.add("status_reason", reason);
    s.add("steps", int(step)).add("time", t);
    model.add_summary(s);
    s.add("time_to_short_circuit_s", time_to_short_circuit);
    if (!restarted_from.empty())
      s.add("restarted_from", restarted_from);
    if (table.n_rows() > 0)
      s.add("initial", table.json(0))
        .add("final", table.json(table.n_rows() - 1));
    s.add("wall_time_s", wall_offset)
      .add("peak_memory_MiB", memory.total_MiB)
      .add("peak_memory_max_rank_MiB", memory.max_rank_MiB);
    write_file_atomically(directory + "/summary.json", s.str() + "\n");
  }

  void
  TimeStepper::write_checkpoint(const std::string &parameters_text)
  {
    namespace fs           = std::filesystem;
    const std::string top  = directory + "/checkpoints";
    const std::string name = step_name(step);
    const std::string tmp  = top + "/" + name + ".tmp";
    // rank 0's file operations end every rank with an OutputError naming
    // the path when they fail (full disk, read-only directory), instead of
    // leaving the other ranks in a barrier
    const auto on_root = [&](const std::function<void()> &writes)
    {
      write_on_root(comm,
                    [&]()
                    {
                      try
                      {
                        writes();
                      }
                      catch (const fs::filesystem_error &e)
                      {
                        throw OutputError("cannot write the checkpoint '" +
                                          tmp + "' (" + e.what() + ")");
                      }
                    });
    };
    on_root(
      [&]()
      {
        fs::create_directories(top);
        fs::remove_all(tmp);
        fs::create_directories(tmp);
      });
    model.save(tmp);
    on_root(
      [&]()
      {
        std::ostringstream state;
        state << std::setprecision(std::numeric_limits<double>::max_digits10)
              << "step " << step << "\ntime " << t << "\ndt " << dt << "\nwall "
              << wall_offset << "\nshort " << time_to_short_circuit << "\n";
        write_file_atomically(tmp + "/stepper.txt", state.str());
        std::ostringstream rows;
        table.save(rows);
        write_file_atomically(tmp + "/statistics.table", rows.str());
        write_file_atomically(tmp + "/parameters.prm", parameters_text);
        std::ostringstream records;
        writer.save_records(records);
        write_file_atomically(tmp + "/solution_records.txt", records.str());
        // complete: make it visible, then name it the newest
        fs::remove_all(top + "/" + name);
        fs::rename(tmp, top + "/" + name);
        write_file_atomically(top + "/latest", name + "\n");
        // keep the newest ones
        std::vector<std::string> all;
        for (const auto &e : fs::directory_iterator(top))
        {
          const std::string n = e.path().filename().string();
          if (e.is_directory() && n.rfind("step-", 0) == 0 &&
              n.find(".tmp") == std::string::npos)
            all.push_back(n);
        }
        std::sort(all.begin(), all.end());
        for (std::size_t k = 0; k + prm.checkpoint.keep < all.size(); ++k)
          fs::remove_all(top + "/" + all[k]);
      });
    model.forget_solver_state();
    pcout << "  checkpoint " << top << "/" << name << "\n";
  }

  void
  TimeStepper::read_checkpoint(const std::string &dir)
  {
    std::ifstream state(dir + "/stepper.txt");
    std::string   key, short_text;
    unsigned int  s    = 0;
    double        time = 0, step_size = 0, wall = 0;
    state >> key >> s >> key >> time >> key >> step_size >> key >> wall >>
      key >> short_text;
    if (!state)
      throw InputError("--restart: '" + dir +
                       "/stepper.txt' is missing or damaged; restart from "
                       "another checkpoint");
    std::ifstream rows(dir + "/statistics.table");
    table.load(rows);
    if (table.n_rows() != s + 1)
      throw InputError("--restart: the statistics in '" + dir +
                       "' do not match its step");
    model.load(dir, s);
    step                  = s;
    t                     = time;
    dt                    = step_size;
    wall_offset           = wall;
    time_to_short_circuit = std::strtod(short_text.c_str(), nullptr);
  }

  double
  TimeStepper::elapsed() const
  {
    return wall_offset + wall.wall_time();
  }

  void
  TimeStepper::start(const std::string &restart)
  {
    pcout << model.description() << "\n";
    if (restart.empty())
    {
      model.initialise();
      dt           = prm.initial_step > 0 ? prm.initial_step : prm.max_step;
      auto     row = table.new_row();
      StepInfo i0;
      i0.wall = elapsed();
      model.fill_row(row, i0);
      table.add_row(row);
      write_statistics();
      if (prm.write_solution)
        model.write_solution(writer, 0, 0.);
    }
    else
    {
      read_checkpoint(restart);
      restarted_from = restart;
      pcout << "  restarted from " << restart << " at step " << step
            << ", t = " << t << "\n";
      // rewrite the outputs as they were at the checkpoint
      if (prm.write_solution)
      {
        std::ifstream records(restart + "/solution_records.txt");
        writer.load_records(records);
        if (root)
          writer.write_pvd();
      }
      write_statistics();
    }
    wall_offset = elapsed();
    wall.restart();
    last_checkpoint = 0;
    if (root && !directory.empty())
      model.write_files(directory);
    pcout << "\n" << table.screen_header() << "\n";
    if (restart.empty())
      pcout << table.screen_line(0) << "\n";
  }

  bool
  TimeStepper::solve_step(StepInfo &info, double &t_new, std::string &failure)
  {
    // a loop that stalls (steps shrinking towards a singular load, or too
    // small to advance t) stops with a status instead of running on
    const double min_step = prm.min_step_fraction * prm.max_step;
    if (dt < min_step || !(t_new > t))
    {
      failure = "the time step fell to " + JsonObject::number(dt) +
                " s at t = " + JsonObject::number(t) + " (below " +
                JsonObject::number(min_step) + " s, the largest step times " +
                JsonObject::number(prm.min_step_fraction) +
                "): the steps keep being cut back, so the load or the "
                "physics cannot be followed past this time; check the load "
                "function and " +
                prm.cutback_entry;
      return false;
    }
    double     cut_change = 0; // of the attempt last cut back for it
    const auto cut_back   = [&]()
    {
      model.restore_step();
      ++info.cutbacks;
      // half the step taken (which may end early at End time or at a
      // load change), so that the shorter step never crosses either
      dt    = 0.5 * (t_new - t);
      t_new = t + dt;
    };
    while (true)
    {
      ++info.attempt;
      info.time         = t_new;
      const auto report = model.solve_step(t_new, info);
      if (report.outcome == StepReport::Outcome::failed)
      {
        model.restore_step();
        failure = report.message;
        return false;
      }
      if (report.outcome == StepReport::Outcome::not_converged)
      {
        if (info.cutbacks == prm.max_cutbacks)
        {
          model.restore_step();
          failure =
            "the step to t = " + JsonObject::number(t_new) +
            " did not converge after " + std::to_string(info.cutbacks) +
            " cut-backs" +
            (report.message.empty() ? "" : " (" + report.message + ")") +
            "; raise " + prm.cutback_entry +
            " or the iteration limits, or take smaller steps";
          return false;
        }
        cut_back();
        continue;
      }
      // a step that changed too much is cut back, unless halving it did
      // not shrink the change (an unstable jump, whatever the step)
      const double change = model.step_change();
      const bool   jump   = cut_change > 0 && change > 0.75 * cut_change;
      info.change         = change;
      if (change > 1 && info.cutbacks < prm.max_cutbacks && !jump)
      {
        cut_change = change;
        cut_back();
        continue;
      }
      if (info.redos < prm.max_redos && model.wants_redo())
      {
        // the solution outran the fine mesh: refine where the converged
        // state needs it, then redo the step from its start (the model
        // may start the redo from the attempt's iterate)
        model.adapt();
        model.restore_for_redo();
        ++info.redos;
        continue;
      }
      return true;
    }
  }

  std::optional<RunStatus>
  TimeStepper::finish_step(StepInfo &info, const double t_new)
  {
    model.accept_step(t_new, info);
    ++step;
    t         = t_new;
    info.wall = elapsed();
    auto row  = table.new_row();
    model.fill_row(row, info);
    table.add_row(row);
    write_statistics();
    if (!directory.empty())
      write_on_root(comm,
                    [&]()
                    {
                      model.write_files(directory);
                    });
    pcout << table.screen_line(table.n_rows() - 1) << "\n";

    const std::optional<RunStatus> stop = model.stop_reason();
    if (prm.write_solution &&
        (step % prm.output_interval == 0 || finished() || stop))
      model.write_solution(writer, step, t);
    if (stop == RunStatus::short_circuit)
    {
      time_to_short_circuit = t;
      pcout << "\nThe crack reached the counter electrode at t = " << t
            << ": short circuit.\n";
    }
    if (stop == RunStatus::completed)
      pcout << "\nThe run reached its final state at t = " << t << ".\n";
    if (stop == RunStatus::arrested)
      pcout << "\nThe crack and its pressure have stopped changing (t = " << t
            << "): arrested.\n";
    return stop;
  }

  bool
  TimeStepper::checkpoint_if_due(const std::string &parameters_text)
  {
    // on a signal (then stop), every N steps, every T minutes
    const bool signalled = stop_requested(comm);
    const bool due =
      (prm.checkpoint.steps > 0 && step % prm.checkpoint.steps == 0) ||
      (prm.checkpoint.minutes > 0 &&
       Utilities::MPI::broadcast(comm,
                                 wall.wall_time() - last_checkpoint >=
                                   60. * prm.checkpoint.minutes,
                                 0));
    if (!(signalled || due) || finished() || directory.empty())
      return false;
    wall_offset = elapsed();
    wall.restart();
    last_checkpoint = 0;
    write_checkpoint(parameters_text);
    if (signalled)
      pcout << "\nInterrupted: checkpoint written; continue with "
               "--restart.\n";
    return signalled;
  }

  RunOutcome
  TimeStepper::run(const JsonObject  &summary,
                   const std::string &parameters_text,
                   const std::string &restart)
  {
    const StopSignals signals;
    RunStatus         status = RunStatus::completed;
    std::string       reason;
    header = summary;
    wall.restart();
    start(restart);
    try
    {
      while (!finished())
      {
        StepInfo info;
        info.step = step + 1;
        double t_new =
          std::min({t + dt, prm.end_time, model.next_load_change(t)});
        if (!solve_step(info, t_new, reason))
        {
          status = RunStatus::failed;
          break;
        }
        const auto stop = finish_step(info, t_new);
        if (stop)
        {
          status = *stop;
          break;
        }
        model.adapt();
        double factor = info.cutbacks == 0 ? prm.growth : 1.;
        if (info.change > 0)
          factor = std::min(factor, 0.8 / info.change);
        dt = std::min(prm.max_step, factor * dt);
        if (checkpoint_if_due(parameters_text))
        {
          status = RunStatus::interrupted;
          reason = "stopped by a signal after step " + std::to_string(step) +
                   "; continue with --restart";
          break;
        }
      }
    }
    catch (const NumericalFailure &e)
    {
      status = RunStatus::failed;
      reason = e.what();
    }
    catch (const std::exception &e)
    {
      wall_offset = elapsed();
      write_summary(RunStatus::failed, e.what());
      throw;
    }
    wall_offset = elapsed();
    write_summary(status, reason);
    if (status == RunStatus::failed)
      pcout << "\nlipen: the run failed at t = " << t << ": " << reason << "\n";
    RunOutcome outcome{status, reason, {}};
    for (const auto &c : table.get_columns())
      if (c.kind != Table::Kind::text && c.name != "wall_s")
        outcome.values.emplace_back(c.name,
                                    table.value(table.n_rows() - 1, c.name));
    outcome.values.emplace_back("time_to_short_circuit_s",
                                time_to_short_circuit);
    return outcome;
  }
} // namespace lipen
