#!/usr/bin/env python3
"""Builds the tiny ONNX sentiment model and tokenizer that test Peil's optional neural path.

    python3 scripts/make-tiny-onnx.py [OUT_DIR]     # default: target/neural-test

Needs only the PyPI package `onnx` (which brings numpy and protobuf); run it in a throwaway
virtualenv (.ci/run does). Nothing is downloaded at run time. Writes into OUT_DIR:

- tiny-sentiment.onnx: the same signature as a Hugging Face sequence-classification export
  (`optimum-cli export onnx --task text-classification`):
      inputs  input_ids      int64   [batch, sequence]
              attention_mask int64   [batch, sequence]
      output  logits         float32 [batch, 3]   (0 negative, 1 neutral, 2 positive)
  The graph is embedding look-up, mean over the unmasked positions, then a fixed linear layer:
      logits = mean_{t: mask=1}(E[input_ids[t]]) @ W + B
  so its output is an exact, deterministic function of the input and the Rust test
  (crates/analysis/tests/neural.rs) can assert labels and scores. It knows a few Dutch words.
- tokenizer.json: a Hugging Face WordLevel tokenizer (lower-casing, whitespace/punctuation
  split) over the same vocabulary, readable by the `tokenizers` crate.
- cases.json: texts, their token ids and the logits the reference implementation below
  computes for them, for the Rust test to compare against ONNX Runtime's output.

The files are generated at test-prep time and are not committed; the script writes identical
bytes on every run (fixed weights, fixed producer fields, no timestamps).
"""

import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Token id → (token, embedding [negative, neutral, positive evidence]).
PAD, UNK = "[PAD]", "[UNK]"
NEUTRAL = [0.0, 1.0, 0.0]
POSITIVE = [0.0, 0.0, 4.0]
NEGATIVE = [4.0, 0.0, 0.0]
VOCABULARY = [
    (PAD, [0.0, 0.0, 0.0]),
    (UNK, NEUTRAL),
    ("de", NEUTRAL),
    ("het", NEUTRAL),
    ("een", NEUTRAL),
    ("is", NEUTRAL),
    ("was", NEUTRAL),
    ("trein", NEUTRAL),
    ("bus", NEUTRAL),
    ("gemeente", NEUTRAL),
    ("vandaag", NEUTRAL),
    ("weer", NEUTRAL),
    ("!", [0.0, 0.0, 0.5]),
    (".", NEUTRAL),
    ("goed", POSITIVE),
    ("prachtig", POSITIVE),
    ("fijn", POSITIVE),
    ("blij", POSITIVE),
    ("slecht", NEGATIVE),
    ("boos", NEGATIVE),
    ("vies", NEGATIVE),
    ("kapot", NEGATIVE),
    ("niet", [1.0, 0.0, -1.0]),
]
# The linear layer: logits = mean @ W + B.
W = [
    [1.5, 0.0, -0.5],
    [0.0, 1.0, 0.0],
    [-0.5, 0.0, 1.5],
]
B = [0.0, 0.25, 0.0]

CASES = [
    "De trein is prachtig!",
    "de bus was vandaag kapot",
    "De gemeente",
    "Het weer is niet goed.",
    "boos boos boos",
    "fijn",
    "onbekende woorden hier",
    "slecht maar goed fijn",
]


def tokenize(text):
    """Mirrors tokenizer.json: lower-case, split into \\w+ and [^\\w\\s]+, then look up."""
    ids = {token: index for index, (token, _) in enumerate(VOCABULARY)}
    words = re.findall(r"\w+|[^\w\s]+", text.lower())
    return [ids.get(word, ids[UNK]) for word in words]


def reference_logits(token_ids):
    embedding = np.array([vector for _, vector in VOCABULARY], dtype=np.float32)
    mean = embedding[token_ids].mean(axis=0, dtype=np.float32)
    return (mean @ np.array(W, dtype=np.float32) + np.array(B, dtype=np.float32)).astype(
        np.float32
    )


def build_model():
    embedding = np.array([vector for _, vector in VOCABULARY], dtype=np.float32)
    initializers = [
        numpy_helper.from_array(embedding, "embedding"),
        numpy_helper.from_array(np.array(W, dtype=np.float32), "weight"),
        numpy_helper.from_array(np.array(B, dtype=np.float32), "bias"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis_2"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_1"),
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one"),
    ]
    nodes = [
        # [batch, seq] → [batch, seq, 3]
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "axis_2"], ["mask_3d"]),
        helper.make_node("Mul", ["embedded", "mask_3d"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_1"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_3d", "axis_1"], ["count"], keepdims=0),
        helper.make_node("Max", ["count", "one"], ["count_at_least_one"]),
        helper.make_node("Div", ["summed", "count_at_least_one"], ["mean"]),
        helper.make_node("MatMul", ["mean", "weight"], ["projected"]),
        helper.make_node("Add", ["projected", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "peil_tiny_sentiment",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info(
                "attention_mask", TensorProto.INT64, ["batch", "sequence"]
            ),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        initializers,
    )
    model = helper.make_model(
        graph,
        producer_name="peil scripts/make-tiny-onnx.py",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", 13)],
    )
    # IR version 8 (ONNX 1.10): readable by every ONNX Runtime since 1.10.
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def build_tokenizer():
    special = [
        {
            "id": index,
            "content": token,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for index, token in enumerate([PAD, UNK])
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {
            "type": "WordLevel",
            "vocab": {token: index for index, (token, _) in enumerate(VOCABULARY)},
            "unk_token": UNK,
        },
    }


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "neural-test")
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "tiny-sentiment.onnx")
    with open(model_path, "wb") as handle:
        handle.write(build_model().SerializeToString(deterministic=True))
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as handle:
        json.dump(build_tokenizer(), handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    cases = []
    for text in CASES:
        token_ids = tokenize(text)
        cases.append(
            {
                "text": text,
                "input_ids": token_ids,
                "logits": [round(float(value), 6) for value in reference_logits(token_ids)],
            }
        )
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as handle:
        json.dump({"labels": ["negative", "neutral", "positive"], "cases": cases}, handle, indent=1)
        handle.write("\n")
    print(f"wrote {model_path} ({os.path.getsize(model_path)} bytes), tokenizer.json, cases.json")


if __name__ == "__main__":
    main()
