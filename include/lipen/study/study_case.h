#pragma once

#include <lipen/base/run_status.h>
#include <lipen/simulator/run_parameters.h>

#include <deal.II/base/conditional_ostream.h>

#include <mpi.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /**
   * What one case of a study left behind: its status and message, the
   * results shown in the study table (name, value as text), and an opaque
   * record of the model's whole result that the study's own
   * post-processing reads back (e.g. FractureResult::record()).
   *
   * In the case folder: study_row.txt (status, message, values; one
   * `key<TAB>value` per line) and result.txt (the record).
   */
  struct CaseRow
  {
    RunStatus                                        status = RunStatus::failed;
    std::string                                      message;
    std::vector<std::pair<std::string, std::string>> values;
    std::string                                      record;
  };

  /// A number as a study table shows it (10 significant digits; "nan" for
  /// a value that is not finite).
  std::string
  case_value(double x);

  /// A model's run of one case: parameters already parsed (Output/Directory
  /// is the case folder, which exists); returns the case's row. May throw
  /// InputError, NumericalFailure, OutputError or a deal.II exception.
  using CaseRunner = std::function<CaseRow(const RunParameters &)>;

  /**
   * Run (or skip, or continue) one case of a study in @p case_dir: the
   * study's effective parameters with `Study/Type = @p case_type`,
   * `Output/Directory = @p case_dir` and the case's @p overrides
   * (`Subsection/Entry=value`). A case whose study_row.txt says it finished
   * with the same parameters.prm is skipped (@p skipped = true; its row and
   * record are read back); an `interrupted` case with a checkpoint is
   * continued from it (RunParameters::restart = "latest"). Every failure of
   * the case becomes a `failed` row with the message. Rank 0 writes
   * study_row.txt and result.txt into the case folder.
   */
  CaseRow
  run_study_case(const RunParameters            &study,
                 const std::string              &case_type,
                 const std::vector<std::string> &overrides,
                 const std::string              &case_dir,
                 const CaseRunner               &runner,
                 MPI_Comm                        comm,
                 dealii::ConditionalOStream     &pcout,
                 bool                           &skipped);

  /**
   * study.csv: a comment line (@p title), then one row per case: case
   * (folder), status, the @p varied entries with the case's values, the
   * union of the result columns of all rows, and the message of a case
   * that did not complete.
   */
  std::string
  study_csv(const std::string                           &title,
            const std::vector<std::string>              &varied,
            const std::vector<std::vector<std::string>> &varied_values,
            const std::vector<CaseRow>                  &rows);

  /// How a study ended: `interrupted` (by a signal, after @p n_done of
  /// @p n_cases cases), `failed` when @p n_failed cases failed (the reason
  /// ends with @p others, what became of the other cases), else
  /// `completed`; and the reason.
  std::pair<RunStatus, std::string>
  study_status(bool               interrupted,
               std::size_t        n_done,
               std::size_t        n_cases,
               unsigned int       n_failed,
               const std::string &others);

  /// "case-007" for @p index 7: the folder name of a study case.
  std::string
  case_name(std::size_t index);

  /// One case of a study as its run sets it up: its number (folder
  /// case_name(index)), its Study/Type, its `Subsection/Entry=value`
  /// overrides and the values study.csv shows for it.
  struct PlannedCase
  {
    std::size_t              index = 0;
    std::string              type;
    std::vector<std::string> overrides;
    std::vector<std::string> varied;
  };

  /// A case's parameters, parsed and checked as its run parses them: the
  /// study's effective parameters, then `Study/Type`, `Study/Cases = all`,
  /// `Output/Directory = @p case_dir` and the case's overrides. Throws
  /// InputError for a case that its run would refuse.
  RunParameters
  case_parameters(const RunParameters            &study,
                  const std::string              &case_type,
                  const std::vector<std::string> &overrides,
                  const std::string              &case_dir);

  /// For --dry-run: every case of @p cases whose parameters its run would
  /// refuse (case_parameters() throws), as "case-NNN (overrides): message".
  std::vector<std::string>
  refused_cases(const RunParameters            &study,
                const std::vector<PlannedCase> &cases);
} // namespace lipen
