#include <lipen/base/exceptions.h>
#include <lipen/base/function_parser.h>
#include <lipen/base/parameter_file.h>

#include <cmath>
#include <iostream>
#include <sstream>

namespace lipen
{
  std::unique_ptr<dealii::FunctionParser<1>>
  parse_function_of(const std::string &variable,
                    const std::string &expression,
                    const double       probe)
  {
    std::unique_ptr<dealii::FunctionParser<1>> f;
    std::ostringstream                         muparser_chatter;
    auto *const cerr_buffer = std::cerr.rdbuf(muparser_chatter.rdbuf());
    auto *const cout_buffer = std::cout.rdbuf(muparser_chatter.rdbuf());
    try
    {
      f = std::make_unique<dealii::FunctionParser<1>>(1);
      f->initialize(variable, expression, {});
      if (!std::isfinite(f->value(dealii::Point<1>(probe))))
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
