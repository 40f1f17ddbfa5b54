#pragma once
// SLEEF's f64 vector erf for the two x86 ISAs the Highway kernels run on (f32 has its own: see
// HwyMath::erf). <sleef.h> declares these only when the whole translation unit is compiled with
// -mavx / -mavx512f, while Highway compiles each ISA's code through target attributes inside one
// baseline translation unit; so the two functions are declared here exactly as libsleef 3.5 exports
// them (linked through PkgConfig::SLEEF).
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

extern "C" {
__attribute__((const)) __m256d Sleef_erfd4_u10avx2(__m256d x);
__attribute__((const)) __m512d Sleef_erfd8_u10avx512f(__m512d x);
}
#endif
