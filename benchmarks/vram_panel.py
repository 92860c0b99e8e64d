"""The VRAM calculator against traced Hugging Face training steps: prints the Markdown table kept in
docs/vram.md (estimate, measured, error) for the panel that tests/vram/test_ground_truth.py checks.

    .venv/bin/python -m benchmarks.vram_panel
"""

import statistics

from tests.vram.test_ground_truth import PANEL, estimate, measure

MIB = 2**20


def main() -> None:
    print("| case | batch × seq | dtype | attention | estimate (MiB) | measured (MiB) | error |")
    print("|---|---|---|---|---|---|---|")
    errors = []
    for name, config, batch, seq, dtype, attention, *extra in PANEL:
        case = (config, batch, seq, dtype, attention, *extra)
        estimated, measured = estimate(*case), measure(*case)
        errors.append(estimated / measured - 1)
        print(
            f"| {name} | {batch} × {seq} | {dtype} | {attention} | {estimated / MIB:.2f} | {measured / MIB:.2f} | "
            f"{errors[-1]:+.1%} |"
        )
    print(f"\nMedian |error| {statistics.median(abs(e) for e in errors):.1%}, worst {max(map(abs, errors)):.1%}.")


if __name__ == "__main__":
    main()
