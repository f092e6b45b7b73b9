#pragma once

#include <lipen/output/json.h>
#include <lipen/output/solution_output.h>
#include <lipen/simulator/electrochemistry_analysis.h>
#include <lipen/simulator/run_parameters.h>

#include <deal.II/base/conditional_ostream.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lipen
{
  /// Everything one defect analysis produces (one row of a study).
  struct FractureResult
  {
    std::string         material;
    std::string         defect;
    unsigned int        dim                  = 2;
    unsigned int        degree               = 2;
    double              defect_size          = 0; ///< c [m]
    double              reference_load       = 0; ///< p_ref [Pa]
    double              plane_strain_modulus = 0;
    double              fracture_toughness   = 0;
    double              J                    = 0; ///< [J/m^2]
    double              K_I                  = 0; ///< from J [Pa m^0.5]
    double              Y                    = 0; ///< K_I/(p_ref sqrt(pi c))
    double              G_energy   = 0; ///< from two crack lengths (NaN if off)
    double              K_I_energy = 0;
    double              Y_energy   = 0;
    std::vector<double> j_radii, K_by_radius;        ///< path independence
    std::vector<double> front_angles, K_along_front; ///< 3D
    double              crack_volume = 0; ///< whole defect [m^3 (3D), m^2 (2D)]
    double              opening      = 0; ///< full opening at mouth/centre [m]
    double              sigma0_max   = 0; ///< K_Ic/(Y sqrt(pi c)) [Pa]
    double              eta_c   = 0; ///< Omega sigma0_max / F [V] (magnitude)
    unsigned long long  n_dofs  = 0;
    unsigned long long  n_cells = 0;
    unsigned int        cg_iterations = 0;
    double time_mesh = 0, time_setup = 0, time_assembly = 0, time_amg_setup = 0,
           time_solve = 0, time_j = 0, time_energy = 0, time_output = 0;

    ElectrochemistryResult electrochemistry;

    JsonObject
    to_json() const;

    /// to_json() as text; for a result read back by from_record(), the
    /// text stored with it.
    std::string
    json_text() const;

    /// The results a study table shows for this case (name, value).
    std::vector<std::pair<std::string, double>>
    study_values() const;

    /**
     * Everything a defect-size study's post-processing needs, as
     * `key<TAB>value` lines (numbers to 17 digits, so that what is read
     * back prints exactly like the original), and the JSON of to_json().
     * from_record() reads it back (the vectors along radii, fronts and
     * faces only inside the stored JSON). Unknown keys are ignored.
     */
    std::string
    record() const;

    static FractureResult
    from_record(const std::string &text);

  private:
    std::string stored_json;
  };

  /// The `key<TAB>value` lines of a record (FractureResult::record()).
  std::map<std::string, std::string>
  parse_record(const std::string &text);

  /**
   * Build the mesh of one defect, solve the elasticity problem and extract
   * J, K_I, G (second method), Y, sigma0_max and |eta_c|; optionally write
   * the fields as step @p step.
   */
  template <int dim>
  FractureResult
  analyse_defect(const RunParameters        &parameters,
                 const Electrolyte          &electrolyte,
                 MPI_Comm                    comm,
                 SolutionWriter             *writer,
                 unsigned int                step,
                 dealii::ConditionalOStream &pcout);
} // namespace lipen
