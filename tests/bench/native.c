// Native references for `cargo xtask bench`, built with the system C compiler when one
// exists (cc -O2 -msse4.1: 128-bit SIMD only, the width wasm SIMD128 has).
//   read bandwidth: SSE sum over a buffer far larger than any cache, best of several passes;
//   dot products:   n rows × 64 dims against one query, one score per row, as f32 (SSE
//                   mul/add) and as int8 rows × int16 query (pmovsxbw + pmaddwd, the
//                   instructions vitrin's i32x4.dot_i16x8_s maps to).
// Prints one JSON object on stdout. Usage: native [rounds]
#include <smmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIM 64
#define BW_BYTES (256u << 20)

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Keeps results observable so the compiler cannot drop the loops. */
static volatile float sink;

static double read_gbs(int rounds) {
  size_t n = BW_BYTES / sizeof(float);
  float *buf = aligned_alloc(64, BW_BYTES);
  for (size_t i = 0; i < n; i++) buf[i] = (float)(i & 7);
  double best = 1e30;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ms();
    __m128 a = _mm_setzero_ps(), b = a, c = a, d = a;
    for (size_t i = 0; i < n; i += 16) {
      a = _mm_add_ps(a, _mm_load_ps(buf + i));
      b = _mm_add_ps(b, _mm_load_ps(buf + i + 4));
      c = _mm_add_ps(c, _mm_load_ps(buf + i + 8));
      d = _mm_add_ps(d, _mm_load_ps(buf + i + 12));
    }
    float out[4];
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d)));
    sink = out[0] + out[1] + out[2] + out[3];
    double t = now_ms() - t0;
    if (t < best) best = t;
  }
  free(buf);
  return BW_BYTES / (best / 1e3) / 1e9;
}

static void dot_f32(const float *rows, const float *q, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float *r = rows + i * DIM;
    __m128 acc = _mm_setzero_ps();
    for (int k = 0; k < DIM; k += 4) acc = _mm_add_ps(acc, _mm_mul_ps(_mm_load_ps(r + k), _mm_load_ps(q + k)));
    acc = _mm_hadd_ps(acc, acc);
    acc = _mm_hadd_ps(acc, acc);
    out[i] = _mm_cvtss_f32(acc);
  }
}

static void dot_i8(const int8_t *rows, const float *scales, const int16_t *q, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const int8_t *r = rows + i * DIM;
    __m128i acc = _mm_setzero_si128();
    for (int k = 0; k < DIM; k += 16) {
      __m128i v = _mm_load_si128((const __m128i *)(r + k));
      __m128i lo = _mm_cvtepi8_epi16(v), hi = _mm_cvtepi8_epi16(_mm_srli_si128(v, 8));
      acc = _mm_add_epi32(acc, _mm_madd_epi16(lo, _mm_load_si128((const __m128i *)(q + k))));
      acc = _mm_add_epi32(acc, _mm_madd_epi16(hi, _mm_load_si128((const __m128i *)(q + k + 8))));
    }
    acc = _mm_hadd_epi32(acc, acc);
    acc = _mm_hadd_epi32(acc, acc);
    out[i] = (float)_mm_cvtsi128_si32(acc) * scales[i];
  }
}

/* Median ms of `rounds` timed calls, each repeated enough to last about 5 ms. */
#define MEDIAN_MS(call, rounds, result)                                   \
  do {                                                                    \
    double t0 = now_ms();                                                 \
    call;                                                                 \
    double once = now_ms() - t0;                                          \
    int reps = once > 0 ? (int)(5.0 / once) + 1 : 1000;                   \
    double s[64];                                                         \
    for (int r_ = 0; r_ < rounds; r_++) {                                 \
      t0 = now_ms();                                                      \
      for (int k_ = 0; k_ < reps; k_++) call;                             \
      s[r_] = (now_ms() - t0) / reps;                                     \
    }                                                                     \
    qsort(s, rounds, sizeof(double), cmp);                                \
    result = s[rounds / 2];                                               \
  } while (0)

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 15;
  if (rounds < 1) rounds = 1;
  if (rounds > 64) rounds = 64;
  printf("{\"simd\":\"SSE4.1 (128-bit)\",\"readGBs\":%.2f,\"dot\":{", read_gbs(rounds < 5 ? 3 : 5));
  const size_t sizes[] = {1000, 10000, 100000};
  for (int s = 0; s < 3; s++) {
    size_t n = sizes[s];
    float *rows = aligned_alloc(64, n * DIM * sizeof(float)), *scales = malloc(n * sizeof(float)), *out = malloc(n * sizeof(float));
    int8_t *qrows = aligned_alloc(64, n * DIM);
    float q[DIM] __attribute__((aligned(16)));
    int16_t qq[DIM] __attribute__((aligned(16)));
    for (size_t i = 0; i < n * DIM; i++) {
      rows[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
      qrows[i] = (int8_t)((int)(rows[i] * 254));
    }
    for (size_t i = 0; i < n; i++) scales[i] = 1.0f / 127;
    for (int k = 0; k < DIM; k++) q[k] = (float)k / DIM - 0.5f, qq[k] = (int16_t)(q[k] * 32767);
    double f32_ms, i8_ms;
    MEDIAN_MS(dot_f32(rows, q, out, n), rounds, f32_ms);
    sink = out[n - 1];
    MEDIAN_MS(dot_i8(qrows, scales, qq, out, n), rounds, i8_ms);
    sink = out[n - 1];
    printf("%s\"%zu\":{\"f32Ms\":%.5f,\"i8Ms\":%.5f}", s ? "," : "", n, f32_ms, i8_ms);
    free(rows), free(scales), free(out), free(qrows);
  }
  printf("}}\n");
  return 0;
}
