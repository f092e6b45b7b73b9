#pragma once

/**
 * Physical constants used throughout lipen (SI units, model.md section 2).
 */
namespace lipen
{
  namespace constants
  {
    /// Faraday constant [C/mol].
    constexpr double faraday = 96485.33;
    /// Molar gas constant [J/(mol K)].
    constexpr double gas_constant = 8.314462;
    /// Default temperature [K].
    constexpr double default_temperature = 298.15;
    constexpr double pi                  = 3.14159265358979323846;
  } // namespace constants
} // namespace lipen
