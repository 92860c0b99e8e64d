"""The built-in kernels' names, importable without torch (the CLI's help, the site's forms)."""

BUILTIN_KERNELS = ("softmax", "layernorm", "rmsnorm", "gemm", "attention", "attention-causal")
