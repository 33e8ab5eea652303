// evaluate.py of the TRL export: held-out and OOD accuracy, pass@k, faithfulness and diversity under the
// lab's metric names (src/train/rl-eval.ts), from a JSONL of completions (plain python3) or by generating
// them with a trained model (transformers). Static text; agreement with the lab's metrics is tested.
export const EVALUATE_PY = String.raw`#!/usr/bin/env python3
r"""Held-out and OOD metrics of a model's completions, under the RLVR Lab's names and definitions.

    python3 evaluate.py --completions completions.jsonl      # plain python3: score given completions
    python evaluate.py --model out/grpo                      # generate them first (transformers + torch)

A completions file has one JSON object per line: {"split": "heldout" or "ood", "prompt": ..., "completion":
..., "mode": "greedy" or "sampled"}; the prompt is the exported row's (its trailing newline optional).
Greedy completions give eval_<split>/accuracy (mean score: 0/1, set-F1 for several answers),
accuracy_d<difficulty>, mean_length and num_prompts, and eval_faith/entailed_greedy on held-out;
k sampled completions per held-out prompt give eval_heldout/pass@1, pass@k, num_samples,
eval_faith/entailed, eval_faith/steps_true and eval_div/*. Settings default to the lab run's
(trl_config.json: evalSize prompts, passK samples at the RL temperature and top-k).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verifiers  # noqa: E402


def mean(xs):
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs) if xs else float("nan")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def key(prompt):
    return prompt.rstrip("\n")


def split_metrics(prefix, task, rows, texts):
    """Greedy metrics of one split (the lab's splitMetrics), one completion per row."""
    scores = [verifiers.score_answer(verifiers.label_of(r), verifiers.parse_completion(t)[1]) for r, t in zip(rows, texts)]
    out = {prefix + "/accuracy": mean(scores), prefix + "/num_prompts": len(rows), prefix + "/mean_length": mean([verifiers.js_len(t) for t in texts])}
    for d in sorted(set(r["difficulty"] for r in rows)):
        out["%s/accuracy_d%s" % (prefix, d)] = mean([s for s, r in zip(scores, rows) if r["difficulty"] == d])
    if task == "multi_hop":
        recall = [verifiers.intermediate_recall(verifiers.meta_of(r), t) for r, t in zip(rows, texts)]
        recall = [x for x in recall if x is not None]
        if recall:
            out[prefix + "/intermediate_recall"] = mean(recall)
    return out


def greedy_faithfulness(task, texts):
    t = verifiers.get_task(task)
    return mean([1 if t.faithful(*verifiers.parse_completion(x)) else 0 for x in texts])


def sampled_metrics(task, rows, groups):
    """k sampled completions per held-out row (the lab's sampledMetrics)."""
    t = verifiers.get_task(task)
    correct, entailed, steps_true, answers, completions, passes = [], [], [], [], [], []
    for row, texts in zip(rows, groups):
        meta, label = verifiers.meta_of(row), verifiers.label_of(row)
        parsed = [verifiers.parse_completion(x) for x in texts]
        hits = [1 if verifiers.score_answer(label, a) >= 1 else 0 for _, a in parsed]
        correct += hits
        passes.append(1 if any(hits) else 0)
        entailed += [1 if t.faithful(s, a) else 0 for s, a in parsed]
        steps_true += [1 if verifiers.steps_verified(t, meta, s) else 0 for s, _ in parsed]
        answers.append(len(set(verifiers.vote_key(a) for _, a in parsed if a is not None)))
        completions.append(len(set(texts)))
    pass1, passk = mean(correct), mean(passes)
    return {
        "eval_heldout/pass@1": pass1,
        "eval_heldout/pass@k": passk,
        "eval_heldout/num_samples": len(correct),
        "eval_faith/entailed": mean(entailed),
        "eval_faith/steps_true": mean(steps_true),
        "eval_div/distinct_answers": mean(answers),
        "eval_div/distinct_completions": mean(completions),
        "eval_div/pass_gap": passk - pass1,
    }


def metrics(task, splits, completions):
    """All metrics from completion records; splits maps 'heldout'/'ood' to their exported rows."""
    by = {}
    for c in completions:
        by.setdefault((c.get("split", "heldout"), c.get("mode", "greedy"), key(c["prompt"])), []).append(c["completion"])
    out = {}
    for split, rows in splits.items():
        greedy = [by.get((split, "greedy", key(r["prompt"]))) for r in rows]
        scored = [(r, g[0]) for r, g in zip(rows, greedy) if g]
        if scored:
            texts = [x for _, x in scored]
            out.update(split_metrics("eval_" + split, task, [r for r, _ in scored], texts))
            if split == "heldout":
                out["eval_faith/entailed_greedy"] = greedy_faithfulness(task, texts)
    rows = splits.get("heldout", [])
    sampled = [(r, by.get(("heldout", "sampled", key(r["prompt"])))) for r in rows]
    sampled = [(r, g) for r, g in sampled if g]
    if sampled:
        out.update(sampled_metrics(task, [r for r, _ in sampled], [g for _, g in sampled]))
    return out


def generate(model_dir, prompts, samples, greedy, max_new_tokens, temperature, top_k, batch_size):
    """Completions of a transformers model: one per prompt greedily, else samples per prompt (grouped)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tok = AutoTokenizer.from_pretrained(model_dir)
    tok.padding_side = "left"
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype="auto").to(device).eval()
    # Every sampling setting explicit: a model's own generation_config (top_p 0.8, top_k 20, ...) must not apply.
    settings = {"max_new_tokens": max_new_tokens, "repetition_penalty": 1.0, "pad_token_id": tok.pad_token_id}
    if greedy:
        settings.update(do_sample=False, num_return_sequences=1)
    else:
        settings.update(do_sample=True, num_return_sequences=samples, temperature=temperature, top_k=top_k, top_p=1.0)
    out = []
    for i in range(0, len(prompts), batch_size):
        enc = tok(prompts[i : i + batch_size], return_tensors="pt", padding=True, add_special_tokens=False).to(device)
        with torch.no_grad():
            ids = model.generate(**enc, **settings)
        out += tok.batch_decode(ids[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
    return out


def generated(cfg, splits, opts):
    records = []
    for split, rows in splits.items():
        prompts = [r["prompt"] for r in rows]
        texts = generate(opts.model, prompts, 1, True, opts.max_new_tokens, 1.0, 0, opts.batch_size)
        records += [{"split": split, "mode": "greedy", "prompt": p, "completion": t} for p, t in zip(prompts, texts)]
        if split == "heldout" and opts.samples > 0:
            texts = generate(opts.model, prompts, opts.samples, False, opts.max_new_tokens, opts.temperature, opts.top_k, opts.batch_size)
            records += [{"split": split, "mode": "sampled", "prompt": prompts[i // opts.samples], "completion": t} for i, t in enumerate(texts)]
    return records


def parse_args(cfg, argv=None):
    ev = cfg["eval"]
    p = argparse.ArgumentParser(description="The lab's evaluation metrics for completions of the exported prompts.")
    p.add_argument("--completions", help="JSONL of completions to score (no model needed)")
    p.add_argument("--model", help="a trained model directory to generate completions with (transformers)")
    p.add_argument("--limit", type=int, default=ev["limit"], help="first N prompts of each split, as the lab evaluates (0 = all); default %(default)s")
    p.add_argument("--samples", type=int, default=ev["pass_k"], help="sampled completions per held-out prompt (pass@k); default %(default)s")
    p.add_argument("--max-new-tokens", type=int, default=ev["max_new_tokens"], help="default %(default)s")
    p.add_argument("--temperature", type=float, default=ev["temperature"], help="sampling temperature; default %(default)s")
    p.add_argument("--top-k", type=int, default=ev["top_k"], help="0 = off; default %(default)s")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--save-completions", help="write the generated completions here (JSONL, --completions reads it)")
    p.add_argument("--out", help="write the metrics here as JSON")
    return p.parse_args(argv)


def main(argv=None):
    with open(os.path.join(HERE, "trl_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    opts = parse_args(cfg, argv)
    if not opts.completions and not opts.model:
        sys.exit("Give --completions FILE.jsonl (plain python3) or --model DIR (generates with transformers).")
    splits = {s: read_jsonl(os.path.join(HERE, "data", s + ".jsonl")) for s in ("heldout", "ood")}
    splits = {s: (rows[: opts.limit] if opts.limit > 0 else rows) for s, rows in splits.items() if rows}
    records = read_jsonl(opts.completions) if opts.completions else generated(cfg, splits, opts)
    if opts.save_completions:
        with open(opts.save_completions, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
    result = metrics(cfg["task"], splits, records)
    text = json.dumps(result, indent=2, sort_keys=True)
    if opts.out:
        with open(opts.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
`;
