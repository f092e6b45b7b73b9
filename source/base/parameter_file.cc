#include <lipen/base/exceptions.h>
#include <lipen/base/parameter_file.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace lipen
{
  namespace
  {
    constexpr std::uintmax_t max_file_size     = 16u << 20;
    constexpr std::size_t    max_include_depth = 16;

    std::string
    trim(const std::string &s)
    {
      const auto first = s.find_first_not_of(" \t\r");
      if (first == std::string::npos)
        return {};
      const auto last = s.find_last_not_of(" \t\r");
      return s.substr(first, last - first + 1);
    }

    /// The file named by an `include` line, or "" for any other line.
    std::string
    included_file(const std::string &raw_line)
    {
      std::string line = raw_line;
      // a comment starts at an unescaped '#'
      for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '#' && (i == 0 || line[i - 1] != '\\'))
        {
          line.resize(i);
          break;
        }
      line = trim(line);
      for (const char *keyword : {"include", "INCLUDE"})
      {
        const std::string k = keyword;
        if (line.size() > k.size() && line.compare(0, k.size(), k) == 0 &&
            (line[k.size()] == ' ' || line[k.size()] == '\t'))
          return trim(line.substr(k.size()));
      }
      return {};
    }

    void
    check_recursively(const std::string        &path,
                      const std::string        &included_from,
                      std::vector<std::string> &stack)
    {
      namespace fs = std::filesystem;
      std::error_code   ec;
      const std::string where =
        included_from.empty() ?
          std::string("parameter file '" + quote_for_message(path) + "'") :
          "'" + quote_for_message(path) + "' (included from " + included_from +
            ")";
      if (!fs::is_regular_file(path, ec))
        throw InputError(where + " not found or not a regular file");
      const std::uintmax_t size = fs::file_size(path, ec);
      if (ec || size > max_file_size)
        throw InputError(where + " is larger than 16 MiB: not a parameter "
                                 "file");
      const std::string canonical = fs::canonical(path, ec).string();
      for (const auto &s : stack)
        if (s == canonical)
          throw InputError(where + " includes itself (include cycle): "
                                   "remove the 'include' line");
      if (stack.size() >= max_include_depth)
        throw InputError(where + ": includes nested deeper than 16 levels");
      std::ifstream in(path);
      if (!in)
        throw InputError(where + " cannot be read");
      stack.push_back(canonical);
      std::string line;
      unsigned    line_number = 0;
      while (std::getline(in, line))
      {
        ++line_number;
        const std::string file = included_file(line);
        if (!file.empty())
          check_recursively(file,
                            "'" + quote_for_message(path) + "' line " +
                              std::to_string(line_number),
                            stack);
      }
      stack.pop_back();
    }
  } // namespace

  void
  check_parameter_file(const std::string &path)
  {
    std::vector<std::string> stack;
    check_recursively(path, "", stack);
  }

  std::string
  quote_for_message(const std::string &value, const std::size_t max_length)
  {
    std::string out;
    for (std::size_t i = 0; i < value.size() && i < max_length; ++i)
    {
      const unsigned char c = value[i];
      out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
    }
    if (value.size() > max_length)
      out += "... (" + std::to_string(value.size()) + " characters)";
    return out;
  }
} // namespace lipen
