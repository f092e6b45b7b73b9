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

  /**
   * Parse @p expression as a scalar function of the point (x, y) or
   * (x, y, z) in metres and evaluate it once at the origin; nullptr when it
   * does not parse or that value is not finite (muparser's diagnostics
   * captured as in parse_function_of()).
   */
  template <int dim>
  std::unique_ptr<dealii::FunctionParser<dim>>
  parse_function_of_space(const std::string &expression);

  /**
   * Parse @p expression (the value of entry @p entry) as a function of
   * @p variable and check it over [@p from, @p to] at 1001 evenly spaced
   * points: every value must be finite and within [@p lower, @p upper].
   * Expressions with rand() are refused (each rank would draw other
   * numbers). Throws InputError naming @p entry, the first offending point
   * and @p range_text (e.g. "a Li pressure must be >= 0") otherwise.
   */
  std::unique_ptr<dealii::FunctionParser<1>>
  checked_function_of(const std::string &entry,
                      const std::string &variable,
                      const std::string &expression,
                      double             from,
                      double             to,
                      double             lower,
                      double             upper,
                      const std::string &range_text);
} // namespace lipen
