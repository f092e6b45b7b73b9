#pragma once

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

namespace lipen
{
  /**
   * Minimal JSON object builder for summary.json (keys keep insertion
   * order; non-finite numbers become null).
   */
  class JsonObject
  {
  public:
    JsonObject &
    add(const std::string &key, const double value)
    {
      return raw(key, number(value));
    }
    JsonObject &
    add(const std::string &key, const int value)
    {
      return raw(key, std::to_string(value));
    }
    JsonObject &
    add(const std::string &key, const unsigned long long value)
    {
      return raw(key, std::to_string(value));
    }
    JsonObject &
    add(const std::string &key, const bool value)
    {
      return raw(key, value ? "true" : "false");
    }
    JsonObject &
    add(const std::string &key, const std::string &value)
    {
      return raw(key, quote(value));
    }
    JsonObject &
    add(const std::string &key, const char *value)
    {
      return raw(key, quote(value));
    }
    JsonObject &
    add(const std::string &key, const JsonObject &value)
    {
      return raw(key, value.str());
    }
    JsonObject &
    add(const std::string &key, const std::vector<JsonObject> &values)
    {
      std::string s = "[";
      for (std::size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + values[i].str();
      return raw(key, s + "]");
    }
    JsonObject &
    add(const std::string &key, const std::vector<double> &values)
    {
      std::string s = "[";
      for (std::size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + number(values[i]);
      return raw(key, s + "]");
    }
    /// A list of JSON texts written elsewhere (each must be valid JSON).
    JsonObject &
    add_verbatim(const std::string &key, const std::vector<std::string> &json)
    {
      std::string s = "[";
      for (std::size_t i = 0; i < json.size(); ++i)
        s += (i ? ", " : "") + json[i];
      return raw(key, s + "]");
    }
    std::string
    str() const
    {
      std::string s = "{";
      for (std::size_t i = 0; i < entries.size(); ++i)
        s += (i ? ", " : "") + entries[i];
      return s + "}";
    }

    static std::string
    number(const double v)
    {
      if (!std::isfinite(v))
        return "null";
      std::ostringstream out;
      out << std::setprecision(10) << v;
      return out.str();
    }
    static std::string
    quote(const std::string &text)
    {
      std::string s = "\"";
      for (const char ch : text)
      {
        if (ch == '"' || ch == '\\')
          s += '\\';
        if (ch == '\n')
        {
          s += "\\n";
          continue;
        }
        s += ch;
      }
      return s + "\"";
    }

  private:
    JsonObject &
    raw(const std::string &key, const std::string &value)
    {
      entries.push_back(quote(key) + ": " + value);
      return *this;
    }
    std::vector<std::string> entries;
  };
} // namespace lipen
