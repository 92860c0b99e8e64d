// Our CUDA C++ kernels, built with torch.utils.cpp_extension.load_inline (cuda_kernels.py).
// Row kernels: one block per row, float accumulation, warp-shuffle block reductions.
// GEMM: classic shared-memory tiling, TILE x TILE threads, one output element per thread.
#include <torch/extension.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

constexpr int THREADS = 256;
constexpr int TILE = 16;

__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  return v;
}
__device__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, o));
  return v;
}
// Block-wide reduction of one float per thread; every thread gets the result.
template <bool MAX>
__device__ float block_reduce(float v, float* shared) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = MAX ? warp_max(v) : warp_sum(v);
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  const int warps = blockDim.x / 32;
  float r = threadIdx.x < warps ? shared[threadIdx.x] : (MAX ? -INFINITY : 0.f);
  if (warp == 0) r = MAX ? warp_max(r) : warp_sum(r);
  if (threadIdx.x == 0) shared[0] = r;
  __syncthreads();
  r = shared[0];
  __syncthreads();
  return r;
}

template <typename T>
__global__ void softmax_kernel(const T* x, T* y, int cols) {
  __shared__ float shared[32];
  const T* xr = x + (size_t)blockIdx.x * cols;
  T* yr = y + (size_t)blockIdx.x * cols;
  float m = -INFINITY;
  for (int i = threadIdx.x; i < cols; i += blockDim.x) m = fmaxf(m, (float)xr[i]);
  m = block_reduce<true>(m, shared);
  float s = 0.f;
  for (int i = threadIdx.x; i < cols; i += blockDim.x) s += __expf((float)xr[i] - m);
  s = block_reduce<false>(s, shared);
  for (int i = threadIdx.x; i < cols; i += blockDim.x) yr[i] = (T)(__expf((float)xr[i] - m) / s);
}

template <typename T, bool RMS>
__global__ void norm_kernel(const T* x, const T* w, const T* b, T* y, int cols, float eps) {
  __shared__ float shared[32];
  const T* xr = x + (size_t)blockIdx.x * cols;
  T* yr = y + (size_t)blockIdx.x * cols;
  float mean = 0.f;
  if (!RMS) {
    float s = 0.f;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) s += (float)xr[i];
    mean = block_reduce<false>(s, shared) / cols;
  }
  float ss = 0.f;
  for (int i = threadIdx.x; i < cols; i += blockDim.x) {
    const float d = (float)xr[i] - mean;
    ss += d * d;
  }
  const float rstd = rsqrtf(block_reduce<false>(ss, shared) / cols + eps);
  for (int i = threadIdx.x; i < cols; i += blockDim.x) {
    float v = ((float)xr[i] - mean) * rstd * (float)w[i];
    if (!RMS) v += (float)b[i];
    yr[i] = (T)v;
  }
}

template <typename T>
__global__ void gemm_kernel(const T* a, const T* b, T* c, int M, int N, int K) {
  __shared__ float as[TILE][TILE];
  __shared__ float bs[TILE][TILE];
  const int row = blockIdx.y * TILE + threadIdx.y, col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += TILE) {
    const int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
    as[threadIdx.y][threadIdx.x] = (row < M && ka < K) ? (float)a[(size_t)row * K + ka] : 0.f;
    bs[threadIdx.y][threadIdx.x] = (kb < K && col < N) ? (float)b[(size_t)kb * N + col] : 0.f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < TILE; ++k) acc += as[threadIdx.y][k] * bs[k][threadIdx.x];
    __syncthreads();
  }
  if (row < M && col < N) c[(size_t)row * N + col] = (T)acc;
}

#define DISPATCH(TENSOR, NAME, ...) AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, TENSOR.scalar_type(), NAME, __VA_ARGS__)
#define PTR(t) reinterpret_cast<scalar_t*>(t.data_ptr())
#define CPTR(t) reinterpret_cast<const scalar_t*>(t.data_ptr())

void softmax_out(torch::Tensor x, torch::Tensor out) {
  TORCH_CHECK(x.is_cuda() && x.is_contiguous() && out.is_contiguous(), "contiguous CUDA tensors expected");
  const int rows = x.size(0), cols = x.size(1);
  auto stream = c10::cuda::getCurrentCUDAStream();
  DISPATCH(x, "softmax", [&] { softmax_kernel<scalar_t><<<rows, THREADS, 0, stream>>>(CPTR(x), PTR(out), cols); });
}

void norm_out(torch::Tensor x, torch::Tensor w, torch::Tensor b, torch::Tensor out, double eps, bool rms) {
  TORCH_CHECK(x.is_cuda() && x.is_contiguous() && out.is_contiguous(), "contiguous CUDA tensors expected");
  const int rows = x.size(0), cols = x.size(1);
  auto stream = c10::cuda::getCurrentCUDAStream();
  DISPATCH(x, "norm", [&] {
    if (rms) norm_kernel<scalar_t, true><<<rows, THREADS, 0, stream>>>(CPTR(x), CPTR(w), CPTR(w), PTR(out), cols, (float)eps);
    else norm_kernel<scalar_t, false><<<rows, THREADS, 0, stream>>>(CPTR(x), CPTR(w), CPTR(b), PTR(out), cols, (float)eps);
  });
}

void gemm_out(torch::Tensor a, torch::Tensor b, torch::Tensor out) {
  TORCH_CHECK(a.is_cuda() && a.is_contiguous() && b.is_contiguous() && out.is_contiguous(), "contiguous CUDA tensors expected");
  const int M = a.size(0), K = a.size(1), N = b.size(1);
  dim3 block(TILE, TILE), grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE);
  auto stream = c10::cuda::getCurrentCUDAStream();
  DISPATCH(a, "gemm", [&] { gemm_kernel<scalar_t><<<grid, block, 0, stream>>>(CPTR(a), CPTR(b), PTR(out), M, N, K); });
}
