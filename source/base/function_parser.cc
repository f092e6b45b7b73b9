#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/base/parameter_file.h>

#include <cmath>
#include <iostream>
#include <sstream>

namespace lipen
{
  namespace
  {
    /// A FunctionParser<dim> of @p variables and @p expression whose value
    /// at @p probe is finite, else nullptr; muparser's diagnostics (on
    /// std::cerr and std::cout) are captured.
    template <int dim>
    std::unique_ptr<dealii::FunctionParser<dim>>
    quiet_parse(const std::string       &variables,
                const std::string       &expression,
                const dealii::Point<dim> probe)
    {
      std::unique_ptr<dealii::FunctionParser<dim>> f;
      std::ostringstream                           muparser_chatter;
      auto *const cerr_buffer = std::cerr.rdbuf(muparser_chatter.rdbuf());
      auto *const cout_buffer = std::cout.rdbuf(muparser_chatter.rdbuf());
      try
      {
        f = std::make_unique<dealii::FunctionParser<dim>>(1);
        f->initialize(variables, expression, {});
        if (!std::isfinite(f->value(probe)))
          f.reset();
      }
      catch (...)
      {
        f.reset();
      }
      std::cerr.rdbuf(cerr_buffer);
      std::cout.rdbuf(cout_buffer);
      return f;
    }
  } // namespace

  std::unique_ptr<dealii::FunctionParser<1>>
  parse_function_of(const std::string &variable,
                    const std::string &expression,
                    const double       probe)
  {
    return quiet_parse<1>(variable, expression, dealii::Point<1>(probe));
  }

  template <int dim>
  std::unique_ptr<dealii::FunctionParser<dim>>
  parse_function_of_space(const std::string &expression)
  {
    return quiet_parse<dim>(dim == 2 ? "x,y" : "x,y,z",
                            expression,
                            dealii::Point<dim>());
  }

  template std::unique_ptr<dealii::FunctionParser<2>>
  parse_function_of_space<2>(const std::string &);
  template std::unique_ptr<dealii::FunctionParser<3>>
  parse_function_of_space<3>(const std::string &);

  std::unique_ptr<dealii::FunctionParser<1>>
  checked_function_of(const std::string &entry,
                      const std::string &variable,
                      const std::string &expression,
                      const double       from,
                      const double       to,
                      const double       lower,
                      const double       upper,
                      const std::string &range_text)
  {
    const std::string shown = "'" + quote_for_message(expression) + "'";
    require(expression.find("rand") == std::string::npos,
            entry,
            shown + " uses a random number (different on every rank and "
                    "every run): give a deterministic expression");
    auto f = parse_function_of(variable, expression, from);
    require(f != nullptr,
            entry,
            "cannot evaluate " + shown + " as a function of " + variable +
              " (at " + variable + " = " + std::to_string(from) + ")");
    constexpr unsigned int n = 1000;
    for (unsigned int i = 0; i <= n; ++i)
    {
      const double x = from + (to - from) * double(i) / n;
      double       v = 0;
      {
        // muparser may print on errors during evaluation too
        std::ostringstream chatter;
        auto *const        cerr_buffer = std::cerr.rdbuf(chatter.rdbuf());
        try
        {
          v = f->value(dealii::Point<1>(x));
        }
        catch (...)
        {
          v = std::nan("");
        }
        std::cerr.rdbuf(cerr_buffer);
      }
      if (!std::isfinite(v) || v < lower || v > upper)
      {
        std::ostringstream what;
        what << shown << " is " << v << " at " << variable << " = " << x
             << (std::isfinite(v) ?
                   ": " + range_text :
                   std::string(": the expression must be "
                               "finite over [") +
                     std::to_string(from) + ", " + std::to_string(to) + "]");
        throw InputError("parameter '" + entry + "': " + what.str());
      }
    }
    return f;
  }
} // namespace lipen
