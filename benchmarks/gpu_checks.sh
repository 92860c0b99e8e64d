#!/bin/bash
# Every GPU check in one run, for a lent CUDA machine whose python3 already holds torch and triton (the device
# tool's image): the VRAM calculator against torch.cuda.max_memory_allocated (gpu_vram_check.py), the attention
# inspector's speed and peak GPU memory (gpu_attention_check.py) and the kernel benchmark against
# triton.testing.do_bench (gpu_kernels_check.py --quick). Packages the image lacks travel as
# wheels in .whl/ (pydantic and its needs; transformers 5.24, the version the CPU tracer uses).
#
#   bash benchmarks/gpu_checks.sh OUT_DIR
#
# Writes OUT_DIR/vram.jsonl, attention.jsonl, kernels.log, kernels.tar (per-kernel JSON and table.md) and RESULTS.md.
set -u
out=${1:?give an output directory}
mkdir -p "$out"
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$PWD/src PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TORCH_CUDA_ARCH_LIST=9.0
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, transformers, triton; print('torch', torch.__version__, 'transformers', transformers.__version__, 'triton', triton.__version__)"
timeout 150 python3 benchmarks/gpu_vram_check.py | tee "$out/vram.jsonl"
echo "vram check exit $?"
timeout 150 python3 benchmarks/gpu_attention_check.py | tee "$out/attention.jsonl"
echo "attention check exit $?"
timeout 300 python3 benchmarks/gpu_kernels_check.py --quick --out "$out/kernels" > "$out/kernels.log" 2>&1
echo "kernels check exit $?"
tail -40 "$out/kernels.log"
tar -cf "$out/kernels.tar" -C "$out" kernels && rm -rf "$out/kernels"
cp benchmarks/RESULTS.md "$out/"
