#pragma once
// One spelling for "callable on host and device" so the math compiles unchanged with g++ and nvcc.
#if defined(__CUDACC__)
#define AB_HD __host__ __device__ __forceinline__
#else
#define AB_HD inline
#endif
