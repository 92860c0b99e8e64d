"""Implementations of the built-in kernels: PyTorch eager, fused library calls, torch.compile, Triton and CUDA."""
