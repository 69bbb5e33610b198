#include "db/pg_conn.h"

#include <fmt/format.h>

#include <cstdlib>

namespace anxun::db {
namespace {

constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

Value Cell(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2:
    case kInt4:
    case kInt8:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kBool:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kFloat4:
    case kFloat8:
    case kNumeric:
      return std::strtod(text, nullptr);
    default:
      return std::string(text, static_cast<size_t>(PQgetlength(res, row, col)));
  }
}

// Owns a PGresult for the length of a scope.
struct ResultGuard {
  PGresult* r;
  ~ResultGuard() { PQclear(r); }
};

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char ch : sql) {
    if (quote) {
      if (ch == quote) quote = 0;
      out.push_back(ch);
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      out.push_back(ch);
    } else if (ch == '?') {
      out += fmt::format("${}", ++n);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

PgConn::PgConn(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw DbError(fmt::format("postgresql: cannot connect ({})", msg));
  }
  ExecScript("SET client_min_messages TO warning; SET TIME ZONE 'UTC';");
}

PgConn::~PgConn() {
  if (conn_) PQfinish(conn_);
}

const std::string& PgConn::Prepared(std::string_view sql, int nparams) {
  auto it = prepared_.find(std::string(sql));
  if (it != prepared_.end()) return it->second;
  const std::string name = fmt::format("s{}", prepared_.size() + 1);
  const std::string rewritten = RewritePlaceholders(sql);
  ResultGuard g{PQprepare(conn_, name.c_str(), rewritten.c_str(), 0, nullptr)};
  if (PQresultStatus(g.r) != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(g.r, PG_DIAG_SQLSTATE);
    throw DbError(fmt::format("postgresql: {} (in: {:.120})", PQresultErrorMessage(g.r), sql),
                  state && state[0] == '2' && state[1] == '3');
  }
  return prepared_.emplace(std::string(sql), name).first->second;
}

PGresult* PgConn::Run(std::string_view sql, const Params& params) {
  const std::string& name = Prepared(sql, static_cast<int>(params.size()));
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) continue;
    if (auto p = std::get_if<int64_t>(&v))
      texts[i] = std::to_string(*p);
    else if (auto p = std::get_if<double>(&v))
      texts[i] = fmt::format("{}", *p);
    else
      texts[i] = std::get<std::string>(v);
    values[i] = texts[i].c_str();
  }
  PGresult* res = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                 values.data(), nullptr, nullptr, 0);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const bool constraint = state && state[0] == '2' && state[1] == '3';
    std::string msg = PQresultErrorMessage(res);
    PQclear(res);
    if (PQstatus(conn_) != CONNECTION_OK) PQreset(conn_), prepared_.clear();
    throw DbError(fmt::format("postgresql: {} (in: {:.120})", msg, sql), constraint);
  }
  return res;
}

Rows PgConn::Query(std::string_view sql, const Params& params) {
  ResultGuard g{Run(sql, params)};
  Rows rows;
  const int n = PQntuples(g.r), cols = PQnfields(g.r);
  rows.reserve(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    std::vector<Value> cells;
    cells.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c)
      cells.push_back(Cell(g.r, r, c));
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

int64_t PgConn::Exec(std::string_view sql, const Params& params) {
  ResultGuard g{Run(sql, params)};
  const char* n = PQcmdTuples(g.r);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

void PgConn::ExecScript(std::string_view sql) {
  const std::string copy(sql);
  ResultGuard g{PQexec(conn_, copy.c_str())};
  const auto status = PQresultStatus(g.r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(g.r, PG_DIAG_SQLSTATE);
    throw DbError(fmt::format("postgresql: {}", PQresultErrorMessage(g.r)),
                  state && state[0] == '2' && state[1] == '3');
  }
}

}  // namespace anxun::db
