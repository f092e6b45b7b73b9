#pragma once

#include <lipen/geometry/defect_geometry.h>
#include <lipen/materials/material.h>
#include <lipen/physics/elasticity.h>
#include <lipen/physics/electrochemistry_parameters.h>
#include <lipen/physics/phase_field_parameters.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace lipen
{
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
    /// Creates the directory and checks, with a probe file that is removed
    /// again, that rank 0 can write there, so that an unwritable directory
    /// stops a run before any computation and without touching the files of
    /// an earlier run.  Collective; throws InputError naming
    /// Output/Directory on every rank.
    void
    create_directory(MPI_Comm comm) const;
    /// Writes effective_parameters to directory/parameters.prm; call on one
    /// rank, next to summary.json.
    void
    write_parameter_file() const;
  };

  /// Subsection `Study`.
  struct StudyParameters
  {
    std::string              type = "defect size";
    std::vector<double>      sizes;
    std::vector<std::string> materials;

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
    Electrolyte                electrolyte;
    Lithium                    lithium;
    double                     temperature = 298.15;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(dealii::ParameterHandler &prm);
    /// 2 or 3, from Geometry/Defect type.
    unsigned int
    dimension() const;
  };
} // namespace lipen
