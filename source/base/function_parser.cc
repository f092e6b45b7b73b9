#include <lipen/base/function_parser.h>

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
} // namespace lipen
