// train_trl.py of the TRL export: SFT, then GRPO, with TRL's SFTTrainer and GRPOTrainer on the exported
// rows, every setting read from trl_config.json (the lab's run in TRL's names, mapping.ts) and the rewards
// from verifiers.py by the lab's names. Static text; `--dry-run` plans without TRL (tested with python3).
export const TRAIN_TRL_PY = String.raw`#!/usr/bin/env python3
r"""SFT, then GRPO, with Hugging Face TRL on the data, settings and verifiers of one RLVR Lab run.

    pip install trl datasets accelerate           # TRL and its PyTorch: for training only
    python train_trl.py                           # one GPU; --model picks the base model
    accelerate launch --num_processes 4 train_trl.py    # several GPUs (same step size: see --grad-accum)
    python3 train_trl.py --dry-run                # plain python3: print the TRL settings it would use

Every setting comes from trl_config.json, written by the lab from the run (README.md lists each one and
the lab settings TRL has no counterpart for). The per-step batch is the lab's: promptsPerStep x
num_generations completions per GRPO step and batchSize sequences per SFT step, split over
GPUs x --grad-accum. Rewards are verifiers.py's, under the lab's names, so TRL logs rewards/<name>/mean.
"""
import argparse
import dataclasses
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verifiers  # noqa: E402

DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"

# GRPOConfig / SFTConfig fields an older TRL may lack: left out with a note instead of refusing to run.
OPTIONAL = {
    "num_generations_eval": "evaluation samples num_generations completions per prompt instead of the lab's passK",
    "shuffle_dataset": "TRL shuffles the prompts, where the lab draws them in order",
    "log_completions": "no completion samples are logged",
    "num_completions_to_print": "all logged completions are printed",
}


def load_json(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="SFT then GRPO with TRL, as the RLVR Lab run did.")
    p.add_argument("--model", default=DEFAULT_MODEL, help="base model (hub id or directory); default %(default)s")
    p.add_argument("--output-dir", default=os.path.join(HERE, "out"), help="checkpoints go to OUTPUT/sft and OUTPUT/grpo")
    p.add_argument("--grad-accum", type=int, default=1, help="gradient accumulation steps: the per-step batch is split over GPUs x this")
    p.add_argument("--skip-sft", action="store_true", help="start GRPO from --model (for example an SFT checkpoint)")
    p.add_argument("--skip-grpo", action="store_true", help="stop after SFT")
    p.add_argument("--fp32", action="store_true", help="train in float32 (TRL defaults to bf16)")
    p.add_argument("--report-to", default="none", help="transformers' report_to (none, wandb, tensorboard, ...)")
    p.add_argument("--dry-run", action="store_true", help="print the TRL settings and exit; needs no TRL")
    return p.parse_args(argv)


def split_batch(total, world, accum, what):
    """The per-device batch with per_device x world x accum == total (the lab's step size)."""
    if accum < 1 or total % (world * accum) != 0:
        sys.exit("%s: the lab's step has %d sequences, which %d GPU(s) x %d accumulation steps do not divide; "
                 "pick --grad-accum (and a GPU count) whose product divides %d." % (what, total, world, accum, total))
    return total // (world * accum)


def sft_args(cfg, opts, world):
    stage = cfg["sft"]
    per = split_batch(stage["plan"]["batch_size"], world, opts.grad_accum, "SFT")
    args = dict(stage["args"])
    args.update(
        output_dir=os.path.join(opts.output_dir, "sft"),
        per_device_train_batch_size=per,
        per_device_eval_batch_size=per,
        gradient_accumulation_steps=opts.grad_accum,
        completion_only_loss=True,
        report_to=opts.report_to,
    )
    if opts.fp32:
        args["bf16"] = False
    return args


def grpo_args(cfg, opts, world):
    stage = cfg["grpo"]
    plan, gens = stage["plan"], stage["args"]["num_generations"]
    per = split_batch(plan["prompts_per_step"] * gens, world, opts.grad_accum, "GRPO")
    args = dict(stage["args"])
    args.update(
        output_dir=os.path.join(opts.output_dir, "grpo"),
        per_device_train_batch_size=per,
        gradient_accumulation_steps=opts.grad_accum,
        reward_weights=[float(r["weight"]) for r in reward_specs(cfg)],
        num_generations_eval=plan["pass_k"],
        per_device_eval_batch_size=plan["pass_k"],
        shuffle_dataset=False,
        report_to=opts.report_to,
    )
    if opts.fp32:
        args["bf16"] = False
    return args


def reward_specs(cfg):
    """The run's rewards, plus acc_true at weight 0 under label noise (logged, like the lab's train/acc_true)."""
    specs = [dict(r) for r in cfg["grpo"]["plan"]["rewards"]]
    if cfg["label_noise"] > 0:
        specs.append({"name": "acc_true", "weight": 0.0})
    return specs


def plan(cfg, opts, world):
    return {
        "model": opts.model,
        "world_size": world,
        "sft": sft_args(cfg, opts, world) if cfg["sft"] and not opts.skip_sft else None,
        "grpo": grpo_args(cfg, opts, world) if cfg["grpo"] and not opts.skip_grpo else None,
        "rewards": reward_specs(cfg) if cfg["grpo"] else [],
    }


def fit(cls, args):
    """The installed TRL's config with these settings; a lab setting it lacks stops the run, naming it."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    args = dict(args)
    for key in [k for k in args if k not in fields]:
        if key not in OPTIONAL:
            sys.exit("This TRL's %s has no %r, which the lab run sets; upgrade TRL (pip install -U trl)." % (cls.__name__, key))
        print("note: this TRL's %s has no %s: %s." % (cls.__name__, key, OPTIONAL[key]), file=sys.stderr)
        if key == "num_generations_eval":
            args["per_device_eval_batch_size"] = args["num_generations"]
        del args[key]
    scale = fields.get("scale_rewards")
    if scale is not None and isinstance(scale.default, bool) and "scale_rewards" in args:
        if args["scale_rewards"] == "batch":
            sys.exit("This TRL scales rewards by group or not at all; the lab run uses 'batch'. Upgrade TRL.")
        args["scale_rewards"] = args["scale_rewards"] == "group"
    if args.get("top_k") == 0 and "top_k" in fields and fields["top_k"].default is None:
        args["top_k"] = None  # older TRL: None means no top-k
    return cls(**args)


def self_certainty_reward(holder):
    """Per completion: the mean over its tokens of logsumexp(logits) - mean(logits), one extra forward pass."""
    import torch

    def self_certainty(prompts, completions, **kwargs):
        trainer = holder["trainer"]
        model, tok = trainer.model, trainer.processing_class
        out = []
        with torch.no_grad():
            for prompt, completion in zip(prompts, completions):
                p = tok(prompt, add_special_tokens=False)["input_ids"]
                c = tok(verifiers._text(completion), add_special_tokens=False)["input_ids"]
                if not p or not c:
                    out.append(0.0)
                    continue
                logits = model(torch.tensor([p + c], device=model.device)).logits[0, len(p) - 1 : -1].float()
                out.append((torch.logsumexp(logits, -1) - logits.mean(-1)).mean().item())
        return out

    return self_certainty


def reward_funcs(cfg, holder):
    funcs = []
    for spec in reward_specs(cfg):
        if spec["name"] == "self_certainty":
            funcs.append(self_certainty_reward(holder))
        else:
            funcs.append(verifiers.make_reward(spec["name"], cfg["task"], p=spec.get("p"), seed=cfg["seed"]))
    return funcs


def rows(stage, key, columns=None, limit=None):
    from datasets import load_dataset

    split = "train" if not limit else "train[:%d]" % limit
    ds = load_dataset("json", data_files=os.path.join(HERE, stage[key]), split=split)
    return ds.select_columns(columns) if columns else ds


def run_sft(cfg, args, model):
    from trl import SFTConfig, SFTTrainer

    stage = cfg["sft"]
    trainer = SFTTrainer(
        model=model,
        args=fit(SFTConfig, args),
        train_dataset=rows(stage, "data", ["prompt", "completion"]),
        eval_dataset=rows(stage, "eval_data", ["prompt", "completion"], stage["plan"]["eval_rows"]),
    )
    trainer.train()
    trainer.save_model(args["output_dir"])
    return args["output_dir"]


def run_grpo(cfg, args, model):
    from trl import GRPOConfig, GRPOTrainer

    stage, holder = cfg["grpo"], {}
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=reward_funcs(cfg, holder),
        args=fit(GRPOConfig, args),
        train_dataset=rows(stage, "data"),
        eval_dataset=rows(stage, "eval_data", None, stage["plan"]["eval_rows"]),
    )
    holder["trainer"] = trainer
    trainer.train()
    trainer.save_model(args["output_dir"])
    return args["output_dir"]


def main(argv=None):
    opts = parse_args(argv)
    cfg = load_json("trl_config.json")
    world = int(os.environ.get("WORLD_SIZE", "1"))
    settings = plan(cfg, opts, world)
    if opts.dry_run:
        print(json.dumps(settings, indent=2, sort_keys=True))
        return
    model = opts.model
    if settings["sft"]:
        model = run_sft(cfg, settings["sft"], model)
    if settings["grpo"]:
        model = run_grpo(cfg, settings["grpo"], model)
    print("Done: %s. Held-out and OOD accuracy under the lab's metric names: python evaluate.py --model %s" % (model, model))


if __name__ == "__main__":
    main()
`;
