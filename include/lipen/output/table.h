#pragma once

#include <lipen/output/json.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace lipen
{
  /**
   * One results table: a model declares each per-step column once (name,
   * unit, screen format), and the CSV file, the summary.json record of a
   * row and the screen line are all generated from that declaration, so
   * that the same quantity cannot be written differently in different
   * places.
   *
   * Column names follow the CSV convention of lipen: the unit is part of
   * the name where it is not obvious (`pressure_Pa`, `crack_size_m`); the
   * separate unit string is documentation (the CSV comment lists it).
   */
  /// A CSV field: quoted (with doubled quotes) if it holds a comma, quote
  /// or line break.
  std::string
  csv_field(const std::string &text);

  class Table
  {
  public:
    enum class Kind
    {
      real,
      integer,
      text
    };

    /// How a number is printed on screen: std::defaultfloat, fixed or
    /// scientific with the column's precision.
    enum class Format
    {
      general,
      fixed,
      scientific
    };

    struct Column
    {
      std::string name;
      std::string unit; ///< SI unit, "-" for counts and ratios
      Kind        kind = Kind::real;
      /// screen label; empty: the column is not shown on screen
      std::string  screen_label;
      unsigned int screen_width     = 0;
      unsigned int screen_precision = 4;
      Format       screen_format    = Format::general;
      bool         screen_left      = false; ///< left-aligned (text)
    };

    /// One cell: a number (real or integer column) or text.
    struct Value
    {
      double      number = 0;
      std::string text;
    };

    /// A row under construction: values by column name.
    class Row
    {
    public:
      explicit Row(const Table &table);
      Row &
      set(const std::string &name, double value);
      Row &
      set(const std::string &name, const std::string &value);
      double
      get(const std::string &name) const;
      const std::vector<Value> &
      values() const
      {
        return cells;
      }

    private:
      const Table       *table;
      std::vector<Value> cells;
      friend class Table;
    };

    /// @p comment is written as the first line of the CSV (after "# ").
    explicit Table(const std::string &comment = "");

    /// Declare a column (before the first row is added).
    Table &
    add_column(const std::string &name,
               const std::string &unit,
               Kind               kind             = Kind::real,
               const std::string &screen_label     = "",
               unsigned int       screen_width     = 0,
               unsigned int       screen_precision = 4,
               Format             screen_format    = Format::general,
               bool               screen_left      = false);

    Row
    new_row() const
    {
      return Row(*this);
    }
    void
    add_row(const Row &row);

    std::size_t
    n_rows() const
    {
      return rows.size();
    }
    std::size_t
    column_index(const std::string &name) const;
    const std::vector<Column> &
    get_columns() const
    {
      return columns;
    }
    /// Value of column @p name in row @p i.
    double
    value(std::size_t i, const std::string &name) const;
    /// The whole CSV file (comment, header, one line per row; 10 digits).
    std::string
    csv() const;
    /// Row @p i as a JSON object (column name: value).
    JsonObject
    json(std::size_t i) const;
    /// Header line and the line of row @p i for the screen.
    std::string
    screen_header() const;
    std::string
    screen_line(std::size_t i) const;

    /// Keep only the first @p n rows (restart from a checkpoint).
    void
    truncate(std::size_t n);
    /// All rows at full precision, for checkpoints; load() expects the same
    /// columns.
    void
    save(std::ostream &out) const;
    void
    load(std::istream &in);

  private:
    std::string                     comment;
    std::vector<Column>             columns;
    std::vector<std::vector<Value>> rows;
  };
} // namespace lipen
