#!/usr/bin/env python3
"""Side-by-side de-identification benchmark: Peil vs deduce vs Presidio.

Run through ``bench/compare-deid.sh`` (which builds Peil and prepares a throwaway virtualenv with
deduce and presidio-analyzer); this file is the helper it calls. Subcommands:

* ``run``      orchestrates everything, sequentially, and prints one Markdown table;
* ``measure``  scores one Python tool (gold set, CoNLL-2002, speed) and writes JSON;
* ``startup``  loads one Python tool and de-identifies one post (timed from outside).

The scoring mirrors ``crates/cli/src/commands/eval.rs`` (``peil eval deid``) exactly:

* gold: a non-``org`` gold span is found when every non-whitespace character of it is redacted
  (whatever type the tool gave it); precision is the share of redacted non-whitespace characters
  that lie inside a non-``org`` gold span; ``org_kept`` is the share of ``org`` spans of which no
  non-whitespace character is redacted; offsets are Python code points; ``recall_structured``
  pools every type but PERSON; a ratio with a zero denominator is 1.0;
* CoNLL: each sentence is its tokens joined by single spaces; a token is predicted PER when it lies
  entirely inside one span the tool labels as a person;
* speed: the CONTENT column of a tab-separated file, 200 posts of warm-up, then whole rounds over
  all posts until at least one second and three rounds have passed.

"Whitespace" and "lines" follow Rust's definitions (``char::is_whitespace``, ``str::lines``,
``str::trim``, ``split_whitespace``) so that both sides see the same characters.

Nothing from deduce (GPL-3.0 lookup lists) is copied here: deduce is only imported and run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

# --------------------------------------------------------------------------------------------
# Rust-compatible text helpers
# --------------------------------------------------------------------------------------------

# Unicode White_Space, which is what Rust's `char::is_whitespace` tests (Python's `str.isspace`
# also accepts U+001C..U+001F).
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
RUST_WHITESPACE_SET = frozenset(RUST_WHITESPACE)
RUST_WHITESPACE_RUN = re.compile("[" + re.escape(RUST_WHITESPACE) + "]+")


def rust_lines(content: str) -> List[str]:
    """`str::lines`: split on '\\n', drop one trailing '\\r', no empty last line."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def rust_trim(text: str) -> str:
    return text.strip(RUST_WHITESPACE)


def rust_split_whitespace(text: str) -> List[str]:
    return [field for field in RUST_WHITESPACE_RUN.split(text) if field]


def ratio(numerator: int, denominator: int) -> float:
    return 1.0 if denominator == 0 else numerator / denominator


# --------------------------------------------------------------------------------------------
# Tools: each returns spans (start, end, peil_type or None, native label) in code points
# --------------------------------------------------------------------------------------------

Span = Tuple[int, int, Optional[str], str]

# deduce 3 tags -> Peil gold types. Recall is type-agnostic; the mapping only labels misses and
# decides which spans count as persons on CoNLL.
DEDUCE_TYPES = {
    "persoon": "PERSON",
    "patient": "PERSON",
    "locatie": "ADDRESS",
    "telefoonnummer": "PHONE",
    "emailadres": "EMAIL",
    "url": "URL",
    "bsn": "BSN",
    "datum": "DATE_OF_BIRTH",
    # leeftijd, id, ziekenhuis, zorginstelling: no Peil type (still redactions).
}

PRESIDIO_TYPES = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "ADDRESS",
    # CREDIT_CARD, CRYPTO, MAC_ADDRESS, UUID: no Peil type (still redactions).
}

PRESIDIO_PHONE_REGIONS = ("NL", "BE", "US", "UK", "DE", "FE", "IL", "IN", "CA", "BR")
PRESIDIO_RECOGNIZERS = (
    "CreditCardRecognizer",
    "CryptoRecognizer",
    "DateRecognizer",
    "EmailRecognizer",
    "IbanRecognizer",
    "IpRecognizer",
    "MacAddressRecognizer",
    "UrlRecognizer",
    "UuidRecognizer",
    "PhoneRecognizer",
)


class Tool:
    name = "?"
    notes: Dict[str, object] = {}

    def spans(self, text: str) -> List[Span]:
        raise NotImplementedError

    def process(self, text: str) -> object:
        """What the speed test times: the tool's normal de-identification call."""
        return self.spans(text)


class DeduceTool(Tool):
    name = "deduce"

    def __init__(self) -> None:
        import deduce  # noqa: PLC0415 (lazy: only in the child that needs it)

        self._deduce = deduce.Deduce()
        self.notes = {
            "call": "deduce.Deduce().deidentify(text): its annotations are the redactions",
            "type_map": DEDUCE_TYPES,
            "person_tags": ["persoon", "patient"],
        }

    def spans(self, text: str) -> List[Span]:
        document = self._deduce.deidentify(text)
        return [
            (a.start_char, a.end_char, DEDUCE_TYPES.get(a.tag), a.tag)
            for a in document.annotations
        ]

    def process(self, text: str) -> object:
        return self._deduce.deidentify(text).deidentified_text


def _presidio_offline_tldextract() -> None:
    """Presidio's e-mail recognizer calls `tldextract.extract`, which fetches the public suffix
    list from the internet on first use. Only PyPI is reachable here: use the snapshot that ships
    inside the tldextract package instead."""
    import types  # noqa: PLC0415

    import tldextract  # noqa: PLC0415

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    try:
        from presidio_analyzer.predefined_recognizers.generic import (  # noqa: PLC0415
            email_recognizer,
        )
    except ImportError:  # older layout
        from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
            email_recognizer,
        )
    email_recognizer.tldextract = types.SimpleNamespace(extract=extractor)


class PresidioTool(Tool):
    """presidio-analyzer with its pattern recognizers only.

    Presidio's default NLP engine needs a spaCy model that is downloaded from GitHub, which cannot
    be reached here, and Presidio has no Dutch model or Dutch recognizers anyway: it runs with the
    built-in NoOpNlpEngine (empty NLP artifacts), so it finds no person names. Its generic,
    language-independent recognizers are registered for Dutch; the phone recognizer also gets the
    NL and BE regions. Analyzer only (the anonymizer is a separate package): the spans it returns
    are what would be redacted, at Presidio's default score threshold (0).
    """

    name = "presidio"

    def __init__(self) -> None:
        import logging  # noqa: PLC0415

        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        _presidio_offline_tldextract()
        import presidio_analyzer.predefined_recognizers as predefined  # noqa: PLC0415
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: PLC0415
        from presidio_analyzer.nlp_engine import NoOpNlpEngine  # noqa: PLC0415

        engine = NoOpNlpEngine(models=[{"lang_code": "nl", "model_name": "no_op"}])
        engine.load()
        registry = RecognizerRegistry(supported_languages=["nl"])
        used = []
        for class_name in PRESIDIO_RECOGNIZERS:
            recognizer_class = getattr(predefined, class_name, None)
            if recognizer_class is None:
                continue
            if class_name == "PhoneRecognizer":
                recognizer = recognizer_class(
                    supported_language="nl", supported_regions=PRESIDIO_PHONE_REGIONS
                )
            else:
                recognizer = recognizer_class(supported_language="nl")
            registry.add_recognizer(recognizer)
            used.append(class_name)
        self._analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=engine, supported_languages=["nl"]
        )
        self.notes = {
            "nlp_engine": "NoOpNlpEngine (no model: Presidio has no Dutch NER model here, "
            "hence no Dutch names)",
            "recognizers": used,
            "phone_regions": list(PRESIDIO_PHONE_REGIONS),
            "score_threshold": "Presidio default (0): every result counts as a redaction",
            "anonymizer": "not run (analyzer spans are what would be redacted)",
            "type_map": PRESIDIO_TYPES,
        }

    def spans(self, text: str) -> List[Span]:
        return [
            (r.start, r.end, PRESIDIO_TYPES.get(r.entity_type), r.entity_type)
            for r in self._analyzer.analyze(text=text, language="nl")
        ]


class ReplayTool(Tool):
    """Spans read from a JSON file `{text: [[start, end, type], ...]}` (code points): lets the
    scorer be checked against `peil eval deid` on Peil's own spans."""

    name = "replay"

    def __init__(self, path: str) -> None:
        self._spans = json.loads(Path(path).read_text(encoding="utf-8"))

    def spans(self, text: str) -> List[Span]:
        return [(s, e, t, t or "?") for s, e, t in self._spans.get(text, [])]


def make_tool(spec: str) -> Tool:
    if spec == "deduce":
        return DeduceTool()
    if spec == "presidio":
        return PresidioTool()
    if spec.startswith("replay:"):
        return ReplayTool(spec[len("replay:"):])
    raise SystemExit(f"unknown tool {spec!r}")


# --------------------------------------------------------------------------------------------
# Scoring, mirroring eval.rs
# --------------------------------------------------------------------------------------------


def evaluate_gold(tool: Tool, path: Path) -> dict:
    content = path.read_text(encoding="utf-8")
    per_type: Dict[str, dict] = {}
    misses: List[dict] = []
    over_redactions: List[dict] = []
    redacted_chars = redacted_chars_in_gold = 0
    org_spans = org_kept = 0
    posts = 0
    for line_index, line in enumerate(rust_lines(content)):
        if not rust_trim(line):
            continue
        try:
            post = json.loads(line)
            text, spans, post_id = post["text"], post["spans"], post["id"]
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path} line {line_index + 1}: not a gold record ({error})")
        posts += 1
        mask: List[Optional[Tuple[Optional[str], str]]] = [None] * len(text)
        for start, end, kind, label in tool.spans(text):
            for index in range(max(start, 0), min(end, len(text))):
                mask[index] = (kind, label)

        def shown(entry: Optional[Tuple[Optional[str], str]]) -> str:
            return "" if entry is None else (entry[0] or entry[1])

        in_personal_gold = [False] * len(text)
        for span in spans:
            start, end, org = span["start"], span["end"], bool(span.get("org", False))
            if not (0 <= start <= len(text) and 0 <= end <= len(text)):
                raise SystemExit(f"{path} line {line_index + 1}: span out of range")
            piece = text[start:end]
            characters = [
                start + offset
                for offset, character in enumerate(piece)
                if character not in RUST_WHITESPACE_SET
            ]
            fully_redacted = all(mask[i] is not None for i in characters)
            untouched = all(mask[i] is None for i in characters)
            if org:
                org_spans += 1
                if untouched:
                    org_kept += 1
                else:
                    over_redactions.append(
                        {"id": post_id, "kind": span["type"], "org": True, "span": piece,
                         "redacted_as": "(org span redacted)"}
                    )
                continue
            for index in range(start, end):
                in_personal_gold[index] = True
            score = per_type.setdefault(span["type"], {"recall": 0.0, "support": 0, "found": 0})
            score["support"] += 1
            if fully_redacted:
                score["found"] += 1
            else:
                kinds = [shown(mask[i]) for i in characters if mask[i] is not None]
                misses.append(
                    {"id": post_id, "kind": span["type"], "org": False, "span": piece,
                     "redacted_as": f"partly ({kinds[0]})" if kinds else "nothing"}
                )
        over_start: Optional[int] = None
        for index, character in enumerate(text):
            redacted = mask[index] is not None and character not in RUST_WHITESPACE_SET
            if redacted:
                redacted_chars += 1
                if in_personal_gold[index]:
                    redacted_chars_in_gold += 1
            stray = redacted and not in_personal_gold[index]
            if stray and over_start is None:
                over_start = index
            elif (
                not stray
                and over_start is not None
                and (mask[index] is None or in_personal_gold[index])
            ):
                over_redactions.append(
                    {"id": post_id, "kind": shown(mask[over_start]), "org": False,
                     "span": text[over_start:index], "redacted_as": "(not personal data in gold)"}
                )
                over_start = None
        if over_start is not None:
            over_redactions.append(
                {"id": post_id, "kind": shown(mask[over_start]), "org": False,
                 "span": text[over_start:], "redacted_as": "(not personal data in gold)"}
            )
    structured_support = structured_found = 0
    for kind, score in per_type.items():
        score["recall"] = ratio(score["found"], score["support"])
        if kind != "PERSON":
            structured_support += score["support"]
            structured_found += score["found"]
    return {
        "per_type": dict(sorted(per_type.items())),
        "recall_structured": ratio(structured_found, structured_support),
        "recall_person": per_type["PERSON"]["recall"] if "PERSON" in per_type else 1.0,
        "precision": ratio(redacted_chars_in_gold, redacted_chars),
        "org_kept": ratio(org_kept, org_spans),
        "posts": posts,
        "misses": misses,
        "over_redactions": over_redactions,
    }


def evaluate_conll(tool: Tool, path: Path) -> dict:
    content = path.read_text(encoding="utf-8")
    counts = {"tp": 0, "fp": 0, "fn": 0, "sentences": 0, "tokens": 0}
    sentence: List[Tuple[str, bool]] = []

    def score_sentence() -> None:
        if not sentence:
            return
        text = ""
        ranges = []
        for token, _ in sentence:
            if text:
                text += " "
            start = len(text)
            text += token
            ranges.append((start, len(text)))
        person_spans = [(s, e) for s, e, kind, _ in tool.spans(text) if kind == "PERSON"]
        for (start, end), (_, is_person) in zip(ranges, sentence):
            predicted = any(s <= start and end <= e for s, e in person_spans)
            if predicted and is_person:
                counts["tp"] += 1
            elif predicted:
                counts["fp"] += 1
            elif is_person:
                counts["fn"] += 1
        counts["sentences"] += 1
        counts["tokens"] += len(sentence)
        sentence.clear()

    for line in rust_lines(content):
        fields = rust_split_whitespace(line)
        if not fields:
            score_sentence()
            continue
        if fields[0] == "-DOCSTART-":
            continue
        sentence.append((fields[0], fields[-1].endswith("-PER")))
    score_sentence()
    precision = ratio(counts["tp"], counts["tp"] + counts["fp"])
    recall = ratio(counts["tp"], counts["tp"] + counts["fn"])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {
        "per_precision": precision,
        "per_recall": recall,
        "per_f1": f1,
        "per_predicted_tokens": counts["tp"] + counts["fp"],
        "per_true_positive": counts["tp"],
        "per_false_positive": counts["fp"],
        "per_false_negative": counts["fn"],
        "sentences": counts["sentences"],
        "tokens": counts["tokens"],
    }


def read_tweets(path: Path) -> List[str]:
    content = path.read_bytes().decode("utf-8", errors="replace")
    lines = rust_lines(content)
    header = lines[0] if lines else ""
    names = [rust_trim(name) for name in header.split("\t")]
    if "CONTENT" not in names:
        raise SystemExit(f"{path}: no CONTENT column in the header")
    column = names.index("CONTENT")
    posts = []
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) > column and rust_trim(fields[column]):
            posts.append(fields[column])
    return posts


def measure_speed(tool: Tool, path: Path) -> dict:
    posts = read_tweets(path)
    if not posts:
        raise SystemExit(f"{path}: no posts")
    for post in posts[:200]:
        tool.process(post)
    # Per core: posts per second of this thread's CPU time, as `peil eval deid --speed` counts
    # (time in which other processes had the core does not count); wall-clock beside it.
    cpu_started = time.thread_time()
    wall_started = time.perf_counter()
    rounds = 0
    while time.thread_time() - cpu_started < 1.0 or rounds < 3:
        for post in posts:
            tool.process(post)
        rounds += 1
    cpu_seconds = time.thread_time() - cpu_started
    wall_seconds = time.perf_counter() - wall_started
    return {
        "posts_per_sec": rounds * len(posts) / cpu_seconds,
        "wall_posts_per_sec": rounds * len(posts) / wall_seconds,
        "clock": "thread_cpu",
        "posts": len(posts),
        "rounds": rounds,
        "seconds": cpu_seconds,
    }


# --------------------------------------------------------------------------------------------
# Child commands
# --------------------------------------------------------------------------------------------


def command_startup(arguments: argparse.Namespace) -> None:
    tool = make_tool(arguments.tool)
    tool.process("Bel Jan de Vries op 06-12345678 of mail jan@example.nl")


def command_measure(arguments: argparse.Namespace) -> None:
    started = time.perf_counter()
    tool = make_tool(arguments.tool)
    init_seconds = time.perf_counter() - started
    result: Dict[str, object] = {"tool": tool.name, "init_seconds_in_process": init_seconds}
    if arguments.gold:
        print(f"  {tool.name}: gold set …", file=sys.stderr, flush=True)
        result["gold"] = evaluate_gold(tool, Path(arguments.gold))
    if arguments.conll:
        print(f"  {tool.name}: CoNLL-2002 …", file=sys.stderr, flush=True)
        result["conll"] = evaluate_conll(tool, Path(arguments.conll))
    if arguments.speed:
        print(f"  {tool.name}: speed …", file=sys.stderr, flush=True)
        result["speed"] = measure_speed(tool, Path(arguments.speed))
    result["notes"] = tool.notes
    Path(arguments.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


class Runner:
    def __init__(self, arguments: argparse.Namespace, scratch: Path) -> None:
        self.arguments = arguments
        self.scratch = scratch
        self.pin: List[str] = []
        self.pinned = False
        if not arguments.no_pin and shutil.which("taskset"):
            probe = subprocess.run(
                ["taskset", "-c", str(arguments.core), "true"], capture_output=True, check=False
            )
            if probe.returncode == 0:
                self.pin = ["taskset", "-c", str(arguments.core)]
                self.pinned = True
        self.environment = dict(os.environ)
        for variable in (
            "RAYON_NUM_THREADS", "TOKIO_WORKER_THREADS", "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
        ):
            self.environment[variable] = "1"
        self.environment["PEIL_DATA_DIR"] = str(scratch / "peil-data")
        self.environment["PYTHONHASHSEED"] = "0"
        self.load_averages: List[float] = []

    def note_load(self) -> None:
        """The machine may be shared: keep the 1-minute load average seen before each step."""
        try:
            self.load_averages.append(round(os.getloadavg()[0], 2))
        except OSError:
            pass

    def timed(self, command: Sequence[str]) -> Tuple[float, subprocess.CompletedProcess]:
        self.note_load()
        started = time.perf_counter()
        completed = subprocess.run(
            [*self.pin, *command], capture_output=True, text=True,
            env=self.environment, check=False,
        )
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(
                f"command failed ({completed.returncode}): {' '.join(command)}\n"
                f"{completed.stderr[-4000:]}"
            )
        return elapsed, completed

    def helper(self, *extra: str) -> List[str]:
        return [sys.executable, str(Path(__file__).resolve()), *extra]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def package_version(name: str) -> Optional[str]:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def command_run(arguments: argparse.Namespace) -> None:
    gold, conll, speed = Path(arguments.gold), Path(arguments.conll), Path(arguments.speed)
    results_dir = Path(arguments.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peil-compare-deid-") as scratch_name:
        scratch = Path(scratch_name)
        runner = Runner(arguments, scratch)
        tools: Dict[str, dict] = {}

        peil = arguments.peil
        python_tools = ("deduce", "presidio")
        version = subprocess.run([peil, "--version"], capture_output=True, text=True, check=False)
        peil_version = version.stdout.strip()
        tools["peil"] = {
            "version": peil_version[5:] if peil_version.startswith("peil ") else peil_version,
        }

        # deduce: first use builds its lookup structures (cached inside the virtualenv).
        marker = Path(sys.prefix) / ".peil-deduce-first-use.json"
        if marker.exists():
            first_use = json.loads(marker.read_text())
            first_use["measured_now"] = False
        else:
            log("deduce: first use (builds its lookup structures, 1-2 minutes) …")
            seconds, _ = runner.timed(runner.helper("startup", "--tool", "deduce"))
            first_use = {"seconds": seconds,
                         "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            marker.write_text(json.dumps(first_use))
            first_use["measured_now"] = True

        # 1. Accuracy. Peil by its own evaluator; the others by this file, same definitions.
        log("accuracy: Peil (peil eval deid --gold --conll --json) …")
        _, completed = runner.timed(
            [peil, "eval", "deid", "--gold", str(gold), "--conll", str(conll), "--json"])
        peil_json = json.loads(completed.stdout)
        tools["peil"]["gold"] = {key: peil_json[key] for key in (
            "per_type", "recall_structured", "recall_person", "precision", "org_kept")
            if key in peil_json}
        tools["peil"]["gold"]["posts"] = peil_json.get("gold_posts")
        tools["peil"]["conll"] = {key: peil_json[key] for key in (
            "per_precision", "per_recall", "per_f1", "sentences", "tokens") if key in peil_json}
        tools["peil"]["raw_accuracy"] = peil_json
        for name in python_tools:
            log(f"accuracy: {name} …")
            out = scratch / f"{name}-accuracy.json"
            runner.timed(runner.helper("measure", "--tool", name, "--gold", str(gold),
                                       "--conll", str(conll), "--out", str(out)))
            tools[name] = json.loads(out.read_text("utf-8"))

        # 2. Speed, one core, the tools in turn so that they see the same load; median of runs.
        speed_runs: Dict[str, List[dict]] = {name: [] for name in ("peil", *python_tools)}
        for run_index in range(arguments.speed_runs):
            log(f"speed {run_index + 1}/{arguments.speed_runs}: Peil …")
            _, completed = runner.timed(
                [peil, "eval", "deid", "--speed", str(speed), "--json"])
            speed_runs["peil"].append(json.loads(completed.stdout))
            for name in python_tools:
                log(f"speed {run_index + 1}/{arguments.speed_runs}: {name} …")
                out = scratch / f"{name}-speed.json"
                runner.timed(runner.helper("measure", "--tool", name, "--speed", str(speed),
                                           "--out", str(out)))
                speed_runs[name].append(json.loads(out.read_text("utf-8"))["speed"])
        for name, runs in speed_runs.items():
            rates = [run["posts_per_sec"] for run in runs]
            wall_rates = [run.get("wall_posts_per_sec", run["posts_per_sec"]) for run in runs]
            tools[name]["speed"] = {
                "posts_per_sec": statistics.median(rates),
                "wall_posts_per_sec": statistics.median(wall_rates),
                "clock": runs[0].get("clock", "wall"),
                "posts": runs[0].get("posts", runs[0].get("speed_posts")),
                "runs_posts_per_sec": rates,
            }

        # 3. Start-up: fresh processes, the tools in turn; median of runs.
        one_post = scratch / "one-post.jsonl"
        one_post.write_text(
            json.dumps({"id": "x", "text": "Bel Jan de Vries op 06-12345678 of mail "
                        "jan@example.nl", "spans": []}) + "\n", "utf-8",
        )
        commands = {"peil": [peil, "eval", "deid", "--gold", str(one_post), "--json"]}
        for name in python_tools:
            commands[name] = runner.helper("startup", "--tool", name)
        startup_runs: Dict[str, List[float]] = {name: [] for name in commands}
        for run_index in range(arguments.startup_runs):
            log(f"start-up {run_index + 1}/{arguments.startup_runs} …")
            for name, command in commands.items():
                startup_runs[name].append(runner.timed(command)[0])
        for name, runs in startup_runs.items():
            tools[name]["startup"] = {"seconds": statistics.median(runs), "runs": runs}
        tools["deduce"]["first_use"] = first_use
        tools["deduce"]["version"] = package_version("deduce")
        tools["presidio"]["version"] = package_version("presidio-analyzer")

    git_environment = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    commit = subprocess.run(
        ["git", "-C", arguments.repo_root, "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False, env=git_environment,
    ).stdout.strip()
    if commit and subprocess.run(
        ["git", "-C", arguments.repo_root, "diff-index", "--quiet", "HEAD", "--"],
        capture_output=True, check=False, env=git_environment,
    ).returncode == 1:
        commit += " + uncommitted changes"
    environment = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit or None,
        "cpu": cpu_model(),
        "cores_online": os.cpu_count(),
        "pinned": f"taskset -c {arguments.core}" if runner.pinned else "not pinned",
        "load_average_1min_before_each_step": runner.load_averages,
        "python": platform.python_version(),
        "packages": {name: package_version(name) for name in (
            "deduce", "docdeid", "presidio-analyzer", "spacy", "phonenumbers", "tldextract")},
        "inputs": {"gold": str(gold), "conll": str(conll), "speed": str(speed)},
    }
    report = {"environment": environment, "tools": tools}
    table = render_table(report)
    report["table_markdown"] = table
    (results_dir / "compare-deid.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    (results_dir / "compare-deid.md").write_text(table + "\n", "utf-8")
    print(table)
    log(f"\nwritten: {results_dir / 'compare-deid.json'} and {results_dir / 'compare-deid.md'}")


# --------------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------------


def fmt_score(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"


def fmt_points(peil: Optional[float], other: Optional[float]) -> str:
    if peil is None or other is None:
        return "–"
    return f"{(peil - other) * 100:+.1f} pt"


def fmt_rate(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:,.0f}"


def fmt_seconds(value: Optional[float]) -> str:
    if value is None:
        return "–"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def fmt_times(value: Optional[float]) -> str:
    if value is None:
        return "–"
    return f"×{value:,.0f}" if value >= 10 else f"×{value:.1f}"


def render_table(report: dict) -> str:
    tools = report["tools"]
    environment = report["environment"]
    order = ("peil", "deduce", "presidio")

    def get(tool: str, *path: str) -> Optional[float]:
        node: object = tools.get(tool, {})
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node if isinstance(node, (int, float)) else None

    rows: List[List[str]] = []

    def score_row(label: str, path: Tuple[str, ...]) -> None:
        values = {tool: get(tool, *path) for tool in order}
        rows.append([label, *(fmt_score(values[t]) for t in order),
                     fmt_points(values["peil"], values["deduce"]),
                     fmt_points(values["peil"], values["presidio"])])

    support = {}
    for tool in order:
        for kind, score in (tools[tool].get("gold", {}).get("per_type", {}) or {}).items():
            support[kind] = score.get("support")
    for kind in sorted(support):
        score_row(f"recall {kind} (n={support[kind]})", ("gold", "per_type", kind, "recall"))
    score_row("**recall structured** (all but PERSON)", ("gold", "recall_structured"))
    score_row("**recall PERSON**", ("gold", "recall_person"))
    score_row("**redaction precision**", ("gold", "precision"))
    score_row("org identifiers kept readable", ("gold", "org_kept"))

    def no_predictions(tool: str) -> bool:
        # eval.rs reports precision 1.0 for 0/0: say "no names found" instead.
        predicted = get(tool, "conll", "per_predicted_tokens")
        if predicted is not None:
            return predicted == 0
        return get(tool, "conll", "per_precision") == 1.0 and get(tool, "conll", "per_recall") == 0.0

    for label, key in (("CoNLL-2002 testb PER precision", "per_precision"),
                       ("CoNLL-2002 testb PER recall", "per_recall"),
                       ("**CoNLL-2002 testb PER F1**", "per_f1")):
        values = {tool: get(tool, "conll", key) for tool in order}
        cells = []
        for tool in order:
            if key == "per_precision" and no_predictions(tool):
                cells.append("n/a (no names found)")
            else:
                cells.append(fmt_score(values[tool]))
        def versus(other: str) -> str:
            if key == "per_precision" and (no_predictions("peil") or no_predictions(other)):
                return "–"
            return fmt_points(values["peil"], values[other])

        rows.append([label, *cells, versus("deduce"), versus("presidio")])

    rates = {tool: get(tool, "speed", "posts_per_sec") for tool in order}

    def speed_ratio(other: str) -> str:
        if rates["peil"] and rates[other]:
            return fmt_times(rates["peil"] / rates[other]) + " faster"
        return "–"

    rows.append(["**posts/s, one core** (MP tweets)", *(fmt_rate(rates[t]) for t in order),
                 speed_ratio("deduce"), speed_ratio("presidio")])
    starts = {tool: get(tool, "startup", "seconds") for tool in order}

    def start_ratio(other: str) -> str:
        if starts["peil"] and starts[other]:
            return fmt_times(starts[other] / starts["peil"]) + " shorter"
        return "–"

    rows.append(["start-up (fresh process, warm caches)", *(fmt_seconds(starts[t]) for t in order),
                 start_ratio("deduce"), start_ratio("presidio")])
    first = tools.get("deduce", {}).get("first_use", {})
    rows.append(["first use ever (deduce builds its lookup structures)", "–",
                 fmt_seconds(first.get("seconds")), "–", "", ""])

    header = ["metric", "Peil", "deduce", "Presidio¹", "Peil vs deduce", "Peil vs Presidio"]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    packages = environment["packages"]
    gold_posts = tools.get("deduce", {}).get("gold", {}).get("posts")
    speed_posts = tools.get("deduce", {}).get("speed", {}).get("posts")
    sentences = tools.get("peil", {}).get("conll", {}).get("sentences")
    notes = [
        "",
        f"Measured {environment['date']} on commit {environment['commit'] or '?'}, "
        f"{environment['cpu']}, {environment['pinned']}, sequentially; "
        f"Peil {tools['peil'].get('version', '?')} (release build, one thread), "
        f"deduce {packages.get('deduce')} (docdeid {packages.get('docdeid')}), "
        f"presidio-analyzer {packages.get('presidio-analyzer')}, Python {environment['python']}.",
        f"Inputs: `pii-gold-dev.jsonl` ({gold_posts} posts, dev set), CoNLL-2002 Dutch "
        f"`ned.testb` ({sentences} sentences), `CONTENT` of `example_raw_tweets.csv` "
        f"({speed_posts} posts). Definitions are those of `peil eval deid`: a gold span is found "
        "when all its non-space characters are redacted, whatever type the tool gave it; precision "
        "is the share of redacted non-space characters inside personal gold spans; a CoNLL token "
        "is PER when it lies entirely inside a span the tool labels as a person (deduce: "
        "`persoon`/`patient`). Speed: median of "
        f"{len(tools['peil']['speed']['runs_posts_per_sec'])} runs per tool, taken in turn, each "
        "200 posts of warm-up then whole rounds for at least 1 s of the thread's CPU time and 3 "
        "rounds, posts per CPU-second of that thread (per core: time in which other processes "
        "had the core does not count; wall-clock rates are in the JSON) (deduce: "
        "`deidentify`, Presidio: `analyze`). Start-up: median wall time of "
        f"{len(tools['peil']['startup']['runs'])} fresh processes per tool that load it and "
        "de-identify one post (Python tools: interpreter + imports + construction).",
        "¹ Presidio runs with its pattern recognizers only (NoOpNlpEngine: its spaCy model comes "
        "from GitHub and cannot be downloaded here, and Presidio has no Dutch NER model or Dutch "
        "recognizers anyway), so it finds **no Dutch names**; its phone recognizer was given the "
        "NL and BE regions; analyzer only, default score threshold.",
    ]
    loads = environment.get("load_average_1min_before_each_step") or []
    if loads:
        notes.append(
            f"1-minute load average before the steps: {min(loads):.2f}–{max(loads):.2f} on "
            f"{environment.get('cores_online')} cores; other work on the machine makes the "
            "speed and start-up figures noisy (the ratios come from the same run).")
    if first.get("seconds") is not None and not first.get("measured_now", True):
        notes.append(f"deduce's first use was measured when its virtualenv was created "
                     f"({first.get('when')}).")
    return "\n".join(lines + notes)


# --------------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="measure Peil, deduce and Presidio and print the table")
    run.add_argument("--peil", required=True, help="path to the release `peil` binary")
    run.add_argument("--gold", required=True)
    run.add_argument("--conll", required=True)
    run.add_argument("--speed", required=True)
    run.add_argument("--results", required=True, help="folder for compare-deid.{json,md}")
    run.add_argument("--repo-root", default=".")
    run.add_argument("--core", type=int, default=0, help="core to pin to (taskset -c)")
    run.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    run.add_argument("--startup-runs", type=int, default=3,
                     help="fresh processes per tool for the start-up time (median)")
    run.add_argument("--speed-runs", type=int, default=3,
                     help="speed measurements per tool, taken in turn (median)")
    run.set_defaults(handler=command_run)

    measure = sub.add_parser("measure", help="score one Python tool, write JSON")
    measure.add_argument("--tool", required=True, help="deduce | presidio | replay:FILE")
    measure.add_argument("--gold")
    measure.add_argument("--conll")
    measure.add_argument("--speed")
    measure.add_argument("--out", required=True)
    measure.set_defaults(handler=command_measure)

    startup = sub.add_parser("startup", help="load one tool and de-identify one post")
    startup.add_argument("--tool", required=True)
    startup.set_defaults(handler=command_startup)

    arguments = parser.parse_args(argv)
    arguments.handler(arguments)


if __name__ == "__main__":
    main()
