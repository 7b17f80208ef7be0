// Dense double-precision matrix multiply, n x n (n <= 512): loads, stores, multiply-add loops.
#include "kernel.h"

#define MAX 512
static double a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

KERNEL uint32_t run(uint32_t n) {
  if (n > MAX) n = MAX;
  for (uint32_t i = 0; i < n * n; ++i) {
    a[i] = (double)(i % 17) * 0.5;
    b[i] = (double)(i % 13) * 0.25;
    c[i] = 0;
  }
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t k = 0; k < n; ++k) {
      double aik = a[i * n + k];
      for (uint32_t j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  double sum = 0;
  for (uint32_t i = 0; i < n * n; ++i) sum += c[i];
  return (uint32_t)(int64_t)sum;
}
