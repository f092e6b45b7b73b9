#pragma once

#include <lipen/base/exceptions.h>

#include <string>
#include <utility>

namespace lipen
{
  /**
   * Selections (`Patterns::Selection` entries) are parsed once into an
   * enum and compared as enums everywhere else. Each enum has one table of
   * (value, parameter-file name) pairs; these two functions translate.
   */
  template <typename Enum, std::size_t N>
  Enum
  parse_selection(const std::string &text,
                  const std::pair<Enum, const char *> (&names)[N],
                  const std::string &entry)
  {
    for (const auto &[value, name] : names)
      if (text == name)
        return value;
    std::string list;
    for (const auto &[value, name] : names)
      list += (list.empty() ? "" : ", ") + std::string(name);
    throw InputError("parameter '" + entry + "': unknown value '" + text +
                     "' (choose one of: " + list + ")");
  }

  template <typename Enum, std::size_t N>
  std::string
  selection_name(const Enum value,
                 const std::pair<Enum, const char *> (&names)[N])
  {
    for (const auto &[v, name] : names)
      if (v == value)
        return name;
    return "unknown";
  }
} // namespace lipen
