"""Side-by-side comparison of two or more scorecards: one row per figure, one column per scorecard."""

from roofline.evals.scorecard import validate_scorecard

LATENCY_ROWS = (("ttft_s", "p50"), ("ttft_s", "p99"), ("e2e_s", "p50"), ("e2e_s", "p99"), ("tpot_s", "p50"),
                ("itl_s", "p50"), ("output_tokens_per_s", "p50"))  # fmt: skip


def compare_scorecards(cards: list[dict]) -> dict:
    """{"columns": [...], "rows": [{"section", "name", "unit", "values": [{value, ci_low, ci_high} | None]}],
    "warnings": [...]}: suites whose content hashes differ are flagged, since their numbers are not comparable."""
    if len(cards) < 2:
        raise ValueError("compare needs at least two scorecards")
    for card in cards:
        validate_scorecard(card)
    columns = [{"model": c["model"]["name"], "endpoint": c["endpoint"]["url"], "finished_at": c["finished_at"]}
               for c in cards]  # fmt: skip
    rows, warnings = [], []
    suite_names = list(dict.fromkeys(s["name"] for c in cards for s in c["suites"]))
    for suite in suite_names:
        docs = [next((s for s in c["suites"] if s["name"] == suite), None) for c in cards]
        hashes = {d["content_sha256"] for d in docs if d}
        if len(hashes) > 1:
            warnings.append(f"suite {suite}: different items (content hashes differ); its rows are not comparable")
        names = list(dict.fromkeys(m["name"] for d in docs if d for m in d["metrics"]))
        for name in names:
            values = []
            for d in docs:
                metric = next((m for m in d["metrics"] if m["name"] == name), None) if d else None
                values.append({k: metric[k] for k in ("value", "ci_low", "ci_high", "n")} if metric else None)
            rows.append({"section": suite, "name": name, "unit": "tokens" if "tokens" in name else "rate",
                         "values": values})  # fmt: skip
    for field, stat in LATENCY_ROWS:
        values = [_latency(c, field, stat) for c in cards]
        if any(v is not None for v in values):
            unit = "tokens/s" if field == "output_tokens_per_s" else "s"
            rows.append({"section": "latency", "name": f"{field} {stat}", "unit": unit, "values": values})
    for key, unit in (("usd_per_1k_requests", "USD"), ("usd_per_mtok_output", "USD")):
        values = [{"value": c.get("cost", {}).get(key)} if c.get("cost", {}).get(key) is not None else None
                  for c in cards]  # fmt: skip
        if any(values):
            rows.append({"section": "cost", "name": key, "unit": unit, "values": values})
    return {"columns": columns, "rows": rows, "warnings": warnings}


def _latency(card: dict, field: str, stat: str) -> dict | None:
    value = (card.get("latency", {}).get(field) or {}).get(stat)
    return {"value": value} if value is not None else None
