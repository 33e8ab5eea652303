"""A stand-in for Hugging Face TRL in the lab's tests (no PyTorch here): config dataclasses with TRL's field
names, and trainers that record what train_trl.py gives them and call its reward functions the way
GRPOTrainer does (each prompt num_generations times, dataset columns as keyword lists).
STUB_TRL=old: an older TRL (bool scale_rewards, top_k None, no num_generations_eval or shuffle_dataset);
STUB_TRL=ancient: also no mask_truncated_completions. STUB_TRL_LOG: where the records go (JSONL)."""
import dataclasses
import json
import os

VERSION = os.environ.get("STUB_TRL", "new")
COMMON = ["output_dir", "max_steps", "learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "weight_decay",
          "adam_beta1", "adam_beta2", "max_grad_norm", "logging_steps", "eval_strategy", "eval_steps", "save_steps", "seed",
          "per_device_train_batch_size", "per_device_eval_batch_size", "gradient_accumulation_steps", "report_to", "bf16"]
GRPO = ["num_generations", "max_completion_length", "temperature", "top_k", "epsilon", "epsilon_high", "num_iterations", "beta",
        "scale_rewards", "loss_type", "mask_truncated_completions", "log_completions", "num_completions_to_print", "reward_weights"]
if VERSION != "new":
    GRPO = [f for f in GRPO if not (VERSION == "ancient" and f == "mask_truncated_completions")]
else:
    GRPO += ["num_generations_eval", "shuffle_dataset"]


def _config(name, names, defaults):
    return dataclasses.make_dataclass(name, [(f, object, dataclasses.field(default=defaults.get(f))) for f in names])


SFTConfig = _config("SFTConfig", COMMON + ["completion_only_loss"], {})
GRPOConfig = _config("GRPOConfig", COMMON + GRPO, {"scale_rewards": "group", "top_k": 0} if VERSION == "new" else {"scale_rewards": True, "top_k": None})


def _record(kind, **data):
    with open(os.environ["STUB_TRL_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, **data}, default=str) + "\n")


class SFTTrainer:
    def __init__(self, model, args, train_dataset, eval_dataset):
        _record("sft", model=model, args=dataclasses.asdict(args), train_rows=len(train_dataset), eval_rows=len(eval_dataset), columns=train_dataset.columns)

    def train(self):
        pass

    def save_model(self, path):
        pass


class GRPOTrainer:
    def __init__(self, model, reward_funcs, args, train_dataset, eval_dataset):
        self.args, self.funcs, self.rows = args, reward_funcs, train_dataset
        _record("grpo", model=model, args=dataclasses.asdict(args), train_rows=len(train_dataset), eval_rows=len(eval_dataset), rewards=[f.__name__ for f in reward_funcs])

    def train(self):
        g = self.args.num_generations
        rows = [self.rows[i] for i in range(2)]
        prompts = [r["prompt"] for r in rows for _ in range(g)]
        completions = ["A: " + r["answer"] if j % 2 == 0 else "A: nothing" for r in rows for j in range(g)]
        columns = {k: [r[k] for r in rows for _ in range(g)] for k in rows[0] if k != "prompt"}
        _record("rewards", values={f.__name__: f(prompts=prompts, completions=completions, completion_ids=None, **columns) for f in self.funcs})

    def save_model(self, path):
        pass
