// verifiers.py of the TRL export: the lab's parser, scorers, step checkers and faithfulness rules of
// every task (src/tasks/*.ts) in plain Python 3 (standard library only), and the lab's rewards as TRL
// reward functions. Kept as text here so Vite, tsx and esbuild all bundle it; agreement with the
// TypeScript is tested on generated, mutated and junk completions (test/export/trl-agreement.test.ts).
export const VERIFIERS_PY = String.raw`r"""The RLVR Lab verifiers in Python: parse, score, check steps, judge faithfulness, reward.

A line-by-line port of the lab's TypeScript (src/tasks/format.ts, arith-steps.ts, addition.ts,
arith-chain.ts, num-match*.ts, multi-hop*.ts, src/train/rewards.ts). The lab's test suite runs both on
the same completions and requires identical parsed answers, step verdicts and rewards, so this file
reproduces JavaScript's string semantics where Python's differ: what counts as whitespace (trim, \s),
\d and \b being ASCII-only, '.' not matching line terminators, '$' matching only at the very end,
Math.round, string length in UTF-16 units and Number-to-string.

Standard library only: python3 verifiers.py needs nothing installed. A completion is the text after the
prompt: step lines, then the answer line "A: <answer>" (several answers: "A: Ann, Bo").
"""
import json
import math
import re

# ---------------------------------------------------------------------------------------------------
# JavaScript string semantics
# ---------------------------------------------------------------------------------------------------

# ECMAScript WhiteSpace and LineTerminator: what String.prototype.trim removes and /\s/ matches.
_JS_SPACE_CHARS = "\t\n\x0b\x0c\r \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_CLASS = "".join("\\u%04x" % ord(c) for c in _JS_SPACE_CHARS)
_JS_DOT = "[^\\n\\r\\u2028\\u2029]"  # '.' without the s flag


def js_trim(s):
    return s.strip(_JS_SPACE_CHARS)


def js_len(s):
    """String length as JavaScript counts it (UTF-16 code units)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def js_re(pattern, ignore_case=False):
    """Compile a JavaScript regular expression (no u, m or s flag) so Python matches what JS matches."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1]
            out.append(_JS_SPACE_CLASS if nxt == "s" and in_class else "[" + _JS_SPACE_CLASS + "]" if nxt == "s" else c + nxt)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
        else:
            out.append(_JS_DOT if c == "." else "\\Z" if c == "$" else c)
        i += 1
    return re.compile("".join(out), re.ASCII | (re.IGNORECASE if ignore_case else 0))


def js_round(x):
    """Math.round: the nearest integer, halves toward +infinity."""
    if not math.isfinite(x):
        return x
    f = math.floor(x)
    return float(f + 1 if x - f >= 0.5 else f)


def js_number_text(x):
    """String(x) for a JavaScript number (ECMAScript Number::toString)."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x < 0:
        return "-" + js_number_text(-x)
    mantissa, _, exp = repr(float(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits, point = whole + frac, len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    head = digits if k == 1 else digits[0] + "." + digits[1:]
    return head + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def _js_int_text(x):
    """String(Number(text)) for a text of decimal digits ("" reads as 0)."""
    return js_number_text(float(x) if x != "" else 0.0)


# ---------------------------------------------------------------------------------------------------
# The completion convention (src/tasks/format.ts)
# ---------------------------------------------------------------------------------------------------

_ANSWER_LINE = js_re(r"^(?:A|Answer)\s*:\s*(.*)$", True)
_SPACES = js_re(r"\s+")
_FINAL_DOT = js_re(r"\.$")
_LIST_SEP = js_re(r",|;|\band\b", True)


def parse_completion(completion):
    """Any text -> (steps, answer): trimmed non-empty lines before the first answer line, and its answer."""
    if not isinstance(completion, str):
        return [], None
    steps = []
    for raw in completion.split("\n"):
        line = js_trim(raw)
        if line == "":
            continue
        m = _ANSWER_LINE.search(line)
        if m:
            answer = js_trim(m.group(1) or "")
            return steps, (None if answer == "" else answer)
        steps.append(line)
    return steps, None


def normalize(s):
    """Case-folded, whitespace-collapsed, without a trailing period."""
    s = js_trim(_SPACES.sub(" ", s.lower()))
    return js_trim(_FINAL_DOT.sub("", s, count=1))


def _unique(items):
    return list(dict.fromkeys(items))


def split_list(s):
    """A stated list answer -> its distinct normalized items ("Ana, Kam and Bo" -> [ana, kam, bo])."""
    return _unique(x for x in (normalize(p) for p in _LIST_SEP.split(s)) if x != "")


def set_f1(gold, stated):
    g, s = set(gold), set(stated)
    if not g and not s:
        return 1
    hits = sum(1 for x in s if x in g)
    if hits == 0:
        return 0
    precision, recall = hits / len(s), hits / len(g)
    return (2 * precision * recall) / (precision + recall)


def score_answer(label, stated):
    """0/1 normalized exact match for a single label; set-F1 for a list label. None states nothing."""
    if stated is None:
        return 0
    if isinstance(label, str):
        return 1 if normalize(stated) == normalize(label) else 0
    return set_f1([normalize(x) for x in label], split_list(stated))


def same_answer(derived, stated):
    return derived is not None and stated is not None and score_answer(derived, stated) == 1


# ---------------------------------------------------------------------------------------------------
# Arithmetic step lines (src/tasks/arith-steps.ts)
# ---------------------------------------------------------------------------------------------------

_NUM = r"\d{1,15}"
_EQUATION = js_re(r"^(?:[a-z]+\s*\d*\s*:\s*)?(" + _NUM + r"(?:\s*[+*x]\s*" + _NUM + r")+)\s*(?:=|is)\s*(" + _NUM + r")\.?$", True)
_TIMES = js_re(r"[*x]", True)
_OPERATOR = js_re(r"[+*x]", True)
_MAX_SAFE = 2**53 - 1


def read_equation(line):
    """"347+200=547", "3 x 4 = 12", "s2: 12*3=36" -> (op, terms, result); None if not one."""
    m = _EQUATION.search(js_trim(line))
    if not m:
        return None
    lhs = m.group(1)
    has_plus, has_times = "+" in lhs, _TIMES.search(lhs) is not None
    if has_plus == has_times:
        return None
    terms = [int(js_trim(t)) for t in _OPERATOR.split(lhs)]
    return ("+" if has_plus else "*", terms, int(m.group(2)))


def holds(eq):
    """True when the equation holds in JavaScript doubles (exact below 2^53, as the lab checks it)."""
    op, terms, result = eq
    value = 0.0 if op == "+" else 1.0
    for t in terms:
        value = value + float(t) if op == "+" else value * float(t)
    safe = math.isfinite(value) and value == math.floor(value) and abs(value) <= _MAX_SAFE
    return safe and value == result


def heads_and_tails(n):
    out, p = [], 10
    while p <= n:
        out += [n - n % p, n % p]
        p *= 10
    return out


def place_parts(n):
    s = str(n)
    return [int(d) * 10 ** (len(s) - 1 - i) for i, d in enumerate(s)]


def check_equations(lines, given):
    """Each line: it holds and every term is grounded (given, or the result of an earlier true line)."""
    grounded, out = set(given), []
    for line in lines:
        eq = read_equation(line)
        ok = eq is not None and holds(eq) and all(t in grounded for t in eq[1])
        if ok:
            grounded.add(eq[2])
        out.append(ok)
    return out


def same_multiset(a, b):
    return len(a) == len(b) and sorted(a) == sorted(b)


def _last_equation_result(steps):
    for line in reversed(steps):
        eq = read_equation(line)
        if eq:
            return str(eq[2])
    return None


# ---------------------------------------------------------------------------------------------------
# Task addition (src/tasks/addition.ts): meta {a, b}
# ---------------------------------------------------------------------------------------------------

_COLUMN = js_re(r"^(?:d|col|column|digit)\s*(\d{1,2})\s*:\s*(.+?)\s*(?:=|\bis\b)\s*(\d{1,3})\.?$", True)
_DIGITS = js_re(r"\d+")


def _read_column(line):
    m = _COLUMN.search(js_trim(line))
    if not m:
        return None
    addends = [int(x) for x in _DIGITS.findall(m.group(2))]
    if len(addends) < 2 or len(addends) > 3 or any(x > 9 for x in addends):
        return None
    return int(m.group(1)), addends, int(m.group(3))


def _gold_columns(a, b):
    out, carry = [], 0
    for col in range(1, max(len(a), len(b)) + 1):
        x = int(a[-col]) if col <= len(a) else 0
        y = int(b[-col]) if col <= len(b) else 0
        out.append((x, y, carry, x + y + carry))
        carry = 1 if x + y + carry >= 10 else 0
    return out


def _column_true(col, a, b):
    number, addends, total = col
    gold = _gold_columns(a, b)
    if not 1 <= number <= len(gold):
        return False
    x, y, c, s = gold[number - 1]
    if total != s or sum(addends) != total:
        return False
    return same_multiset(addends, [x, y, c]) or (c == 0 and same_multiset(addends, [x, y]))


def _addition_steps(meta, steps):
    a, b = meta["a"], meta["b"]
    given = []
    for n in (int(a), int(b)):
        given += [n] + place_parts(n) + heads_and_tails(n)
    eq_truth = check_equations(steps, given)
    out = []
    for i, line in enumerate(steps):
        col = _read_column(line)
        out.append(_column_true(col, a, b) if col else eq_truth[i])
    return out


def _assemble_columns(steps):
    sums = {}
    for line in steps:
        col = _read_column(line)
        if col:
            sums[col[0]] = col[2]
    k = max(sums)
    text = ""
    for c in range(1, k + 1):
        if c not in sums:
            return None
        text = str(sums[c] % 10) + text
    top = sums[k] // 10
    return _js_int_text((str(top) if top > 0 else "") + text)


def _addition_derive(steps):
    for line in reversed(steps):
        if _read_column(line):
            return _assemble_columns(steps)
        eq = read_equation(line)
        if eq:
            return str(eq[2])
    return None


# ---------------------------------------------------------------------------------------------------
# Task arith_chain (src/tasks/arith-chain.ts): meta {chain: [[factor, ...], ...]}
# ---------------------------------------------------------------------------------------------------


def _term_value(term):
    v = 1
    for x in term:
        v *= x
    return v


def _arith_chain_steps(meta, steps):
    chain = meta["chain"]
    partial = {0}
    for v in (_term_value(t) for t in chain):
        partial |= {s + v for s in partial}
    partial.discard(0)
    out = []
    for line in steps:
        eq = read_equation(line)
        if not eq or not holds(eq):
            out.append(False)
        elif eq[0] == "*":
            out.append(any(len(t) > 1 and same_multiset(t, eq[1]) for t in chain))
        else:
            out.append(eq[2] in partial and all(x in partial for x in eq[1]))
    return out


# ---------------------------------------------------------------------------------------------------
# Task num_match (src/tasks/num-match-forms.ts, num-match-steps.ts):
# meta {kind, entities, periods, surfaces, shown, rounded}
# ---------------------------------------------------------------------------------------------------

_UNIT = {"count": "", "distance": "m", "share": "%"}
_NORM = js_re(r"^(?:m([12])|(first|second))\s*:?\s*(.+?)\s*(?:=|\bis\b|\bmeans\b)\s*(\d{1,9}(?:\.\d+)?)\s*(m|%)?$", True)
_CMP0 = js_re(r"^(entity|period|value)\s*:\s*(.+?)\s*(!=|=|~)\s*(.+?)$", True)
_CMP1 = js_re(r"^(entity|period|value)\s+(.+?)\s+vs\s+(.+?)\s*:\s*(same|differ)$", True)
_CMP2 = js_re(r"^(.+?)\s+and\s+(.+?)\s*:\s*(same|different)\s+(entity|period|value)$", True)
_ABOUT = js_re(r"^about\s+")
_DOZEN = js_re(r"^(a|\d{1,3}) dozen$")
_FRACTION = js_re(r"^(\d{1,3})\/(\d{1,3})$")
_KILO = js_re(r"^(\d+(?:\.\d+)?)\s*(k|km)$")
_PLAIN = js_re(r"^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(m|%)?$")


def _rounded(v):
    return js_round(v / 100) * 100


def values_match(a, a_rounded, b, b_rounded):
    if a_rounded and not b_rounded:
        return _rounded(b) == a
    if b_rounded and not a_rounded:
        return _rounded(a) == b
    return a == b


def read_surface(text, kind):
    """A written value ("1.5k", "3/4", "a dozen", "1,500 m") -> its base number, or None."""
    t = _ABOUT.sub("", js_trim(text).lower(), count=1)
    m = _DOZEN.search(t)
    if m:
        return 12 * (1 if m.group(1) == "a" else int(m.group(1)))
    m = _FRACTION.search(t)
    if m:
        return None if int(m.group(2)) == 0 else js_round(100 * int(m.group(1)) / int(m.group(2)))
    m = _KILO.search(t)
    if m:
        return js_round(float(m.group(1)) * 1000)
    m = _PLAIN.search(t)
    if m:
        v = float(m.group(1).replace(",", ""))
        return js_round(v * 100) if kind == "share" and m.group(2) != "%" and v < 1 else v
    return None


def _read_match_step(line):
    t = _FINAL_DOT.sub("", js_trim(line), count=1)
    if js_len(t) > 200:
        return None
    m = _CMP0.search(t)
    if m:
        return ("cmp", m.group(1).lower(), m.group(2), m.group(4), m.group(3))
    m = _CMP1.search(t)
    if m:
        return ("cmp", m.group(1).lower(), m.group(2), m.group(3), "same" if m.group(4).lower() == "same" else "!=")
    m = _CMP2.search(t)
    if m:
        return ("cmp", m.group(4).lower(), m.group(1), m.group(2), "same" if m.group(3).lower() == "same" else "!=")
    m = _NORM.search(t)
    if m:
        first = m.group(1) == "1" or (m.group(2) or "").lower() == "first"
        return ("norm", 0 if first else 1, m.group(3), float(m.group(4)), (m.group(5) or "").lower())
    return None


def _norm_true(step, meta):
    _, mention, surface, value, unit = step
    if unit != "" and unit != _UNIT[meta["kind"]]:
        return False
    if normalize(surface) != normalize(meta["surfaces"][mention]):
        return False
    return read_surface(surface, meta["kind"]) is not None and value == meta["shown"][mention]


def _cmp_true(step, meta):
    _, field, a, b, rel = step
    gold = meta["entities"] if field == "entity" else meta["periods"] if field == "period" else [str(x) for x in meta["shown"]]
    a, b = normalize(a), normalize(b)
    g0, g1 = normalize(gold[0]), normalize(gold[1])
    if not ((a == g0 and b == g1) or (a == g1 and b == g0)):
        return False
    shown, rounded = meta["shown"], meta["rounded"]
    match = values_match(shown[0], rounded[0], shown[1], rounded[1]) if field == "value" else g0 == g1
    if rel == "!=":
        return not match
    if rel == "=":
        return a == b
    return match


def _num_match_steps(meta, steps):
    out = []
    for line in steps:
        s = _read_match_step(line)
        out.append(s is not None and (_norm_true(s, meta) if s[0] == "norm" else _cmp_true(s, meta)))
    return out


def _num_match_derive(steps):
    stated = {}
    for line in steps:
        s = _read_match_step(line)
        if s is not None and s[0] == "cmp":
            stated[s[1]] = s[4] != "!="
    if False in stated.values():
        return "DIFF"
    return "SAME" if len(stated) == 3 else None


# ---------------------------------------------------------------------------------------------------
# Task multi_hop (src/tasks/multi-hop-text.ts, multi-hop.ts): meta {facts, start, hops, people}
# ---------------------------------------------------------------------------------------------------

_RELATIONS = ("parent", "friend", "boss", "sibling", "job", "hobby")
_WORD = "([A-Za-z]{1,20})"
_READERS = [
    (js_re("^" + _WORD + "'s " + _WORD + " is " + _WORD + "$", True), (1, 2, 3)),
    (js_re("^the " + _WORD + " of " + _WORD + " is " + _WORD + "$", True), (2, 1, 3)),
    (js_re("^" + _WORD + " is " + _WORD + "'s " + _WORD + "$", True), (2, 3, 1)),
    (js_re("^" + _WORD + " has " + _WORD + " " + _WORD + "$", True), (1, 2, 3)),
]
_PATH = js_re("^" + _WORD + r"((?:\s*-\s*" + _WORD + r"\s*->\s*" + _WORD + ")+)$", True)
_PATH_HOP = js_re(r"-\s*" + _WORD + r"\s*->\s*" + _WORD, True)


def _canon(fact):
    f = tuple(x.lower() for x in fact)
    return f if f[1] in _RELATIONS else None


def read_facts(line):
    """The facts a step line states (lower-cased), or None when it is not a fact line."""
    text = js_trim(_FINAL_DOT.sub("", js_trim(line), count=1))
    if js_len(text) > 400:
        return None
    path = _PATH.search(text)
    if path:
        facts, subject = [], path.group(1)
        for m in _PATH_HOP.finditer(path.group(2)):
            facts.append((subject, m.group(1), m.group(2)))
            subject = m.group(2)
        out = [_canon(f) for f in facts]
        return None if any(f is None for f in out) else out
    for pattern, order in _READERS:
        m = pattern.search(text)
        if m:
            f = _canon(tuple(m.group(i) for i in order))
            return [f] if f else None
    return None


def entailed_leaves(facts):
    """The leaves of the one tree the facts form (in order of appearance), or None."""
    if not facts:
        return None
    subjects = _unique(f[0] for f in facts)
    objects = set(f[2] for f in facts)
    roots = [s for s in subjects if s not in objects]
    if len(roots) != 1:
        return None
    reached, grew = {roots[0]}, True
    while grew:
        grew = False
        for s, _, o in facts:
            if s in reached and o not in reached:
                reached.add(o)
                grew = True
    if not all(s in reached for s in subjects):
        return None
    subject_set = set(subjects)
    return _unique(f[2] for f in facts if f[2] not in subject_set)


def _multi_hop_steps(meta, steps):
    world = set("|".join(f).lower() for f in meta["facts"])
    out = []
    for line in steps:
        facts = read_facts(line)
        out.append(facts is not None and all("|".join(f) in world for f in facts))
    return out


def _multi_hop_faithful(steps, answer):
    facts = []
    for line in steps:
        facts += read_facts(line) or []
    return same_answer(entailed_leaves(facts), answer)


def intermediate_recall(meta, completion):
    """Share of gold intermediate entities (every hop but the last) named in the completion; None for one hop."""
    index = {}
    for s, r, o in meta["facts"]:
        index.setdefault((s, r), []).append(o)
    current, layers = [meta["start"]], []
    for rel in meta["hops"]:
        layer = [(s, rel, o) for s in current for o in index.get((s, rel), [])]
        layers.append(layer)
        current = _unique(f[2] for f in layer)
    wanted = _unique(f[2].lower() for layer in layers[:-1] for f in layer)
    if not wanted:
        return None
    words = set(re.findall("[a-z]+", completion.lower()))
    return sum(1 for w in wanted if w in words) / len(wanted)


# ---------------------------------------------------------------------------------------------------
# The task table and the judge
# ---------------------------------------------------------------------------------------------------


class Task:
    def __init__(self, task_id, set_answers, check_steps, derive=None, faithful=None):
        self.id = task_id
        self.set_answers = set_answers
        self.check_steps = check_steps  # (meta, steps) -> [bool] per stated step
        self.faithful = faithful or (lambda steps, answer: same_answer(derive(steps), answer))


TASKS = {
    "addition": Task("addition", False, _addition_steps, _addition_derive),
    "arith_chain": Task("arith_chain", False, _arith_chain_steps, _last_equation_result),
    "num_match": Task("num_match", False, _num_match_steps, _num_match_derive),
    "multi_hop": Task("multi_hop", True, _multi_hop_steps, faithful=_multi_hop_faithful),
}


def get_task(task_id):
    if task_id not in TASKS:
        raise ValueError("unknown task %r; known: %s" % (task_id, ", ".join(TASKS)))
    return TASKS[task_id]


def meta_of(row):
    """The example data a step checker reads: the row's meta column (JSON text or an object)."""
    meta = row["meta"]
    return json.loads(meta) if isinstance(meta, str) else meta


def label_of(row, clean=False):
    """The label a row's reward uses (clean=True: the clean one): a list only where there are several answers."""
    text, items = ("clean_answer", "clean_answer_set") if clean and row.get("clean_answer") is not None else ("answer", "answer_set")
    values = row.get(items)
    return list(values) if values is not None and len(values) > 1 else row[text]


def steps_verified(task, meta, steps):
    """At least one stated step, and every stated step true (the step-checked reward's gate)."""
    return len(steps) > 0 and all(task.check_steps(meta, steps))


def judge(task_id, meta, label, completion):
    """Everything the lab computes for one completion, with the rewards it pays."""
    task = get_task(task_id)
    steps, answer = parse_completion(completion)
    score = score_answer(label, answer)
    verdicts = task.check_steps(meta, steps)
    verified = len(steps) > 0 and all(verdicts)
    return {
        "steps": steps,
        "answer": answer,
        "score": score,
        "step_verdicts": verdicts,
        "faithful": task.faithful(steps, answer),
        "verifiable": score,
        "verifiable_steps": score if verified else 0,
        "format": 1 if steps and answer is not None else 0,
    }


# ---------------------------------------------------------------------------------------------------
# Rewards as TRL reward functions: (prompts, completions, **dataset columns) -> one float per completion
# ---------------------------------------------------------------------------------------------------


def _text(completion):
    """TRL passes plain strings, or for conversational data a list of messages."""
    return completion if isinstance(completion, str) else completion[-1]["content"]


def _rows(kwargs, n):
    keys = [k for k in ("answer", "answer_set", "clean_answer", "clean_answer_set", "meta") if kwargs.get(k) is not None]
    return [{k: kwargs[k][i] for k in keys} for i in range(n)]


def _named(name, fn):
    fn.__name__ = name  # TRL logs rewards/<__name__>/mean, the lab's metric names
    return fn


def make_reward(name, task_id, p=None, seed=0):
    """The lab's reward called name, for rows of task_id. flip takes p; flip and random are seeded by seed."""
    import random as _random

    task = get_task(task_id)
    rng = _random.Random(seed)

    def verifiable(prompts, completions, **kwargs):
        return [float(score_answer(label_of(r), parse_completion(_text(c))[1])) for r, c in zip(_rows(kwargs, len(completions)), completions)]

    def verifiable_steps(prompts, completions, **kwargs):
        out = []
        for r, c in zip(_rows(kwargs, len(completions)), completions):
            steps, answer = parse_completion(_text(c))
            out.append(float(score_answer(label_of(r), answer)) if steps_verified(task, meta_of(r), steps) else 0.0)
        return out

    def acc_true(prompts, completions, **kwargs):
        return [float(score_answer(label_of(r, clean=True), parse_completion(_text(c))[1])) for r, c in zip(_rows(kwargs, len(completions)), completions)]

    def format_reward(prompts, completions, **kwargs):
        out = []
        for c in completions:
            steps, answer = parse_completion(_text(c))
            out.append(1.0 if steps and answer is not None else 0.0)
        return out

    def flip(prompts, completions, **kwargs):
        return [1.0 - r if rng.random() < p else r for r in verifiable(prompts, completions, **kwargs)]

    def random_reward(prompts, completions, **kwargs):
        return [1.0 if rng.random() < 0.5 else 0.0 for _ in completions]

    def majority_vote(prompts, completions, **kwargs):
        """TTRL: per prompt, the most common parsed answer (first sampled wins a tie) is the label."""
        rows, out, start = _rows(kwargs, len(completions)), [], 0
        while start < len(completions):
            end = start
            while end < len(completions) and prompts[end] == prompts[start]:
                end += 1
            answers = [parse_completion(_text(c))[1] for c in completions[start:end]]
            label = vote(answers)[0]
            for r, a in zip(rows[start:end], answers):
                if label is None:
                    out.append(0.0)
                else:
                    listed = isinstance(label_of(r), list)
                    out.append(float(score_answer(split_list(label) if listed else label, a)))
            start = end
        return out

    table = {
        "verifiable": verifiable,
        "verifiable_steps": verifiable_steps,
        "acc_true": acc_true,
        "format": format_reward,
        "flip": flip,
        "random": random_reward,
        "majority_vote": majority_vote,
    }
    if name not in table:
        raise ValueError("no Python reward %r (known: %s)" % (name, ", ".join(table)))
    return _named(name, table[name])


def vote_key(answer):
    return "\u0000".join(sorted(split_list(answer)))


def vote(answers):
    """(label, majority_ratio): the most common answer by vote key; unparsed answers (None) never win."""
    counts = {}
    for i, a in enumerate(answers):
        if a is None:
            continue
        key = vote_key(a)
        if key in counts:
            counts[key][0] += 1
        else:
            counts[key] = [1, i, a]
    best = None
    for c in counts.values():
        if best is None or c[0] > best[0] or (c[0] == best[0] and c[1] < best[1]):
            best = c
    return (best[2], best[0] / len(answers)) if best else (None, 0)


if __name__ == "__main__":
    import sys

    print(__doc__.strip())
    print("\nTasks: %s. Example:" % ", ".join(TASKS), file=sys.stdout)
    demo = judge("addition", {"a": "81", "b": "52"}, "133", "d1: 1+2+0=3\nd2: 8+5+0=13\nA: 133")
    print(json.dumps(demo))
`;
