// Unit test of the material presets and parameter overrides.
// - every row of the reference table (shared/reference/materials.csv, if
//   present beside the repository; else the repository copy) is a preset
//   with the same values;
// - derived G_c = K_Ic^2 (1 - nu^2)/E agrees with the table's independently
//   computed G_c column within 1 % (the table rounds to 3 digits);
// - Omega = M/rho = 1.300e-5 m^3/mol within 0.1 % (model.md section 2);
//   F Omega-bound 7.42 MPa per mV within 0.5 %;
// - i0 = R T/(F R_ct);
// - overrides and custom materials from a parameter file work, and errors
//   name the entry.
#include <lipen/base/constants.h>
#include <lipen/base/exceptions.h>
#include <lipen/materials/material.h>

#include <deal.II/base/mpi.h>

#include "check.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

namespace
{
  lipen_test::Checks check;
  bool
  close(const double a, const double b, const double rtol)
  {
    return std::abs(a / b - 1) < rtol;
  }
} // namespace

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  using namespace lipen;

  std::ifstream shared(std::string(LIPEN_SHARED_REFERENCE) + "/materials.csv");
  std::string   text;
  if (shared)
  {
    std::stringstream buffer;
    buffer << shared.rdbuf();
    text = buffer.str();
    std::cout << "reference: shared/reference/materials.csv" << std::endl;
  }
  else
  {
    std::ifstream     copy(std::string(LIPEN_SOURCE_DIR) +
                       "/parameter_files/materials/materials.csv");
    std::stringstream buffer;
    buffer << copy.rdbuf();
    text = buffer.str();
    std::cout << "reference: shared table not found, using repository copy"
              << std::endl;
  }
  const auto rows = materials::parse_csv(text);
  check(rows.size() >= 2, "reference table has rows");
  if (rows.size() < 2)
    return 1;
  std::map<std::string, unsigned int> col;
  for (unsigned int i = 0; i < rows[0].size(); ++i)
    col[rows[0][i]] = i;
  check(materials::electrolyte_presets().size() == rows.size() - 1,
        "one preset per table row");
  for (unsigned int r = 1; r < rows.size(); ++r)
  {
    const auto &row = rows[r];
    const auto &e   = materials::find_preset(row[col["key"]], "test");
    check(e.youngs_modulus == std::stod(row[col["E_Pa"]]) &&
            e.poisson_ratio == std::stod(row[col["nu"]]) &&
            e.fracture_toughness == std::stod(row[col["K_Ic_Pa_sqrt_m"]]) &&
            e.ionic_conductivity == std::stod(row[col["kappa_S_per_m"]]) &&
            e.charge_transfer_resistance == std::stod(row[col["R_ct_ohm_m2"]]),
          e.key + ": preset equals the reference row");
    check(close(e.critical_energy_release_rate(),
                std::stod(row[col["G_c_J_per_m2"]]),
                0.01),
          e.key + ": derived G_c " +
            std::to_string(e.critical_energy_release_rate()) +
            " matches table " + row[col["G_c_J_per_m2"]]);
    check(close(e.exchange_current_density(298.15),
                8.314462 * 298.15 /
                  (96485.33 * std::stod(row[col["R_ct_ohm_m2"]])),
                1e-12),
          e.key + ": i0 = RT/(F R_ct)");
  }
  const double omega = materials::lithium_preset().molar_volume();
  check(close(omega, 1.300e-5, 1e-3),
        "Omega = " + std::to_string(omega) + " m^3/mol");
  check(close(constants::faraday * 1e-3 / omega, 7.42e6, 5e-3),
        "F/Omega = 7.42 MPa per mV");

  // overrides and custom materials
  {
    dealii::ParameterHandler prm;
    materials::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n"
                                "  set Electrolyte = llzo\n"
                                "  set Fracture toughness = 2e6\n"
                                "end\n");
    const auto e = materials::parse_electrolyte(prm);
    check(e.key == "llzo" && e.fracture_toughness == 2e6 &&
            e.youngs_modulus == 149.8e9,
          "override of one property keeps the other preset values");
  }
  {
    dealii::ParameterHandler prm;
    materials::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n"
                                "  set Electrolyte = custom\n"
                                "  set Name = my_glass\n"
                                "  set Young's modulus = 20e9\n"
                                "  set Poisson's ratio = 0.25\n"
                                "  set Fracture toughness = 0.3e6\n"
                                "  set Ionic conductivity = 0.01\n"
                                "  set Charge transfer resistance = 1e-3\n"
                                "end\n");
    const auto e = materials::parse_electrolyte(prm);
    check(e.key == "my_glass" && close(e.critical_energy_release_rate(),
                                       0.09e12 * (1 - 0.0625) / 20e9,
                                       1e-12),
          "custom material defined entirely in the parameter file");
    check(materials::resolve("my_glass", e, "Study/Materials").key ==
              "my_glass" &&
            materials::resolve("lps_glass", e, "Study/Materials").key ==
              "lps_glass",
          "study names resolve to the custom material or a preset");
  }
  {
    dealii::ParameterHandler prm;
    materials::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n"
                                "  set Electrolyte = custom\n"
                                "  set Young's modulus = 20e9\n"
                                "end\n");
    std::string message;
    try
    {
      materials::parse_electrolyte(prm);
    }
    catch (const InputError &e)
    {
      message = e.what();
    }
    check(message.find("Material/Poisson's ratio") != std::string::npos,
          "custom material without nu names the entry: " + message);
  }
  return check.finish();
}
