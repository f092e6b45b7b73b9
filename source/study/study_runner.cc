#include <lipen/base/exceptions.h>
#include <lipen/base/memory.h>
#include <lipen/base/signals.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/table.h>
#include <lipen/simulator/phase_field_model.h>
#include <lipen/study/study.h>
#include <lipen/study/study_case.h>
#include <lipen/study/study_runner.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <algorithm>
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
    /// Run one case of @p model with @p p (already parsed); its row.
    CaseRow
    run_case(const RunParameters &p,
             const StudyModel     model,
             MPI_Comm             comm,
             ConditionalOStream  &pcout)
    {
      CaseRow row;
      if (model != StudyModel::sharp_crack)
      {
        const RunOutcome o = run_phase_field(p, comm, pcout);
        row.status         = o.status;
        row.message        = o.reason;
        for (const auto &[k, v] : o.values)
          row.values.emplace_back(k, case_value(v));
        return row;
      }
      const FractureResult r = run_single_defect(p, comm, pcout);
      row.status             = RunStatus::completed;
      for (const auto &[k, v] : r.study_values())
        row.values.emplace_back(k, case_value(v));
      return row;
    }

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
  } // namespace

  std::vector<PlannedCase>
  sweep_plan(const RunParameters &parameters)
  {
    const auto        axes     = parse_sweep(parameters.study.vary);
    const auto        cases    = sweep_cases(axes);
    const auto        selected = parameters.study.selected_cases(cases.size());
    const std::string case_type =
      parameters.study.model == StudyModel::sharp_crack ?
        "single" :
        to_string(parameters.study.model);
    std::vector<PlannedCase> plan;
    for (std::size_t c = 0; c < cases.size(); ++c)
      if (selected[c])
      {
        PlannedCase pc;
        pc.index  = c;
        pc.type   = case_type;
        pc.varied = cases[c];
        for (std::size_t a = 0; a < axes.size(); ++a)
          pc.overrides.push_back(axes[a].entry + "=" + cases[c][a]);
        plan.push_back(pc);
      }
    return plan;
  }

  int
  run_sweep(const RunParameters &parameters,
            MPI_Comm             comm,
            ConditionalOStream  &pcout)
  {
    Timer              wall;
    const StopSignals  signals;
    const std::string &dir      = parameters.output.directory;
    const auto         axes     = parse_sweep(parameters.study.vary);
    const auto         cases    = sweep_cases(axes);
    const auto         selected = parameters.study.selected_cases(cases.size());
    // a run of some cases (one task of a job array) writes only their
    // folders; the study's own files are written by a run of all of them
    const bool partial =
      std::find(selected.begin(), selected.end(), false) != selected.end();
    parameters.output.create_directory(comm);
    pcout << "lipen: sweep of " << to_string(parameters.study.model) << " over "
          << cases.size() << " cases (";
    for (std::size_t a = 0; a < axes.size(); ++a)
      pcout << (a ? " x " : "") << axes[a].entry << " ["
            << axes[a].values.size() << "]";
    pcout << "), " << Utilities::MPI::n_mpi_processes(comm)
          << " MPI rank(s), into " << dir << "\n";

    std::vector<std::string> entries;
    for (const auto &a : axes)
      entries.push_back(a.entry);
    const std::string title =
      "lipen sweep of " + to_string(parameters.study.model) +
      ": one row per case (folder case-NNN); varied entries, then the "
      "results of the case (the last statistics row for time-dependent "
      "models), then the message of a case that did not complete";
    const CaseRunner runner = [&](const RunParameters &p)
    {
      return run_case(p, parameters.study.model, comm, pcout);
    };

    std::vector<CaseRow> rows;
    unsigned int         n_failed = 0, n_skipped = 0;
    bool                 interrupted = false;
    for (const PlannedCase &pc : sweep_plan(parameters))
    {
      if (interrupted)
        break;
      const std::size_t c        = pc.index;
      const std::string case_dir = dir + "/" + case_name(c);
      pcout << "\n=== " << case_name(c) << ":";
      for (std::size_t a = 0; a < axes.size(); ++a)
        pcout << " " << axes[a].entry << " = " << cases[c][a]
              << (a + 1 < axes.size() ? "," : "");
      pcout << "\n";

      bool          skipped = false;
      const CaseRow row     = run_study_case(parameters,
                                         pc.type,
                                         pc.overrides,
                                         case_dir,
                                         runner,
                                         comm,
                                         pcout,
                                         skipped);
      n_skipped += skipped;
      if (!finished(row.status))
        pcout << "    " << case_name(c) << ": " << to_string(row.status) << ": "
              << row.message << "\n";
      if (row.status == RunStatus::interrupted)
        interrupted = true;
      else if (!finished(row.status))
        ++n_failed;
      rows.push_back(row);
      if (!partial)
        write_on_root(comm,
                      [&]()
                      {
                        write_file_atomically(
                          dir + "/study.csv",
                          study_csv(title, entries, cases, rows));
                      });
      if (!interrupted && stop_requested(comm))
        interrupted = true;
    }

    if (partial)
    {
      const auto [status, reason] = study_status(interrupted,
                                                 rows.size(),
                                                 rows.size(),
                                                 n_failed,
                                                 "the others completed");
      pcout << "\nsweep (Study/Cases = " << parameters.study.cases
            << "): " << rows.size() << " of " << cases.size() << " cases, "
            << n_skipped << " skipped (finished earlier), " << n_failed
            << " failed; status " << to_string(status) << "\nResults in " << dir
            << "/case-NNN/; gather study.csv with a run of all cases (it "
               "skips the finished ones)\n";
      return exit_status(status);
    }
    const auto [status, reason] = study_status(interrupted,
                                               rows.size(),
                                               cases.size(),
                                               n_failed,
                                               "the others completed");
    const PeakMemory memory     = peak_memory(comm);
    write_on_root(comm,
                  [&]()
                  {
                    std::vector<JsonObject> list;
                    for (std::size_t c = 0; c < rows.size(); ++c)
                    {
                      JsonObject j;
                      j.add("case", case_name(c))
                        .add("status", to_string(rows[c].status))
                        .add("message", rows[c].message);
                      list.push_back(j);
                    }
                    JsonObject s = parameters.summary_header(comm);
                    s.add("status", to_string(status));
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
                    write_file_atomically(dir + "/summary.json",
                                          s.str() + "\n");
                    parameters.output.write_parameter_file();
                  });
    pcout << "\nsweep: " << rows.size() << " of " << cases.size() << " cases, "
          << n_skipped << " skipped (finished earlier), " << n_failed
          << " failed; status " << to_string(status) << "\nResults in " << dir
          << ": study.csv, summary.json, case-NNN/\n";
    return exit_status(status);
  }
} // namespace lipen
