"""Errors a user can cause (unknown kernel, bad shape, broken custom kernel file); the faces show their message."""


class KernelBenchError(ValueError):
    """A request the benchmark cannot run as given; the message says what was wrong and what to do."""


class CustomKernelError(KernelBenchError):
    """A custom kernel file that cannot be loaded: syntax error, missing function, wrong signature."""
