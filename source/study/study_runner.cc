#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/base/signals.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/table.h>
#include <lipen/simulator/phase_field_model.h>
#include <lipen/study/study.h>
#include <lipen/study/study_runner.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  namespace
  {
    /// What a case left behind: its status, message and results.
    struct CaseRow
    {
      std::string                                      status, message;
      std::vector<std::pair<std::string, std::string>> values;
    };

    bool
    finished(const std::string &status)
    {
      return status == "completed" || status == "short circuit" ||
             status == "arrested";
    }

    std::string
    number(const double x)
    {
      std::ostringstream o;
      o << std::setprecision(10) << x;
      return o.str();
    }

    /// One line without line breaks or tabs (messages go into one cell).
    std::string
    one_line(std::string s)
    {
      for (char &ch : s)
        if (ch == '\n' || ch == '\r' || ch == '\t')
          ch = ' ';
      return s;
    }

    std::string
    row_text(const CaseRow &row)
    {
      std::string s =
        "status\t" + row.status + "\nmessage\t" + one_line(row.message) + "\n";
      for (const auto &[k, v] : row.values)
        s += k + "\t" + v + "\n";
      return s;
    }

    /// The case's study_row.txt, or a row with an empty status.
    CaseRow
    read_row(const std::string &file)
    {
      CaseRow       row;
      std::ifstream in(file);
      std::string   line;
      while (std::getline(in, line))
      {
        const auto  tab = line.find('\t');
        std::string key = line.substr(0, tab);
        std::string value =
          tab == std::string::npos ? "" : line.substr(tab + 1);
        if (key == "status")
          row.status = value;
        else if (key == "message")
          row.message = value;
        else
          row.values.emplace_back(key, value);
      }
      return row;
    }

    std::string
    read_text(const std::string &file)
    {
      std::ifstream      in(file);
      std::ostringstream s;
      s << in.rdbuf();
      return s.str();
    }

    /// Run one case with @p p (already parsed); returns its row.
    CaseRow
    run_case(const RunParameters &p,
             const StudyModel     model,
             MPI_Comm             comm,
             ConditionalOStream  &pcout)
    {
      CaseRow row;
      p.output.create_directory(comm);
      if (model == StudyModel::phase_field)
      {
        const RunOutcome o = run_phase_field(p, comm, pcout);
        row.status         = o.status;
        row.message        = o.reason;
        for (const auto &[k, v] : o.values)
          row.values.emplace_back(k, number(v));
        return row;
      }
      const auto results = run_study(p, comm, pcout);
      row.status         = "completed";
      if (results.empty())
        return row;
      const auto &r = results.front();
      for (const auto &[k, v] : std::vector<std::pair<std::string, double>>{
             {"Y", r.Y},
             {"Y_energy", r.Y_energy},
             {"K_I_Pa_sqrt_m", r.K_I},
             {"K_I_energy_Pa_sqrt_m", r.K_I_energy},
             {"J_J_per_m2", r.J},
             {"crack_volume", r.crack_volume},
             {"opening_m", r.opening},
             {"sigma0_max_Pa", r.sigma0_max},
             {"eta_c_V", r.eta_c},
             {"dofs", double(r.n_dofs)}})
        row.values.emplace_back(k, number(v));
      const auto &e = r.electrochemistry;
      if (e.computed)
        for (const auto &[k, v] : std::vector<std::pair<std::string, double>>{
               {"cell_voltage_V", e.cell_voltage},
               {"defect_pressure_Pa", e.defect_pressure},
               {"focusing_factor", e.focusing_factor},
               {"tip_focusing_factor", e.tip_focusing_factor},
               {"i_c_sealed_A_per_m2", e.critical_current_sealed},
               {"eta_c_sealed_V", e.critical_overpotential_sealed}})
          row.values.emplace_back(k, number(v));
      return row;
    }
  } // namespace

  namespace
  {
    /// All combinations of the axes' values, the last axis fastest.
    std::vector<std::vector<std::string>>
    sweep_cases(const std::vector<SweepAxis> &axes)
    {
      std::vector<std::vector<std::string>> cases{{}};
      for (const auto &axis : axes)
      {
        std::vector<std::vector<std::string>> next;
        for (const auto &c : cases)
          for (const auto &v : axis.values)
          {
            next.push_back(c);
            next.back().push_back(v);
          }
        cases = next;
      }
      return cases;
    }

    /// study.csv: one row per case, the union of the result columns.
    std::string
    study_table(const RunParameters                         &parameters,
                const std::vector<SweepAxis>                &axes,
                const std::vector<std::vector<std::string>> &cases,
                const std::vector<std::string>              &names,
                const std::vector<CaseRow>                  &rows)
    {
      std::vector<std::string> keys;
      for (const auto &r : rows)
        for (const auto &[k, v] : r.values)
          if (std::find(keys.begin(), keys.end(), k) == keys.end())
            keys.push_back(k);
      std::ostringstream csv;
      csv << "# lipen sweep of " << to_string(parameters.study.model)
          << ": one row per case (folder case-NNN); varied entries, then the "
             "results of the case (the last statistics row for time-dependent "
             "models), then the message of a case that did not complete\n"
          << "case,status";
      for (const auto &a : axes)
        csv << ',' << csv_field(a.entry);
      for (const auto &k : keys)
        csv << ',' << k;
      csv << ",message\n";
      for (std::size_t c = 0; c < rows.size(); ++c)
      {
        csv << names[c] << ',' << csv_field(rows[c].status);
        for (const auto &v : cases[c])
          csv << ',' << csv_field(v);
        for (const auto &k : keys)
        {
          std::string v;
          for (const auto &[kk, vv] : rows[c].values)
            if (kk == k)
              v = vv;
          csv << ',' << csv_field(v);
        }
        csv << ',' << csv_field(rows[c].message) << '\n';
      }
      return csv.str();
    }

    /// Run (or skip, or continue) one case in @p case_dir; every failure of
    /// the case becomes its row.
    CaseRow
    sweep_case(const RunParameters            &parameters,
               const std::vector<SweepAxis>   &axes,
               const std::vector<std::string> &values,
               const std::string              &case_dir,
               MPI_Comm                        comm,
               ConditionalOStream             &pcout,
               bool                           &skipped)
    {
      skipped = false;
      CaseRow row;
      try
      {
        // the case's parameters: everything of the study, then the case
        ParameterHandler prm;
        RunParameters::declare_parameters(prm);
        prm.parse_input_from_string(parameters.output.effective_parameters);
        apply_override(prm,
                       std::string("Study/Type=") +
                         (parameters.study.model == StudyModel::phase_field ?
                            "phase field" :
                            "single"));
        apply_override(prm, "Output/Directory=" + case_dir);
        for (std::size_t a = 0; a < axes.size(); ++a)
          apply_override(prm, axes[a].entry + "=" + values[a]);
        RunParameters p;
        p.parse_parameters(prm);

        // resume: a finished case with the same parameters is kept; an
        // interrupted phase-field case continues from its checkpoint
        std::string decision;
        if (Utilities::MPI::this_mpi_process(comm) == 0)
        {
          const CaseRow old  = read_row(case_dir + "/study_row.txt");
          const bool    same = read_text(case_dir + "/parameters.prm") ==
                            p.output.parameter_file_text();
          if (same && finished(old.status))
            decision = "skip";
          else if (same && old.status == "interrupted" &&
                   std::filesystem::exists(case_dir + "/checkpoints/latest"))
            decision = "restart";
        }
        decision = Utilities::MPI::broadcast(comm, decision, 0);
        if (decision == "skip")
        {
          skipped = true;
          row     = read_row(case_dir + "/study_row.txt");
          pcout << "    finished in an earlier run (" << row.status
                << "): skipped\n";
          return row;
        }
        if (decision == "restart")
          p.restart = "latest";
        return run_case(p, parameters.study.model, comm, pcout);
      }
      catch (const InputError &e)
      {
        row.message = std::string("bad input: ") + e.what();
      }
      catch (const NumericalFailure &e)
      {
        row.message = e.what();
      }
      catch (const OutputError &e)
      {
        row.message = e.what();
      }
      catch (const dealii::ExceptionBase &e)
      {
        row.message = deal_ii_message(e);
      }
      row.values.clear();
      row.status = "failed";
      return row;
    }
  } // namespace

  int
  run_sweep(const RunParameters &parameters,
            MPI_Comm             comm,
            ConditionalOStream  &pcout)
  {
    Timer              wall;
    const StopSignals  signals;
    const bool         root  = Utilities::MPI::this_mpi_process(comm) == 0;
    const std::string &dir   = parameters.output.directory;
    const auto         axes  = parse_sweep(parameters.study.vary);
    const auto         cases = sweep_cases(axes);
    parameters.output.create_directory(comm);
    pcout << "lipen: sweep of " << to_string(parameters.study.model) << " over "
          << cases.size() << " cases (";
    for (std::size_t a = 0; a < axes.size(); ++a)
      pcout << (a ? " x " : "") << axes[a].entry << " ["
            << axes[a].values.size() << "]";
    pcout << "), " << Utilities::MPI::n_mpi_processes(comm)
          << " MPI rank(s), into " << dir << "\n";

    std::vector<std::string> names;
    std::vector<CaseRow>     rows;
    unsigned int             n_failed = 0, n_skipped = 0;
    bool                     interrupted = false;
    for (std::size_t c = 0; c < cases.size() && !interrupted; ++c)
    {
      std::ostringstream name;
      name << "case-" << std::setw(3) << std::setfill('0') << c;
      names.push_back(name.str());
      const std::string case_dir = dir + "/" + name.str();
      pcout << "\n=== " << name.str() << ":";
      for (std::size_t a = 0; a < axes.size(); ++a)
        pcout << " " << axes[a].entry << " = " << cases[c][a]
              << (a + 1 < axes.size() ? "," : "");
      pcout << "\n";

      bool          skipped = false;
      const CaseRow row =
        sweep_case(parameters, axes, cases[c], case_dir, comm, pcout, skipped);
      n_skipped += skipped;
      if (!finished(row.status))
        pcout << "    " << name.str() << ": " << row.status << ": "
              << row.message << "\n";
      if (row.status == "interrupted")
        interrupted = true;
      else if (!finished(row.status))
        ++n_failed;
      rows.push_back(row);
      if (root)
      {
        std::filesystem::create_directories(case_dir);
        write_file_atomically(case_dir + "/study_row.txt", row_text(row));
        write_file_atomically(
          dir + "/study.csv",
          study_table(parameters, axes, cases, names, rows));
      }
      if (!interrupted && stop_requested(comm))
        interrupted = true;
    }

    std::string status = "completed", reason;
    if (interrupted)
    {
      status = "interrupted";
      reason = "stopped by a signal after " + std::to_string(rows.size()) +
               " of " + std::to_string(cases.size()) +
               " cases; rerun the study to continue it";
    }
    else if (n_failed > 0)
    {
      status = "failed";
      reason = std::to_string(n_failed) + " of " +
               std::to_string(cases.size()) +
               " cases failed (see study.csv); the others completed";
    }
    const PeakMemory memory = peak_memory(comm);
    if (root)
    {
      std::vector<JsonObject> list;
      for (std::size_t c = 0; c < rows.size(); ++c)
      {
        JsonObject j;
        j.add("case", names[c])
          .add("status", rows[c].status)
          .add("message", rows[c].message);
        list.push_back(j);
      }
      JsonObject s = parameters.summary_header(comm);
      s.add("status", status);
      if (!reason.empty())
        s.add("status_reason", reason);
      s.add("model", to_string(parameters.study.model))
        .add("vary", parameters.study.vary)
        .add("cases_total", int(cases.size()))
        .add("cases_run", int(rows.size() - n_skipped))
        .add("cases_skipped", int(n_skipped))
        .add("cases_failed", int(n_failed))
        .add("cases", list)
        .add("wall_time_s", wall.wall_time())
        .add("peak_memory_MiB", memory.total_MiB)
        .add("peak_memory_max_rank_MiB", memory.max_rank_MiB);
      write_file_atomically(dir + "/summary.json", s.str() + "\n");
      parameters.output.write_parameter_file();
    }
    pcout << "\nsweep: " << rows.size() << " of " << cases.size() << " cases, "
          << n_skipped << " skipped (finished earlier), " << n_failed
          << " failed; status " << status << "\nResults in " << dir
          << ": study.csv, summary.json, case-NNN/\n";
    if (interrupted)
      return exit_interrupted;
    return n_failed > 0 ? exit_failed : exit_success;
  }
} // namespace lipen
