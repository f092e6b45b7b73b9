#pragma once

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace lipen
{
  /**
   * Material properties of a solid electrolyte (SI units).
   *
   * Presets come from parameter_files/materials/materials.csv, compiled into
   * the library.  Any property can be overridden in the `Material`
   * subsection of a parameter file; `Electrolyte = custom` defines a new
   * material entirely in the parameter file.  Derived quantities (E', G_c,
   * i0, Lame constants) are always computed, never typed.
   */
  struct Electrolyte
  {
    std::string key;
    std::string description;
    double      youngs_modulus             = 0; ///< E [Pa]
    double      poisson_ratio              = 0; ///< nu [-]
    double      fracture_toughness         = 0; ///< K_Ic [Pa m^0.5]
    double      ionic_conductivity         = 0; ///< kappa [S/m]
    double      charge_transfer_resistance = 0; ///< R_ct [Ohm m^2]
    std::string sources;

    /// Plane-strain modulus E' = E/(1-nu^2) [Pa].
    double
    plane_strain_modulus() const;
    /// Critical energy release rate G_c = K_Ic^2/E' [J/m^2].
    double
    critical_energy_release_rate() const;
    /// Exchange current density i0 = R T/(F R_ct) [A/m^2].
    double
    exchange_current_density(double temperature) const;
    /// Lame's first parameter [Pa].
    double
    lame_lambda() const;
    /// Shear modulus [Pa].
    double
    shear_modulus() const;
    /// Throws InputError naming the offending entry of subsection
    /// `Material` if a property is unphysical.
    void
    validate() const;
  };

  /// Lithium metal properties (lithium.csv).
  struct Lithium
  {
    double molar_mass     = 0; ///< [kg/mol]
    double density        = 0; ///< [kg/m^3]
    double youngs_modulus = 0; ///< [Pa]
    double poisson_ratio  = 0; ///< [-]
    double shear_modulus  = 0; ///< [Pa]
    double yield_stress   = 0; ///< [Pa]

    /// Molar volume Omega = M/rho [m^3/mol] (derived, never typed).
    double
    molar_volume() const;
  };

  namespace materials
  {
    /// All electrolyte presets, in the order of materials.csv.
    const std::vector<Electrolyte> &
    electrolyte_presets();

    /// "key = description, ..." of every preset (for help texts).
    std::string
    preset_list();

    /// Preset keys joined by '|' (for a ParameterHandler pattern).
    std::string
    preset_keys();

    /// The preset with the given key; throws InputError naming @p entry.
    const Electrolyte &
    find_preset(const std::string &key, const std::string &entry);

    /// Lithium defaults from lithium.csv.
    const Lithium &
    lithium_preset();

    /// Declare subsection `Material` (electrolyte and lithium).
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /// The electrolyte defined by subsection `Material` (preset plus
    /// overrides, or a custom material), validated.
    Electrolyte
    parse_electrolyte(dealii::ParameterHandler &prm);

    /// The lithium defined by subsection `Material/Lithium`, validated.
    Lithium
    parse_lithium(dealii::ParameterHandler &prm);

    /// Resolve a material name used elsewhere (e.g. in a study list): the
    /// electrolyte of subsection `Material` if @p name is its key, a preset
    /// otherwise.
    Electrolyte
    resolve(const std::string &name,
            const Electrolyte &from_parameter_file,
            const std::string &entry);

    /// Parse a CSV table (comments start with '#'; quoted fields allowed)
    /// into rows of fields. The first non-comment row is the header.
    std::vector<std::vector<std::string>>
    parse_csv(const std::string &text);
  } // namespace materials
} // namespace lipen
