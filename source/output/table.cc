#include <lipen/base/exceptions.h>
#include <lipen/output/table.h>

#include <cmath>
#include <iomanip>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>

namespace lipen
{
  Table::Row::Row(const Table &table)
    : table(&table)
    , cells(table.columns.size())
  {
  }

  Table::Row &
  Table::Row::set(const std::string &name, const double value)
  {
    cells[table->column_index(name)].number = value;
    return *this;
  }

  Table::Row &
  Table::Row::set(const std::string &name, const std::string &value)
  {
    cells[table->column_index(name)].text = value;
    return *this;
  }

  double
  Table::Row::get(const std::string &name) const
  {
    return cells[table->column_index(name)].number;
  }

  Table::Table(const std::string &comment)
    : comment(comment)
  {
  }

  Table &
  Table::add_column(const std::string &name,
                    const std::string &unit,
                    const Kind         kind,
                    const std::string &screen_label,
                    const unsigned int screen_width,
                    const unsigned int screen_precision,
                    const Format       screen_format,
                    const bool         screen_left)
  {
    if (!rows.empty())
      throw std::logic_error("Table: column '" + name +
                             "' declared after the first row");
    for (const auto &c : columns)
      if (c.name == name)
        throw std::logic_error("Table: column '" + name + "' declared twice");
    columns.push_back({name,
                       unit,
                       kind,
                       screen_label,
                       screen_width,
                       screen_precision,
                       screen_format,
                       screen_left});
    return *this;
  }

  void
  Table::add_row(const Row &row)
  {
    if (row.table != this || row.cells.size() != columns.size())
      throw std::logic_error("Table: row of another table");
    rows.push_back(row.cells);
  }

  std::size_t
  Table::column_index(const std::string &name) const
  {
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (columns[k].name == name)
        return k;
    throw std::logic_error("Table: no column '" + name + "'");
  }

  double
  Table::value(const std::size_t i, const std::string &name) const
  {
    return rows.at(i)[column_index(name)].number;
  }

  namespace
  {
    std::string
    format(const Table::Column &c,
           const Table::Value  &v,
           const int            digits,
           const Table::Format  style = Table::Format::general)
    {
      if (c.kind == Table::Kind::text)
        return v.text;
      std::ostringstream out;
      if (c.kind == Table::Kind::integer)
        out << static_cast<long long>(std::llround(v.number));
      else
      {
        if (style == Table::Format::fixed)
          out << std::fixed;
        else if (style == Table::Format::scientific)
          out << std::scientific;
        out << std::setprecision(digits) << v.number;
      }
      return out.str();
    }

  } // namespace

  std::string
  csv_field(const std::string &s)
  {
    if (s.find_first_of(",\"\n\r") == std::string::npos)
      return s;
    std::string q = "\"";
    for (const char ch : s)
      q += (ch == '"' ? std::string("\"\"") : std::string(1, ch));
    return q + "\"";
  }

  std::string
  Table::csv() const
  {
    std::ostringstream out;
    if (!comment.empty())
      out << "# " << comment << "\n";
    out << "# units:";
    for (const auto &c : columns)
      out << ' ' << c.name << " [" << c.unit << "]";
    out << "\n";
    for (std::size_t k = 0; k < columns.size(); ++k)
      out << (k ? "," : "") << columns[k].name;
    out << "\n";
    for (const auto &r : rows)
    {
      for (std::size_t k = 0; k < columns.size(); ++k)
        out << (k ? "," : "") << csv_field(format(columns[k], r[k], 10));
      out << "\n";
    }
    return out.str();
  }

  JsonObject
  Table::json(const std::size_t i) const
  {
    JsonObject  j;
    const auto &r = rows.at(i);
    for (std::size_t k = 0; k < columns.size(); ++k)
      switch (columns[k].kind)
      {
        case Kind::text:
          j.add(columns[k].name, r[k].text);
          break;
        case Kind::integer:
          j.add(columns[k].name,
                static_cast<unsigned long long>(
                  std::llround(std::max(r[k].number, 0.))));
          break;
        default:
          j.add(columns[k].name, r[k].number);
      }
    return j;
  }

  std::string
  Table::screen_header() const
  {
    std::ostringstream out;
    for (const auto &c : columns)
      if (!c.screen_label.empty())
        out << (c.screen_left ? std::left : std::right)
            << std::setw(c.screen_width) << c.screen_label;
    return out.str();
  }

  std::string
  Table::screen_line(const std::size_t i) const
  {
    std::ostringstream out;
    const auto        &r = rows.at(i);
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (!columns[k].screen_label.empty())
        out << (columns[k].screen_left ? std::left : std::right)
            << std::setw(columns[k].screen_width)
            << format(columns[k],
                      r[k],
                      columns[k].screen_precision,
                      columns[k].screen_format);
    return out.str();
  }

  void
  Table::truncate(const std::size_t n)
  {
    if (n < rows.size())
      rows.resize(n);
  }

  void
  Table::save(std::ostream &out) const
  {
    out << columns.size() << ' ' << rows.size() << '\n';
    for (const auto &c : columns)
      out << c.name << '\n';
    out << std::setprecision(std::numeric_limits<double>::max_digits10);
    for (const auto &r : rows)
      for (const auto &v : r)
        out << v.number << '\n' << v.text.size() << ' ' << v.text << '\n';
  }

  void
  Table::load(std::istream &in)
  {
    std::size_t n_columns = 0, n_rows = 0;
    in >> n_columns >> n_rows;
    in.ignore();
    if (!in || n_columns != columns.size())
      throw InputError("checkpoint: the statistics table has " +
                       std::to_string(n_columns) + " columns, this model " +
                       std::to_string(columns.size()));
    for (const auto &c : columns)
    {
      std::string name;
      std::getline(in, name);
      if (name != c.name)
        throw InputError("checkpoint: statistics column '" + name +
                         "' where this model has '" + c.name + "'");
    }
    rows.assign(n_rows, std::vector<Value>(n_columns));
    for (auto &r : rows)
      for (auto &v : r)
      {
        std::string number;
        std::size_t length = 0;
        in >> number >> length;
        in.ignore();
        v.number = std::strtod(number.c_str(), nullptr);
        v.text.resize(length);
        in.read(v.text.data(), length);
        in.ignore();
      }
    if (!in)
      throw InputError("checkpoint: the statistics table is truncated");
  }
} // namespace lipen
