"""Checks the probe files: valid JSON per line, the six fields, allowed values, no duplicate texts (after NFKC, case and whitespace folding) across both files. Prints counts."""
import json, collections, unicodedata
import os
d = os.path.dirname(os.path.abspath(__file__)) + "/"
ATT = {"system_override","role_hijack","prompt_leak","delimiter_injection","jailbreak","encoding_evasion","indirect_injection","exfiltration","tool_use"}
LANGS = {"en","pt","es","fr","de","it","nl","ru","pl","tr"}
KEYS = {"text","label","category","lang","source","note"}
seen = {}
for fn, label in (("probe_attacks.jsonl","attack"),("probe_benign.jsonl","benign")):
    cats, langs, srcs, cl = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    lens = []
    with open(d+fn, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            assert line.endswith("\n")
            r = json.loads(line)
            assert set(r) == KEYS, (fn, n, set(r))
            assert all(isinstance(r[k], str) and r[k].strip() for k in KEYS), (fn, n)
            assert r["label"] == label, (fn, n)
            if label == "attack": assert r["category"] in ATT, (fn, n, r["category"])
            assert r["lang"] in LANGS, (fn, n)
            assert r["source"] in ("user","untrusted"), (fn, n)
            key = " ".join(unicodedata.normalize("NFKC", r["text"]).casefold().split())
            assert key not in seen, (fn, n, seen.get(key))
            seen[key] = (fn, n)
            cats[r["category"]] += 1; langs[r["lang"]] += 1; srcs[r["source"]] += 1; cl[(r["category"], r["lang"])] += 1
            lens.append(len(r["text"]))
    print(fn, n, "rows; len min/median/max", min(lens), sorted(lens)[len(lens)//2], max(lens))
    print(" categories:", dict(sorted(cats.items())))
    print(" langs:", dict(langs.most_common()))
    print(" sources:", dict(srcs))
