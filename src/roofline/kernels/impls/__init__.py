"""Implementations of the built-in kernels: PyTorch eager, fused library calls, torch.compile, Triton and CUDA.

Importing this package enables the Triton interpreter on a machine without a CUDA device, before anything
imports triton (see triton_kernels.py); every path that runs a kernel imports it first.
"""

from roofline.kernels.impls.triton_kernels import prepare_interpreter

prepare_interpreter()
