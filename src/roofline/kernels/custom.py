"""Custom kernels from a user's Python file (run on the user's own machine: the server never loads one).

The file defines:

    NAME = "scale"                         # optional; default: the file's stem
    DIMS = ("n",)                          # the shape's dimension names
    SHAPES = [{"n": 1 << 20}]              # default shapes
    def make_inputs(shape, dtype, device, generator): ...   # -> tuple of tensors (fresh random values)
    def reference(*inputs): ...            # -> the exact result; called on float64 copies of the inputs
    def flops(shape): ...                  # -> FLOP of one call
    def bytes_moved(shape, itemsize): ...  # -> bytes one call reads and writes at least
    IMPLS = {"mine": my_impl, ...}         # each called as impl(*inputs, out=out): write into `out`, or return it
    TOLERANCE = {"float32": (1e-5, 1e-4)}  # optional (atol, rtol) per dtype
    NEEDS = {"mine": ["triton"]}          # optional: "triton" (interpreted on a CPU: correctness only), "cuda"
"""

import importlib.util
import inspect
import sys
from pathlib import Path

from roofline.kernels.errors import CustomKernelError
from roofline.kernels.kernel import Impl, Kernel

KNOWN_NEEDS = {"triton", "cuda"}
SIGNATURES = {
    "make_inputs": ("shape", "dtype", "device", "generator"),
    "flops": ("shape",),
    "bytes_moved": ("shape", "itemsize"),
}


def _fixed_parameters(fn) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]  # fmt: skip


def _check_signature(path: Path, name: str, fn, expected: tuple[str, ...]) -> None:
    if not callable(fn):
        raise CustomKernelError(f"{path}: {name} must be a function, not {type(fn).__name__}")
    params = _fixed_parameters(fn)
    required = [p for p in params if p.default is p.empty]
    if len(required) > len(expected) or len(params) < len(expected):
        got = ", ".join(p.name for p in params)
        raise CustomKernelError(f"{path}: {name} must take ({', '.join(expected)}); it takes ({got})")


def _check_impl(path: Path, name: str, fn) -> None:
    if not callable(fn):
        raise CustomKernelError(f"{path}: IMPLS[{name!r}] must be a function, not {type(fn).__name__}")
    params = inspect.signature(fn).parameters
    takes_out = "out" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
    if not takes_out:
        raise CustomKernelError(
            f"{path}: implementation {name!r} must accept the keyword argument `out` (called as "
            f"impl(*inputs, out=out)); it takes ({', '.join(params)})"
        )


def load_kernel_file(path: str | Path) -> Kernel:
    """The Kernel a custom file defines; CustomKernelError naming the file, line and fix when it cannot load."""
    path = Path(path)
    if not path.is_file():
        raise CustomKernelError(f"{path}: no such file")
    source = path.read_text()
    try:
        compile(source, str(path), "exec")
    except SyntaxError as error:
        raise CustomKernelError(f"{path}, line {error.lineno}: syntax error: {error.msg}") from None
    spec = importlib.util.spec_from_file_location(f"roofline_custom_kernel_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so Triton (and dataclasses) can find the module's globals
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise CustomKernelError(f"{path}: importing it raised {type(error).__name__}: {error}") from None
    missing = [name for name in ("DIMS", "make_inputs", "reference", "flops", "bytes_moved", "IMPLS")
               if not hasattr(module, name)]  # fmt: skip
    if missing:
        raise CustomKernelError(f"{path}: missing {', '.join(missing)} (see docs/kernels.md, 'Custom kernels')")
    for name, expected in SIGNATURES.items():
        _check_signature(path, name, getattr(module, name), expected)
    if not callable(module.reference):
        raise CustomKernelError(f"{path}: reference must be a function")
    dims = tuple(module.DIMS)
    impls = module.IMPLS
    if not isinstance(impls, dict) or not impls:
        raise CustomKernelError(f"{path}: IMPLS must be a non-empty dict of name -> function")
    for name, fn in impls.items():
        _check_impl(path, name, fn)
    needs = getattr(module, "NEEDS", {})
    if (
        not isinstance(needs, dict)
        or any(n not in impls for n in needs)
        or any(not set(v) <= KNOWN_NEEDS for v in needs.values())
    ):
        raise CustomKernelError(f"{path}: NEEDS maps implementation names to lists of {sorted(KNOWN_NEEDS)}")
    shapes = tuple(getattr(module, "SHAPES", ()))
    if not shapes:
        raise CustomKernelError(f"{path}: SHAPES must list at least one shape, e.g. [{{'{dims[0]}': 1024}}]")
    for shape in shapes:
        if not isinstance(shape, dict) or set(shape) != set(dims):
            raise CustomKernelError(f"{path}: every shape in SHAPES needs exactly the dims {dims}; got {shape!r}")
    return Kernel(
        name=str(getattr(module, "NAME", path.stem)),
        description=(module.__doc__ or f"custom kernel from {path.name}").strip().splitlines()[0],
        dims=dims,
        make_inputs=module.make_inputs,
        reference=module.reference,
        flops=module.flops,
        bytes_moved=module.bytes_moved,
        impls={
            name: Impl(
                name,
                "custom",
                f"custom: {getattr(fn, '__name__', name)} from {path.name}",
                lambda fn=fn: fn,
                needs=tuple(needs.get(name, ())),
            )
            for name, fn in impls.items()
        },  # fmt: skip
        default_shapes=shapes,
        cpu_shapes=shapes,
        tolerance=dict(getattr(module, "TOLERANCE", {})),
        matrix=bool(getattr(module, "MATRIX", False)),
        source=str(path),
    )
