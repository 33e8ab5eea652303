"""A stand-in for Hugging Face datasets in the lab's tests: load_dataset("json", ...) over a JSONL file,
with the "train[:N]" split slice and select_columns that train_trl.py uses."""
import json


class Dataset:
    def __init__(self, rows):
        self.rows = rows
        self.columns = list(rows[0]) if rows else []

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def select_columns(self, names):
        return Dataset([{k: r[k] for k in names} for r in self.rows])


def load_dataset(kind, data_files, split):
    assert kind == "json"
    with open(data_files, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if split.startswith("train[:"):
        rows = rows[: int(split[len("train[:"):-1])]
    return Dataset(rows)
