#pragma once

#include <deal.II/base/function_parser.h>

#include <memory>
#include <string>

namespace lipen
{
  /**
   * Parse @p expression as a scalar function of the single variable
   * @p variable and evaluate it once at @p probe.  Returns nullptr when the
   * expression does not parse or the probe value is not finite.
   *
   * muparser (through deal.II's FunctionParser) writes its diagnostics to
   * std::cerr on every rank before throwing; they are captured here, so the
   * caller's InputError, printed by rank 0 alone, is the only message the
   * user sees.
   */
  std::unique_ptr<dealii::FunctionParser<1>>
  parse_function_of(const std::string &variable,
                    const std::string &expression,
                    const double       probe);
} // namespace lipen
