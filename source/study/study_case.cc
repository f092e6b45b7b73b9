#include <lipen/base/exceptions.h>
#include <lipen/output/atomic_file.h>
#include <lipen/output/table.h>
#include <lipen/study/study_case.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace lipen
{
  using namespace dealii;

  namespace
  {
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
      std::string s = "status\t" + to_string(row.status) + "\nmessage\t" +
                      one_line(row.message) + "\n";
      for (const auto &[k, v] : row.values)
        s += k + "\t" + one_line(v) + "\n";
      return s;
    }

    std::string
    read_text(const std::string &file)
    {
      std::ifstream      in(file);
      std::ostringstream s;
      s << in.rdbuf();
      return s.str();
    }

    /// The case's study_row.txt (and result.txt), or a row with an empty
    /// status.
    CaseRow
    read_row(const std::string &case_dir)
    {
      CaseRow       row;
      std::ifstream in(case_dir + "/study_row.txt");
      std::string   line;
      while (std::getline(in, line))
      {
        const auto  tab = line.find('\t');
        std::string key = line.substr(0, tab);
        std::string value =
          tab == std::string::npos ? "" : line.substr(tab + 1);
        if (key == "status")
          row.status =
            run_status_from_string(value).value_or(RunStatus::failed);
        else if (key == "message")
          row.message = value;
        else
          row.values.emplace_back(key, value);
      }
      row.record = read_text(case_dir + "/result.txt");
      return row;
    }


    /// "skip", "restart" or "" (run): decided on rank 0 from what an
    /// earlier run left in @p case_dir.
    std::string
    resume_decision(const RunParameters &p,
                    const std::string   &case_dir,
                    MPI_Comm             comm)
    {
      std::string decision;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        const CaseRow old  = read_row(case_dir);
        const bool    same = read_text(case_dir + "/parameters.prm") ==
                          p.output.parameter_file_text();
        if (same && finished(old.status))
          decision = "skip";
        else if (same && old.status == RunStatus::interrupted &&
                 std::filesystem::exists(case_dir + "/checkpoints/latest"))
          decision = "restart";
      }
      return Utilities::MPI::broadcast(comm, decision, 0);
    }
  } // namespace

  RunParameters
  case_parameters(const RunParameters            &study,
                  const std::string              &case_type,
                  const std::vector<std::string> &overrides,
                  const std::string              &case_dir)
  {
    ParameterHandler prm;
    RunParameters::declare_parameters(prm);
    prm.parse_input_from_string(study.output.effective_parameters);
    apply_override(prm, "Study/Type=" + case_type);
    // a case is the same whichever run of a split sweep computes it
    apply_override(prm, "Study/Cases=all");
    apply_override(prm, "Output/Directory=" + case_dir);
    for (const auto &o : overrides)
      apply_override(prm, o);
    RunParameters p;
    p.parse_parameters(prm);
    return p;
  }

  std::vector<std::string>
  refused_cases(const RunParameters            &study,
                const std::vector<PlannedCase> &cases)
  {
    std::vector<std::string> refused;
    for (const auto &c : cases)
      try
      {
        (void)case_parameters(study,
                              c.type,
                              c.overrides,
                              study.output.directory + "/" +
                                case_name(c.index));
      }
      catch (const std::exception &e)
      {
        std::string set;
        for (const auto &o : c.overrides)
          if (o.find("=preset") == std::string::npos)
            set += (set.empty() ? "" : ", ") + o;
        const auto *deal_ii = dynamic_cast<const ExceptionBase *>(&e);
        refused.push_back(case_name(c.index) + " (" + set + "): " +
                          (deal_ii ? deal_ii_message(*deal_ii) : e.what()));
      }
    return refused;
  }

  std::string
  case_name(const std::size_t index)
  {
    std::ostringstream name;
    name << "case-" << std::setw(3) << std::setfill('0') << index;
    return name.str();
  }

  CaseRow
  run_study_case(const RunParameters            &study,
                 const std::string              &case_type,
                 const std::vector<std::string> &overrides,
                 const std::string              &case_dir,
                 const CaseRunner               &runner,
                 MPI_Comm                        comm,
                 ConditionalOStream             &pcout,
                 bool                           &skipped)
  {
    skipped = false;
    CaseRow row;
    try
    {
      RunParameters p = case_parameters(study, case_type, overrides, case_dir);
      const std::string decision = resume_decision(p, case_dir, comm);
      if (decision == "skip")
      {
        skipped = true;
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          row = read_row(case_dir);
        row.status = RunStatus(
          Utilities::MPI::broadcast(comm, static_cast<int>(row.status), 0));
        row.message = Utilities::MPI::broadcast(comm, row.message, 0);
        row.values  = Utilities::MPI::broadcast(comm, row.values, 0);
        row.record  = Utilities::MPI::broadcast(comm, row.record, 0);
        pcout << "    finished in an earlier run (" << to_string(row.status)
              << "): skipped\n";
        return row;
      }
      if (decision == "restart")
        p.restart = "latest";
      p.output.create_directory(comm);
      row = runner(p);
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
    // a case whose folder cannot be made (the reason it failed) is only
    // recorded in the study's table
    std::error_code ec;
    if (Utilities::MPI::this_mpi_process(comm) == 0 &&
        (std::filesystem::create_directories(case_dir, ec),
         std::filesystem::is_directory(case_dir)))
    {
      write_file_atomically(case_dir + "/result.txt", row.record);
      write_file_atomically(case_dir + "/study_row.txt", row_text(row));
    }
    return row;
  }

  std::string
  study_csv(const std::string                           &title,
            const std::vector<std::string>              &varied,
            const std::vector<std::vector<std::string>> &varied_values,
            const std::vector<CaseRow>                  &rows)
  {
    std::vector<std::string> keys;
    for (const auto &r : rows)
      for (const auto &[k, v] : r.values)
        if (std::find(keys.begin(), keys.end(), k) == keys.end())
          keys.push_back(k);
    std::ostringstream csv;
    csv << "# " << title << "\ncase,status";
    for (const auto &a : varied)
      csv << ',' << csv_field(a);
    for (const auto &k : keys)
      csv << ',' << k;
    csv << ",message\n";
    for (std::size_t c = 0; c < rows.size(); ++c)
    {
      csv << case_name(c) << ',' << csv_field(to_string(rows[c].status));
      for (const auto &v : varied_values[c])
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

  std::pair<RunStatus, std::string>
  study_status(const bool         interrupted,
               const std::size_t  n_done,
               const std::size_t  n_cases,
               const unsigned int n_failed,
               const std::string &others)
  {
    if (interrupted)
      return {RunStatus::interrupted,
              "stopped by a signal after " + std::to_string(n_done) + " of " +
                std::to_string(n_cases) +
                " cases; rerun the study to continue it"};
    if (n_failed > 0)
      return {RunStatus::failed,
              std::to_string(n_failed) + " of " + std::to_string(n_cases) +
                " cases failed (see study.csv); " + others};
    return {RunStatus::completed, ""};
  }

  std::string
  case_value(const double x)
  {
    std::ostringstream o;
    o << std::setprecision(10) << x;
    return o.str();
  }
} // namespace lipen
