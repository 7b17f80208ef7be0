// Early returns for Expected<T> in the WIT layer: TRY(x, f()) declares x or returns the error.
#pragma once

#define WIT_CONCAT_INNER(a, b) a##b
#define WIT_CONCAT(a, b) WIT_CONCAT_INNER(a, b)

#define TRY(var, expr)                                   \
  auto WIT_CONCAT(var, _result) = (expr);                \
  if (!WIT_CONCAT(var, _result)) return WIT_CONCAT(var, _result).error(); \
  auto var = WIT_CONCAT(var, _result).take()

#define TRY_VOID(expr)                                   \
  do {                                                   \
    auto try_result_ = (expr);                           \
    if (!try_result_) return try_result_.error();        \
  } while (0)
