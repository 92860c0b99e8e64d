"""Latency of one request from its raw chunk timestamps, and the run's distributions (docs/evals.md, "Latency")."""

from roofline.evals.stats import summarize


def request_latency(chunk_offsets_s: list[float], e2e_s: float, output_tokens: int | None) -> dict:
    """TTFT, E2E, TPOT, inter-chunk gaps and output tokens/s of one successful request (seconds).

    TTFT = first answer-carrying chunk − request start (None without streaming or without content);
    TPOT = (E2E − TTFT) / (output tokens − 1) when output tokens > 1; ITL = gaps between consecutive chunks;
    output tokens/s = output tokens / E2E.
    """
    ttft = chunk_offsets_s[0] if chunk_offsets_s else None
    tpot = (e2e_s - ttft) / (output_tokens - 1) if ttft is not None and output_tokens and output_tokens > 1 else None
    gaps = [b - a for a, b in zip(chunk_offsets_s, chunk_offsets_s[1:], strict=False)]
    tok_s = output_tokens / e2e_s if output_tokens is not None and e2e_s > 0 else None
    return {"ttft_s": ttft, "e2e_s": e2e_s, "tpot_s": tpot, "itl_s": gaps, "output_tokens_per_s": tok_s}


def run_latency(records: list[dict], wall_s: float) -> dict:
    """Distributions over successful requests (ITL pooled over every gap) and the run's throughput."""
    ok = [r for r in records if r["error"] is None]
    field = lambda name: [r["latency"][name] for r in ok if r["latency"][name] is not None]  # noqa: E731
    output_tokens = [r["tokens"]["output"] for r in ok if r["tokens"]["output"] is not None]
    return {
        "ttft_s": summarize(field("ttft_s")),
        "e2e_s": summarize(field("e2e_s")),
        "tpot_s": summarize(field("tpot_s")),
        "itl_s": summarize([gap for r in ok for gap in r["latency"]["itl_s"]]),
        "output_tokens_per_s": summarize(field("output_tokens_per_s")),
        "wall_s": wall_s,
        "requests_per_s": len(ok) / wall_s if wall_s > 0 else None,
        "output_tokens_per_s_total": sum(output_tokens) / wall_s if wall_s > 0 and output_tokens else None,
        "output_tokens_counted_requests": len(output_tokens),
        "requests_ok": len(ok),
    }
