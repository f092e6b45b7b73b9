#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/output/json.h>
#include <lipen/physics/elasticity.h>
#include <lipen/physics/electrochemistry_parameters.h>
#include <lipen/physics/phase_field_parameters.h>
#include <lipen/simulator/time_stepper.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace lipen
{
  /// One varied entry of a sweep: `Subsection/Entry` and its values.
  struct SweepAxis
  {
    std::string              entry;
    std::vector<std::string> values;
  };

  /**
   * Parse `Study/Vary`: axes separated by ';', each `Subsection/Entry =
   * values` with values a comma-separated list, `log(min, max, n)` (n
   * log-spaced numbers) or `lin(min, max, n)`. The cases are the product of
   * all axes (the last one varies fastest). InputError naming Study/Vary on
   * bad syntax.
   */
  std::vector<SweepAxis>
  parse_sweep(const std::string &text);

  /// K_I extraction (subsection `Fracture`).
  struct FractureParameters
  {
    std::vector<double> j_radii{0.25, 0.5, 0.75}; ///< r_out / c
    bool                energy_method       = true;
    double              energy_perturbation = 0.01; ///< delta / h_tip
    unsigned int        front_segments      = 7;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

  /// Subsection `Output`.
  struct OutputParameters
  {
    std::string directory      = "lipen-output";
    bool        write_solution = true;
    /// Every entry of the run (defaults included) in .prm syntax, recorded
    /// by parse_parameters() so that a run can be repeated from its output.
    std::string effective_parameters;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
    /// Whether the directory could be created and written (the nearest
    /// existing ancestor is a writable directory), without creating
    /// anything: for --dry-run. InputError naming Output/Directory.
    void
    check_writable() const;
    /// Creates the directory and checks, with a probe file that is removed
    /// again, that rank 0 can write there, so that an unwritable directory
    /// stops a run before any computation and without touching the files of
    /// an earlier run.  Collective; throws InputError naming
    /// Output/Directory on every rank.
    void
    create_directory(MPI_Comm comm) const;
    /// The text of parameters.prm: a comment and effective_parameters.
    std::string
    parameter_file_text() const;
    /// Writes parameter_file_text() to directory/parameters.prm
    /// (atomically); call on one rank, next to summary.json.
    void
    write_parameter_file() const;
  };

  /// What a run does (`Study/Type`).
  enum class StudyType
  {
    single,
    defect_size,
    phase_field,
    penetration, ///< phase field with Loading = plating
    sweep
  };
  /// What each case of a sweep runs (`Study/Model`).
  enum class StudyModel
  {
    sharp_crack,
    phase_field,
    penetration
  };
  std::string
  to_string(StudyType type);
  std::string
  to_string(StudyModel model);

  /// Subsection `Study`.
  struct StudyParameters
  {
    StudyType                type  = StudyType::defect_size;
    StudyModel               model = StudyModel::sharp_crack; ///< of a sweep
    std::string              vary; ///< Study/Vary text
    std::vector<double>      sizes;
    std::vector<std::string> materials;
    /// Study/Cases: which cases of a sweep this run computes ("all", or
    /// case numbers and ranges such as "0-3, 7")
    std::string cases = "all";

    /// Which of the @p n cases of a sweep Study/Cases selects; InputError
    /// naming Study/Cases for bad syntax or a case beyond n - 1.
    std::vector<bool>
    selected_cases(std::size_t n) const;

    /// A time-dependent run (phase field or penetration) with checkpoints.
    bool
    time_dependent() const
    {
      return type == StudyType::phase_field || type == StudyType::penetration;
    }

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
  };

  /// Every parameter of a lipen run, parsed and validated.
  struct RunParameters
  {
    GeometryParameters         geometry;
    LoadParameters             loads;
    ElasticityParameters       elasticity;
    FractureParameters         fracture;
    OutputParameters           output;
    StudyParameters            study;
    ElectrochemistryParameters electrochemistry;
    PhaseFieldParameters       phase_field;
    CheckpointParameters       checkpoint;
    Electrolyte                electrolyte;
    Lithium                    lithium;
    double                     temperature = 298.15;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
    /// Refuse phase-field length scales the mesh cannot resolve (too many
    /// refinement levels) or whose process zone about the initial (or
    /// final, if given) crack would not fit in memory, and ones larger
    /// than the slab.
    void
    check_phase_field_mesh() const;
    /// The stack pressure where the geometry has no face for it (3D
    /// surface flaw): refused naming Loads/Stack pressure.
    void
    check_stack_pressure() const;
    /// The combinations of a time-dependent run's loading with the ionic
    /// potential, defect, closure, stack pressure, current schedule and
    /// mouth conductance that are implemented; the others are refused
    /// naming the entry.
    void
    check_plating() const;
    /// Not a parameter-file entry: the command line's --restart ("latest"
    /// or a checkpoint directory; empty: a new run).
    std::string restart;

    /// 2 or 3, from Geometry/Defect type.
    unsigned int
    dimension() const;
    /// The header every summary.json starts with: program, version, git
    /// revision, build type, MPI ranks, dimension, study type, geometry (an
    /// object) and material. Each run adds its status, results, wall time
    /// and peak memory.
    JsonObject
    summary_header(MPI_Comm comm) const;
  };

  /// The message of a deal.II exception without the source location.
  std::string
  deal_ii_message(const dealii::ExceptionBase &e);

  /// Apply one override 'Subsection/Entry=value' (nested subsections joined
  /// by '/'), as --set and the study runner do; InputError naming the
  /// assignment if the entry does not exist or the value does not match.
  void
  apply_override(dealii::ParameterHandler &prm, const std::string &assignment);
} // namespace lipen
