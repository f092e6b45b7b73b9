#include <lipen/base/constants.h>
#include <lipen/base/exceptions.h>
#include <lipen/base/parameter_file.h>
#include <lipen/materials/material.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

namespace lipen
{
  namespace materials
  {
    namespace internal
    {
      extern const char *const materials_csv;
      extern const char *const lithium_csv;
    } // namespace internal
  }   // namespace materials

  double
  Electrolyte::plane_strain_modulus() const
  {
    return youngs_modulus / (1. - poisson_ratio * poisson_ratio);
  }

  double
  Electrolyte::critical_energy_release_rate() const
  {
    return fracture_toughness * fracture_toughness / plane_strain_modulus();
  }

  double
  Electrolyte::exchange_current_density(const double temperature) const
  {
    return constants::gas_constant * temperature /
           (constants::faraday * charge_transfer_resistance);
  }

  double
  Electrolyte::lame_lambda() const
  {
    return youngs_modulus * poisson_ratio /
           ((1. + poisson_ratio) * (1. - 2. * poisson_ratio));
  }

  double
  Electrolyte::shear_modulus() const
  {
    return youngs_modulus / (2. * (1. + poisson_ratio));
  }

  void
  Electrolyte::validate() const
  {
    const std::string m = " (material '" + key + "')";
    require(std::isfinite(youngs_modulus) && youngs_modulus > 0,
            "Material/Young's modulus",
            "must be a positive number of pascals" + m);
    require(std::isfinite(poisson_ratio) && poisson_ratio > -1. &&
              poisson_ratio < 0.5,
            "Material/Poisson's ratio",
            "must lie in (-1, 0.5); 0.5 (incompressible) is not supported" + m);
    require(std::isfinite(fracture_toughness) && fracture_toughness > 0,
            "Material/Fracture toughness",
            "K_Ic must be a positive number in Pa m^0.5" + m);
    require(std::isfinite(ionic_conductivity) && ionic_conductivity > 0,
            "Material/Ionic conductivity",
            "kappa must be a positive number in S/m" + m);
    require(std::isfinite(charge_transfer_resistance) &&
              charge_transfer_resistance > 0,
            "Material/Charge transfer resistance",
            "R_ct must be a positive number in Ohm m^2" + m);
  }

  double
  Lithium::molar_volume() const
  {
    return molar_mass / density;
  }

  namespace materials
  {
    std::vector<std::vector<std::string>>
    parse_csv(const std::string &text)
    {
      std::vector<std::vector<std::string>> rows;
      std::istringstream                    in(text);
      std::string                           line;
      while (std::getline(in, line))
      {
        if (!line.empty() && line.back() == '\r')
          line.pop_back();
        if (line.empty() || line[0] == '#')
          continue;
        std::vector<std::string> fields;
        std::string              field;
        bool                     quoted = false;
        for (const char ch : line)
        {
          if (ch == '"')
            quoted = !quoted;
          else if (ch == ',' && !quoted)
          {
            fields.push_back(field);
            field.clear();
          }
          else
            field += ch;
        }
        fields.push_back(field);
        rows.push_back(fields);
      }
      return rows;
    }

    namespace
    {
      /// Rows of a CSV table as maps from column name to field.
      std::vector<std::map<std::string, std::string>>
      table(const char *const text)
      {
        const auto                                      rows = parse_csv(text);
        std::vector<std::map<std::string, std::string>> result;
        for (unsigned int r = 1; r < rows.size(); ++r)
        {
          std::map<std::string, std::string> row;
          for (unsigned int c = 0; c < rows[0].size() && c < rows[r].size();
               ++c)
            row[rows[0][c]] = rows[r][c];
          result.push_back(row);
        }
        return result;
      }

      std::vector<Electrolyte>
      make_presets()
      {
        std::vector<Electrolyte> presets;
        for (auto &row : table(internal::materials_csv))
        {
          Electrolyte e;
          e.key                        = row["key"];
          e.description                = row["description"];
          e.youngs_modulus             = std::stod(row["E_Pa"]);
          e.poisson_ratio              = std::stod(row["nu"]);
          e.fracture_toughness         = std::stod(row["K_Ic_Pa_sqrt_m"]);
          e.ionic_conductivity         = std::stod(row["kappa_S_per_m"]);
          e.charge_transfer_resistance = std::stod(row["R_ct_ohm_m2"]);
          e.sources                    = row["sources"];
          presets.push_back(e);
        }
        return presets;
      }

      Lithium
      make_lithium()
      {
        std::map<std::string, double> value;
        for (auto &row : table(internal::lithium_csv))
          value[row["property"]] = std::stod(row["value"]);
        Lithium li;
        li.molar_mass     = value.at("molar_mass");
        li.density        = value.at("density");
        li.youngs_modulus = value.at("youngs_modulus");
        li.poisson_ratio  = value.at("poisson_ratio");
        li.shear_modulus  = value.at("shear_modulus");
        li.yield_stress   = value.at("yield_stress");
        return li;
      }

      /// Parse an entry that is either the word 'preset' or a number.
      double
      override_or(dealii::ParameterHandler &prm,
                  const std::string        &entry,
                  const std::string        &path,
                  const double              preset_value,
                  const bool                preset_available)
      {
        const std::string text = prm.get(entry);
        if (text == "preset")
        {
          require(preset_available,
                  path,
                  "has no preset value for a custom material; give a "
                  "number");
          return preset_value;
        }
        try
        {
          std::size_t  pos = 0;
          const double v   = std::stod(text, &pos);
          if (pos == text.size() && std::isfinite(v))
            return v;
        }
        catch (...)
        {
        }
        throw InputError("parameter '" + path + "': '" +
                         quote_for_message(text) +
                         "' is neither a finite number nor the word "
                         "'preset'");
      }
    } // namespace

    const std::vector<Electrolyte> &
    electrolyte_presets()
    {
      static const std::vector<Electrolyte> presets = make_presets();
      return presets;
    }

    std::string
    preset_list()
    {
      std::string list;
      for (const auto &e : electrolyte_presets())
        list += (list.empty() ? "" : ", ") + e.key + " = " + e.description;
      return list;
    }

    std::string
    preset_keys()
    {
      std::string keys;
      for (const auto &e : electrolyte_presets())
        keys += (keys.empty() ? "" : "|") + e.key;
      return keys;
    }

    const Electrolyte &
    find_preset(const std::string &key, const std::string &entry)
    {
      for (const auto &e : electrolyte_presets())
        if (e.key == key)
          return e;
      std::string keys = preset_keys();
      for (auto &ch : keys)
        if (ch == '|')
          ch = ',';
      throw InputError("parameter '" + entry + "': unknown material '" + key +
                       "'; known presets are " + keys +
                       " (or define one with Material/Electrolyte = custom)");
    }

    const Lithium &
    lithium_preset()
    {
      static const Lithium li = make_lithium();
      return li;
    }

    void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      using dealii::Patterns::Anything;
      using dealii::Patterns::Double;
      using dealii::Patterns::Selection;
      prm.enter_subsection("Material");
      {
        prm.declare_entry("Electrolyte",
                          "lps_glass",
                          Selection(preset_keys() + "|custom"),
                          "Solid electrolyte: a preset key (" + preset_list() +
                            "; sources in "
                            "parameter_files/materials/materials.csv), or "
                            "'custom' to define every property below.");
        prm.declare_entry("Name",
                          "custom",
                          Anything(),
                          "Name of a custom electrolyte (used in tables and "
                          "study lists): letters, digits and _ - . + only, "
                          "at most 64 characters, not a preset key. Used "
                          "only with Electrolyte = custom (a study that "
                          "lists presets beside it takes them as they "
                          "are).");
        const char *number_or_preset =
          " Either a number or the word 'preset' (take the preset value).";
        prm.declare_entry("Young's modulus",
                          "preset",
                          Anything(),
                          std::string("Young's modulus E [Pa].") +
                            number_or_preset);
        prm.declare_entry("Poisson's ratio",
                          "preset",
                          Anything(),
                          std::string("Poisson's ratio nu [-], in (-1, 0.5).") +
                            number_or_preset);
        prm.declare_entry("Fracture toughness",
                          "preset",
                          Anything(),
                          std::string("Mode-I fracture toughness K_Ic "
                                      "[Pa m^0.5]. G_c = K_Ic^2/E' is "
                                      "derived.") +
                            number_or_preset);
        prm.declare_entry("Ionic conductivity",
                          "preset",
                          Anything(),
                          std::string("Li+ conductivity kappa [S/m].") +
                            number_or_preset);
        prm.declare_entry("Charge transfer resistance",
                          "preset",
                          Anything(),
                          std::string("Li/electrolyte interfacial charge "
                                      "transfer resistance R_ct [Ohm m^2]; "
                                      "i0 = R T/(F R_ct) is derived.") +
                            number_or_preset);
        prm.declare_entry("Temperature",
                          "298.15",
                          Double(1.),
                          "Temperature T [K].");
        prm.enter_subsection("Lithium");
        {
          prm.declare_entry("Molar mass",
                            "preset",
                            Anything(),
                            std::string("Molar mass of Li [kg/mol]; the "
                                        "molar volume M/rho is derived.") +
                              number_or_preset);
          prm.declare_entry("Density",
                            "preset",
                            Anything(),
                            std::string("Density of Li [kg/m^3].") +
                              number_or_preset);
          prm.declare_entry("Young's modulus",
                            "preset",
                            Anything(),
                            std::string("Young's modulus of Li [Pa].") +
                              number_or_preset);
          prm.declare_entry("Yield stress",
                            "preset",
                            Anything(),
                            std::string("Yield stress of Li [Pa].") +
                              number_or_preset);
        }
        prm.leave_subsection();
      }
      prm.leave_subsection();
    }

    Electrolyte
    parse_electrolyte(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Material");
      const std::string key    = prm.get("Electrolyte");
      const bool        custom = (key == "custom");
      Electrolyte       e;
      if (!custom)
        e = find_preset(key, "Material/Electrolyte");
      else
      {
        e.key = prm.get("Name");
        require(!e.key.empty() && e.key.size() <= 64 &&
                  std::all_of(e.key.begin(),
                              e.key.end(),
                              [](const char ch)
                              {
                                return std::isalnum(
                                         static_cast<unsigned char>(ch)) ||
                                       ch == '_' || ch == '-' || ch == '.' ||
                                       ch == '+';
                              }),
                "Material/Name",
                "'" + quote_for_message(e.key) +
                  "' is not a usable name: letters, digits and _ - . + "
                  "only, 1 to 64 characters (it goes into CSV and JSON "
                  "tables)");
        for (const auto &p : electrolyte_presets())
          require(p.key != e.key,
                  "Material/Name",
                  "'" + e.key +
                    "' is the key of a preset: a study would not know "
                    "which one is meant; choose another name");
        e.description = "custom material defined in the parameter file";
        e.sources     = "parameter file";
      }
      const auto get = [&](const std::string &entry, const double preset)
      {
        return override_or(prm, entry, "Material/" + entry, preset, !custom);
      };
      e.youngs_modulus     = get("Young's modulus", e.youngs_modulus);
      e.poisson_ratio      = get("Poisson's ratio", e.poisson_ratio);
      e.fracture_toughness = get("Fracture toughness", e.fracture_toughness);
      e.ionic_conductivity = get("Ionic conductivity", e.ionic_conductivity);
      e.charge_transfer_resistance =
        get("Charge transfer resistance", e.charge_transfer_resistance);
      prm.leave_subsection();
      e.validate();
      return e;
    }

    Lithium
    parse_lithium(dealii::ParameterHandler &prm)
    {
      Lithium li = lithium_preset();
      prm.enter_subsection("Material");
      prm.enter_subsection("Lithium");
      const auto get = [&](const std::string &entry, const double preset)
      {
        return override_or(prm,
                           entry,
                           "Material/Lithium/" + entry,
                           preset,
                           true);
      };
      li.molar_mass     = get("Molar mass", li.molar_mass);
      li.density        = get("Density", li.density);
      li.youngs_modulus = get("Young's modulus", li.youngs_modulus);
      li.yield_stress   = get("Yield stress", li.yield_stress);
      prm.leave_subsection();
      prm.leave_subsection();
      require(li.molar_mass > 0,
              "Material/Lithium/Molar mass",
              "must be positive [kg/mol]");
      require(li.density > 0,
              "Material/Lithium/Density",
              "must be positive [kg/m^3]");
      require(li.youngs_modulus > 0,
              "Material/Lithium/Young's modulus",
              "must be positive [Pa]");
      require(li.yield_stress > 0,
              "Material/Lithium/Yield stress",
              "must be positive [Pa]");
      return li;
    }

    Electrolyte
    resolve(const std::string &name,
            const Electrolyte &from_parameter_file,
            const std::string &entry)
    {
      if (name == from_parameter_file.key)
        return from_parameter_file;
      return find_preset(name, entry);
    }
  } // namespace materials
} // namespace lipen
