"""Generate a deterministic, realistic Obsidian vault of research-paper notes for benchmarks.

Why: notesite's parse/render cost depends on what is *in* the notes (frontmatter, paper cards,
every wikilink form, block ids, math, code, tables, callouts, unicode file names, power-law
backlinks), so benchmarks need a vault that looks like a real one, at any size, reproducibly.

What: ``python benchmarks/make_vault.py OUT_DIR --notes N [--seed 7] [--force]`` writes N notes
of 2-4 KB in 1-3 level folders, plus small PNG/SVG attachments. Every note's name, headings and
block ids are planned first, so links can point at real anchors; then the notes are rendered.
Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the same arguments give
byte-identical files. Generated paths are listed in ``.make_vault_manifest``; ``--force`` deletes
exactly those files (and folders they leave empty), never anything else. Importable as
``generate(out, notes, seed)``. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import posixpath
import re
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from random import Random
from urllib.parse import quote

MANIFEST = ".make_vault_manifest"
NOUNS = """model transformer attention head layer token embedding gradient loss objective reward
policy critic value baseline dataset benchmark corpus prompt completion context window decoder
encoder optimizer schedule warmup checkpoint batch sequence vocabulary tokenizer logit softmax
activation neuron circuit feature probe representation manifold latent prior posterior sample
distribution likelihood estimator variance bias regularizer penalty constraint trajectory rollout
agent environment tool retriever index query passage document chunk reranker judge preference
comparison annotator label rubric verifier proof theorem scratchpad chain heuristic ablation
sweep hyperparameter compute budget throughput latency kernel cache adapter rank matrix weight
norm residual stream router expert capacity curriculum mixture filter metric accuracy perplexity
calibration uncertainty ensemble teacher student signal mask position frequency spectrum""".split()
ADJS = """sparse dense causal bidirectional linear nonlinear stable unstable noisy robust brittle
efficient expensive cheap small large frontier open synthetic offline online on-policy off-policy
greedy stochastic latent hidden shallow deep narrow wide low-rank multimodal multilingual long
hierarchical modular recurrent contrastive generative autoregressive masked learned fixed adaptive
implicit explicit calibrated overconfident scalable naive principled empirical""".split()
VERBS = """improve reduce increase match beat outperform stabilize predict estimate approximate
optimize regularize penalize compress distill prune quantize retrieve rerank generate sample
decode encode route scale saturate collapse diverge converge overfit generalize memorize transfer
align steer probe explain measure compare replace simplify dominate hurt""".split()
ADVS = "surprisingly consistently rarely often mostly barely clearly arguably reliably".split()
PREPS = "for on with under across without beyond against inside after".split()
OPENERS = [
    "In practice,",
    "Empirically,",
    "Surprisingly,",
    "At 7B scale,",
    "In the ablation,",
    "On long contexts,",
    "Without the KL term,",
    "As expected,",
    "Crucially,",
    "One caveat:",
    "My reading is that",
    "The authors claim that",
    "Compared to the baseline,",
]
UNI = [
    "Café",
    "Über",
    "niño",
    "α-entmax",
    "β-VAE",
    "λ-return",
    "注意力",
    "変換器",
    "Straße",
    "naïve",
    "Möbius",
    "señal",
    "Δ-rule",
    "σ-reparam",
    "Zürich",
    "学習",
    "Ω-net",
    "déjà-vu",
]
FIRST = "Paul Jan Ada Wei Priya Tom Sara Yuki Omar Lena Ravi Mia Chen Noah Ana Ilya Zoë".split()
LAST = "Smith Chen Wang Kumar Garcia Ng Lee Brown Kim Singh Ivanov Rossi Sato Novak Diaz".split()
ULAST = ["Müller", "Łukasiewicz", "Núñez", "Øster", "Çelik", "Dvořák"]
AREAS = {
    "alignment": "rlhf dpo reward-model constitutional oversight preference",
    "reasoning": "cot math planning search self-consistency verification",
    "scaling": "laws compute data emergence moe parallelism",
    "retrieval": "rag dense-retrieval reranking graphrag memory indexing",
    "interpretability": "circuits probing sae features attribution steering",
    "efficiency": "quantization pruning distillation kv-cache speculative flash-attention",
    "finetuning": "lora instruction-tuning peft adapters sft merging",
    "agents": "tools planning web-agents multi-agent code-agents memory",
    "multimodal": "vision-language audio video diffusion clip captioning",
    "evaluation": "benchmarks contamination llm-judge human-eval leaderboards robustness",
    "architectures": "attention ssm mamba positional normalization recurrent",
    "safety": "jailbreaks red-teaming robustness deception refusal unlearning",
    "pretraining": "data-mixture tokenization curriculum dedup synthetic-data objectives",
    "optimization": "adam schedules warmup second-order stability mup",
    "theory": "generalization icl grokking double-descent kernels information",
}
EXTRA_TAGS = "llm rl nlp cv history survey to-read reread important idea question".split()
FACETS = "survey open-questions tricks failure-modes".split()
HEAD_FIXED = ["Open questions", "Summary", "Related work", "Key results", "Caveats", "Setup"]
DAILY_HEADS = ["Log", "Papers read", "Ideas", "Todo", "Meetings"]
# Link forms and their relative frequency; "dangling"/"danghead" are ~3 % of all links.
KINDS = {
    "plain": 24,
    "alias": 9,
    "head": 9,
    "headalias": 4,
    "local": 4,
    "block": 7,
    "path": 6,
    "md": 2,
    "fmalias": 3,
    "embed": 2.5,
    "embedhead": 1.5,
    "embedblock": 1.5,
    "img": 3,
    "imgw": 2,
    "mdlink": 5,
    "mdimg": 2,
    "dangling": 2.4,
    "danghead": 0.6,
}
BLOCK_KINDS = ("embed", "embedhead", "embedblock", "img", "imgw", "mdimg")
DISPLAY = [
    r"\mathrm{softmax}(z)_@I = \frac{e^{z_@I/@G}}{\sum_{j=1}^{K} e^{z_j/@G}}",
    r"D_{\mathrm{KL}}(P \,\|\, Q) = \sum_{x} P(x) \log \frac{P(x)}{Q(x)}",
    r"\mathcal{L}(\theta) = -\mathbb{E}_{(x,y)\sim\mathcal{D}}\left[\log p_\theta(y \mid x)\right]",
    r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
    r"L(N, D) = \frac{A}{N^{@G}} + \frac{B}{D^{\beta}} + E",
    r"\theta_{t+1} = \theta_t - @G \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
    r"\max_{\pi} \mathbb{E}_{x, y\sim\pi}[r(x,y)] - @G D_{\mathrm{KL}}(\pi \| \pi_{\mathrm{ref}})",
    r"h_@I = \sigma(W_h h_{@I-1} + W_x x_@I + b)",
    r"\nabla_\theta J = \mathbb{E}\left[\sum_@I \nabla \log \pi_\theta(a_@I|s_@I) A_@I\right]",
    r"p(y_w \succ y_l \mid x) = \sigma\big(r(x,y_w) - r(x,y_l)\big)",
    r"W' = W + \frac{@G}{r} BA, \quad B \in \mathbb{R}^{d\times r}",
]
INLINE = [
    r"$\alpha_@I = @G x^2$",
    r"$@G \approx 0.1$",
    r"$O(n^2)$",
    r"$\sqrt{d_k}$",
    r"$p_\theta(y \mid x)$",
    r"$@G_@I \to 0$",
    r"$\|W\|_F$",
    r"$\mathbb{E}[r] - @G$",
]
GREEK = r"\alpha \beta \gamma \eta \lambda \tau \kappa \rho".split()


def plural(w: str) -> str:
    """English plural / third person singular, good enough for the word lists above."""
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    return w[:-1] + "ies" if w.endswith("y") and w[-2] not in "aeiou" else w + "s"


def png(r: Random) -> bytes:
    """A tiny valid RGB PNG (8-32 px a side) with deterministic gradient/checker pixels."""
    w, h = r.randint(8, 32), r.randint(8, 32)
    a, b = [r.randrange(256) for _ in range(3)], [r.randrange(256) for _ in range(3)]
    rows = bytearray()
    for y in range(h):
        rows.append(0)  # filter type "none"
        for x in range(w):
            t, check = (x + y) / (w + h - 2), (((x >> 2) + (y >> 2)) & 1) * 32
            rows += bytes((int(p + (q - p) * t) ^ check) & 255 for p, q in zip(a, b, strict=True))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def yq(s: str) -> str:
    """YAML scalar: plain when safe, JSON (a valid YAML double-quoted string) otherwise."""
    risky = s[:1].isdigit() or re.search(r"[:#\[\]{},&*!|>'\"%@`]", s)  # dates, numbers, syntax
    return json.dumps(s, ensure_ascii=False) if risky else s


def zipf(k: int, s: float) -> list[float]:
    """Cumulative weights 1/rank**s, for ``Random.choices(cum_weights=...)``."""
    return list(accumulate(1.0 / (i + 1) ** s for i in range(k)))


@dataclass
class Note:
    folder: str
    name: str
    kind: str  # "card" (1-4 paper cards) | "topic" | "daily"
    size: int  # target size in characters
    heads: list[tuple[int, str]] = field(default_factory=list)  # topic/daily: (level, text)
    cards: list[tuple[str, str]] = field(default_factory=list)  # card: (paper title, block id)
    blocks: list[str] = field(default_factory=list)  # paragraph / list-item block ids
    aliases: list[str] = field(default_factory=list)
    fm: bool = False
    fm_card: bool = False  # frontmatter with authors + paper: the note itself is a card

    @property
    def path(self) -> str:
        return posixpath.join(self.folder, self.name + ".md")

    @property
    def anchors(self) -> list[str]:
        return [t for _, t in self.heads] + [t for t, _ in self.cards]

    @property
    def ids(self) -> list[str]:
        return [b for _, b in self.cards] + self.blocks


class Vault:
    """Plans a whole vault up front (pass 1) and renders one note at a time (pass 2)."""

    def __init__(self, n: int, seed: int) -> None:
        r = self.r = Random(seed)
        self.stats = dict.fromkeys(
            [
                "notes",
                "cards",
                "frontmatter_cards",
                "links",
                "dangling",
                "missing_images",
                "images",
                "folders",
                "files",
                "bytes",
            ],
            0,
        )
        self.taken: dict[str, int] = {}  # casefolded names, aliases and folder/name paths
        self.dups: dict[str, int] = {}  # names in 2+ folders: linked by path, as Obsidian does
        subs = [f"{a}/{s}" for a, ss in AREAS.items() for s in ss.split()]
        self.tags = EXTRA_TAGS + list(AREAS) + subs + [f"{a}/{f}" for a in AREAS for f in FACETS]
        self.tags += [f"{t}/{f}" for t in subs[::3] for f in FACETS]
        self.tag_cw = zipf(len(self.tags), 0.8)
        self.kinds, self.kind_cw = list(KINDS), list(accumulate(KINDS.values()))
        # Folders: 1-3 levels, ~12 * (n/100)**0.35 of them (about 60 for 10k notes).
        cands = (
            [f"papers/{a}" for a in AREAS]
            + [f"papers/{s}" for s in subs]
            + [f"topics/{a}" for a in list(AREAS)[:6]]
            + ["reading", "inbox", "meta/templates", "projects/thesis", "projects/side/evals"]
        )
        r.shuffle(cands)
        base = ["topics", "daily/2024", "papers/alignment/rlhf", "daily/2023", "daily/2025"]
        k = max(8, round(12 * (n / 100) ** 0.35))
        self.folders = ["", *base, *[c for c in cands if c not in base][: k - len(base)]]
        self.fweights = [0.15] + [r.uniform(0.4, 4.0) for _ in self.folders[1:]]
        tree = {f.rsplit("/", i)[0] for f in self.folders[1:] for i in (0, 1, 2)}
        self.stats["folders"] = len(tree)
        # Images: ~1 PNG per 20 notes in attachments/, a few SVGs, two per-folder img/ folders.
        self.images: list[tuple[str, bytes]] = []
        for i in range(max(3, n // 20)):
            a, b = r.choice(ADJS), r.choice(NOUNS)
            nm = r.choice(
                [
                    f"figure {i}",
                    f"Pasted image 2024{r.randint(1, 12):02d}{i:08d}",
                    f"{b}-{r.choice(NOUNS)}-{i}",
                    f"{a} {b} plot {i}",
                ]
            )
            self.images.append((f"attachments/{nm}.png", png(r)))
        for i in range(3 + n // 2000):
            svg = (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect '
                f'width="120" height="60" fill="#{r.randrange(16**6):06x}"/><circle cx='
                f'"{r.randint(9, 99)}" cy="30" r="{r.randint(5, 25)}" fill="#fff"/><text x="6" '
                f'y="54">{r.choice(NOUNS)}</text></svg>\n'
            )
            self.images.append((f"attachments/diagram {i}.svg", svg.encode()))
        self.local_imgs: dict[str, list[str]] = {}
        for f in [f for f in self.folders if f.startswith("papers/")][:2]:
            self.local_imgs[f] = [
                f"{f}/img/plot {f.split('/')[-1]} {i}.png" for i in range(2 + n // 1000)
            ]
            self.images += [(p, png(r)) for p in self.local_imgs[f]]
        self.stats["images"] = len(self.images)
        self.notes: list[Note] = []
        for _ in range(n):
            self.notes.append(self.plan_note())
        self.order = list(range(n))  # link targets: Zipf weights over a shuffled note order
        r.shuffle(self.order)
        self.cw = zipf(n, 0.9)
        # Per-note rendering state, reset by render().
        self.out: list[str] = []
        self.pending: list[str] = []  # inline links still to place
        self.blockq: list[str] = []  # embeds still to place, each on its own line
        self.todo: list[str] = []  # block features still to place (math, code, table, ...)
        self.fnotes: list[str] = []
        self.marks: list[str] = []  # extra emphasis marks allowed in this note
        self.note, self.used, self.math, self.fn = self.notes[0], 0, False, False

    # ---------------------------------------------------------------- pass 1: planning
    def claim(self, s: str) -> bool:
        if s.casefold() in self.taken:
            return False
        self.taken[s.casefold()] = 1
        return True

    def title(self) -> str:
        r, a, n1, n2 = self.r, self.r.choice(ADJS), self.r.choice(NOUNS), self.r.choice(NOUNS)
        kind = r.choice(["survey", "notes", "overview", "ideas", "experiments"])
        t = r.choice(
            [
                f"{a} {n1} {kind}",
                f"{a} {plural(n1)}",
                f"Notes on {a} {n2}",
                f"{n1} vs {n2}",
                f"{n1.upper()[:4]} {n2} {r.choice(NOUNS)}",
                f"{plural(n1)} and {plural(n2)}",
            ]
        )
        if r.random() < 0.055:
            t = f"{t} {r.choice(UNI)}" if r.random() < 0.5 else f"{r.choice(UNI)} {t}"
        if r.random() < 0.02:
            t = r.choice(
                [
                    f"{t} (revisited)",
                    f"{n1}, {n2} & {a} {plural(n1)}",
                    f"{r.choice(LAST)}'s {t}",
                    f"{t} (2023)",
                ]
            )
        if r.random() < 0.55:
            t += f" {r.randrange(10000):04d}"
        return t[0].upper() + t[1:] if t[0].isascii() else t  # no Greek capital look-alikes

    def plan_note(self) -> Note:
        r = self.r
        folder = r.choices(self.folders, weights=self.fweights)[0]
        daily = folder.startswith("daily/")
        note = Note(
            folder,
            "",
            "daily" if daily else "card" if r.random() < 0.64 else "topic",
            r.randint(1900, 3800),
        )
        if not daily and len(self.notes) > 20 and r.random() < 0.011:  # duplicate base name
            other = self.notes[r.randrange(len(self.notes) - 20, len(self.notes))]
            if (
                other.folder != folder
                and other.kind != "daily"
                and self.claim(f"{folder}/{other.name}")
            ):
                note.name = other.name
                self.dups[other.name] = 1
        while not note.name:
            cand = (
                (
                    f"{folder[6:]}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
                    + f" {r.choice(NOUNS)}" * (r.random() < 0.3)
                )
                if daily
                else self.title()
            )
            if self.claim(cand):
                note.name = cand
                self.claim(f"{folder}/{cand}")
        if note.kind == "card":
            ncards = r.randint(2, 4) if r.random() < 0.25 else 1
            while len(note.cards) < ncards:
                a, n1, n2 = r.choice(ADJS), r.choice(NOUNS), r.choice(NOUNS)
                acro = (a[0] + n1[0] + n2[0]).upper() + r.choice(["", "-2", "++", ""])
                p1, p2, ac = plural(n1), plural(n2), a.capitalize()
                t = r.choice(
                    [
                        f"{acro}: {ac} {p1} for {p2}",
                        f"On the {n1} of {a} {p2}",
                        f"{n1.title()} is all you need",
                        f"Towards {a} {n1} {p2}",
                        f"Scaling {p1} with {a} {n2}",
                        f"{ac} {p1} are {r.choice(ADJS)} {n2} learners",
                    ]
                )
                t += f" ({r.choice(UNI)})" * (r.random() < 0.04)
                bid = r.choice(
                    [
                        f"{r.choice(LAST).lower()}{r.randint(2015, 2025)}",
                        f"{n1}-{n2}",
                        re.sub(r"[^a-z0-9-]", "", acro.lower()) + "x",
                    ]
                )
                if all(bid != b and t != c for c, b in note.cards):
                    note.cards.append((t, bid))
            note.blocks = [f"{r.choice(NOUNS)}-intro"] if r.random() < 0.3 else []
        else:
            pool = DAILY_HEADS if daily else HEAD_FIXED
            for i in range(r.randint(3, 6)):
                lvl = 2 if i == 0 or note.heads[-1][0] == 3 or r.random() < 0.5 else 3
                pl = plural(r.choice(NOUNS))
                h = r.choice(
                    [
                        r.choice(pool),
                        f"{r.choice(ADJS).capitalize()} {pl}",
                        f"Why {pl} {r.choice(VERBS)}",
                    ]
                )
                if h not in [x for _, x in note.heads]:
                    note.heads.append((lvl, h))
            nb = min(len(note.heads), r.choice([0, 0, 1, 1, 2, 3]))
            note.blocks = [f"{r.choice(NOUNS)}-{r.choice(NOUNS)}-{k}" for k in range(nb)]
        note.fm = r.random() < 0.4
        note.fm_card = note.fm and r.random() < 0.3
        if note.fm and r.random() < 0.25:
            for _ in range(r.randint(1, 2)):
                al = "".join(w[0] for w in note.name.split() if w[:1].isalnum()).upper()
                al = f"{al}-{r.randint(1, 999)}" if r.random() < 0.7 else f"{note.name} paper"
                if self.claim(al):
                    note.aliases.append(al)
        self.stats["notes"] += 1
        self.stats["cards"] += len(note.cards) + note.fm_card
        self.stats["frontmatter_cards"] += note.fm_card
        return note

    # ---------------------------------------------------------------- pass 2: links
    def atext(self) -> str:
        r = self.r
        return r.choice(
            [
                "this paper",
                "here",
                f"{r.choice(ADJS)} {r.choice(NOUNS)}",
                "the survey",
                f"{r.choice(LAST)} et al.",
                f"{r.choice(NOUNS)} trick",
                "see",
            ]
        )

    def link(self, note: Note, inline: bool = False) -> tuple[str, bool]:
        """One link out of ``note`` in a random Obsidian form: (markup, is_block)."""
        r, st = self.r, self.stats
        kind = r.choices(self.kinds, cum_weights=self.kind_cw)[0]
        kind = "plain" if inline and kind in BLOCK_KINDS else kind
        t = self.notes[r.choices(self.order, cum_weights=self.cw)[0]]
        st["links"] += 1
        if kind in ("img", "imgw", "mdimg"):
            if r.random() < 0.01:
                st["missing_images"] += 1
                path = f"attachments/missing figure {r.randrange(10000)}.png"
            elif kind == "mdimg" and note.folder in self.local_imgs and r.random() < 0.7:
                path = r.choice(self.local_imgs[note.folder])
            else:
                path = r.choice(self.images)[0]
            if kind == "mdimg":
                rel = quote(posixpath.relpath(path, note.folder or "."))
                return f"![{r.choice(ADJS)} {r.choice(['plot', 'figure', 'diagram'])}]({rel})", True
            width = f"|{r.choice([200, 300, 300, 480])}" if kind == "imgw" else ""
            return f"![[{posixpath.basename(path)}{width}]]", True
        if kind in ("dangling", "danghead"):
            st["dangling"] += 1
            miss = self.title()
            while miss.casefold() in self.taken:
                miss = self.title()
            return f"[[{miss}{'#Summary' * (kind == 'danghead')}]]", False
        name, bang = t.path[:-3] if t.name in self.dups else t.name, "!" * kind.startswith("embed")
        if kind in ("head", "headalias", "embedhead") and t.anchors:
            bar = f"|{self.atext()}" if kind == "headalias" else ""
            return f"{bang}[[{name}#{r.choice(t.anchors)}{bar}]]", bool(bang)
        if kind in ("block", "embedblock") and t.ids:
            bar = f"|{self.atext()}" if not bang and r.random() < 0.5 else ""
            return f"{bang}[[{name}#^{r.choice(t.ids)}{bar}]]", bool(bang)
        if kind == "local" and note.anchors:
            return f"[[#{r.choice(note.anchors)}]]", False
        if kind == "alias" or (kind == "path" and t.folder):
            bar = f"|{self.atext()}" if kind == "alias" or r.random() < 0.3 else ""
            return f"[[{t.path[:-3] if kind == 'path' else name}{bar}]]", False
        if kind == "fmalias" and t.aliases:
            return f"[[{r.choice(t.aliases)}]]", False
        if kind == "mdlink":
            rel = quote(posixpath.relpath(t.path, note.folder or "."))
            return f"[{r.choice(ADJS)} {r.choice(NOUNS)}]({rel})", False
        return f"{bang}[[{name}{'.md' * (kind == 'md')}]]", bool(bang)

    def take_link(self) -> str:
        return self.pending.pop() if self.pending else self.link(self.note, inline=True)[0]

    # ---------------------------------------------------------------- pass 2: text
    def emit(self, s: str = "") -> None:
        self.out.append(s)
        self.used += len(s) + 1

    def pick_tags(self, k: int) -> list[str]:
        return list(dict.fromkeys(self.r.choices(self.tags, cum_weights=self.tag_cw, k=k)))

    def sentence(self, plain: bool = False) -> str:
        """A pseudo-prose sentence; unless ``plain``, may carry a link, tags, math or a footnote."""
        r = self.r
        n1, n2, n3, a, v = (
            r.choice(NOUNS),
            r.choice(NOUNS),
            r.choice(NOUNS),
            r.choice(ADJS),
            r.choice(VERBS),
        )
        art, p = "an" if a[0] in "aeiou" else "a", r.randrange(7)
        s = [
            f"the {a} {n1} {plural(v)} the {n2} {r.choice(PREPS)} {plural(n3)}",
            f"{plural(n1)} {r.choice(ADVS)} {v} when the {n2} is {a}",
            f"{art} {a} {n1} {plural(v)} {r.randint(2, 90)}% more {plural(n2)}, which "
            f"{plural(r.choice(VERBS))} the {n3}",
            f"we {v} the {n1} with {art} {a} {n2} and {r.choice(VERBS)} the {n3}",
            f"the {n1} is {a} because the {n2} {plural(v)} the {r.choice(ADJS)} {n3}",
            f"at {r.choice([1, 7, 13, 70, 405])}B the {n1} {plural(v)} {r.choice(ADVS)}",
            f"{r.choice(ADVS)}, {plural(n1)} {v} {plural(n2)} {r.choice(PREPS)} the {a} {n3}",
        ][p]
        if r.random() < 0.25:
            s = f"{r.choice(OPENERS)} {s}"
        if r.random() < 0.15:
            w = s.split(" ")
            i, f = r.randrange(1, len(w)), r.choice(["*", "**", "`", "*", "**", *self.marks])
            w[i] = f"{f}{w[i]}{f}"
            s = " ".join(w)
        if plain:
            return s[0].upper() + s[1:] + "."
        left = max(self.note.size - self.used, 250)  # spread the pending links over the note
        if self.pending and r.random() < len(self.pending) * 110 / left:
            s = r.choice(["{}, see {}", "{} ({})", "{}, as in {}", "{}; compare {}"]).format(
                s, self.pending.pop()
            )
        x = r.random()
        if x < 0.07:
            s += " " + " ".join(f"#{t}" for t in self.pick_tags(r.randint(1, 2)))
        elif x < 0.17:
            if self.math:
                m = r.choice(INLINE).replace("@G", r.choice(GREEK)).replace("@I", r.choice("tijk"))
                s += f", with {m}"
        elif x < 0.18:
            if self.fn and not self.fnotes:
                self.fnotes.append(f"[^1]: {self.sentence(plain=True)}")
                s += "[^1]"
        elif x < 0.183:
            if not self.math:  # a dollar sign that is not math
                s += f"; the whole sweep cost about ${r.randint(2, 90)} of compute"
        elif x < 0.187:  # a wikilink inside inline code: not a link
            s += f" (I still type `[[{r.choice(self.notes).name}]]` by hand)"
        return s[0].upper() + s[1:] + r.choice("..........?!")

    def para(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def lst(self, depth: int, numbered: bool, maxd: int, count: int = 0) -> None:
        """A bullet or numbered list, nested (tab-indented) up to ``maxd`` levels."""
        r = self.r
        for i in range(count or (r.randint(2, 4) if depth == 0 else r.randint(1, 3))):
            self.emit("\t" * depth + f"{f'{i + 1}.' if numbered else '-'} {self.sentence()}")
            if depth + 1 < maxd and r.random() < 0.45:
                self.lst(depth + 1, r.random() < 0.3, maxd)

    def feature(self, kind: str) -> None:
        r = self.r
        if kind == "math":
            tex = r.choice(DISPLAY).replace("@G", r.choice(GREEK)).replace("@I", r.choice("tijk"))
            self.emit(f"$$ {tex} $$" if r.random() < 0.3 else f"$$\n{tex}\n$$")
        elif kind == "code":
            self.code()
        elif kind == "table":
            cols = ["Model", "Params", *r.sample(NOUNS, r.randint(1, 3)), "Notes"]
            self.emit("| " + " | ".join(c.capitalize() for c in cols) + " |")
            self.emit("| --- | ---: |" + " ---: |" * (len(cols) - 3) + " --- |")
            for _ in range(r.randint(3, 6)):
                nums = " | ".join(f"{r.uniform(10, 95):.1f}" for _ in cols[2:-1])
                self.emit(
                    f"| {r.choice(ADJS)}-{r.choice(NOUNS)} | {r.choice([1, 7, 8, 70])}B | "
                    f"{nums} | {r.choice(ADJS)} {r.choice(NOUNS)} |"
                )
        elif kind == "callout":
            typ = r.choice(["note", "tip", "warning", "question", "quote", "info", "abstract"])
            fold = r.choice(["", "", "-", "+"])
            title = "" if fold == "-" and r.random() < 0.5 else f" {r.choice(HEAD_FIXED)}"
            self.emit(f"> [!{typ}]{fold}{title}")
            for _ in range(r.randint(1, 3)):
                self.emit(f"> {self.para(1, 3)}")
        else:  # tasks
            for _ in range(r.randint(2, 5)):
                self.emit(f"- [{r.choice(' x ')}] {self.sentence()}")
        self.emit()

    def code(self) -> None:
        """A 5-20 line python/bash/json/yaml block, sometimes holding a (non-)link."""
        r, n, ns = self.r, self.r.randint(5, 20), self.r.choice(NOUNS)
        lang = r.choice(["python", "python", "bash", "json", "yaml"])
        ref = f"[[{r.choice(self.notes).name}]]" if r.random() < 0.3 else ""
        if lang == "python":
            lines = [
                "import torch",
                "import torch.nn.functional as F",
                "",
                f"def {ns}_{r.choice(NOUNS)}(x, beta={r.randint(1, 9) / 10}):",
                f'    """{self.sentence(plain=True)}"""',
                *[f"    # see {ref}"] * bool(ref),
            ]
            while len(lines) < n - 1:
                v = r.choice(NOUNS)
                lines.append(
                    r.choice(
                        [
                            f"    {v} = F.softmax(x / {r.randint(1, 9)}, dim=-1)",
                            f"    {v} = x @ x.transpose(-1, -2) * beta",
                            f"    x = x + {r.randint(1, 99) / 100} * {v}",
                            f"    # {self.sentence(plain=True)}",
                            f"    {v} = torch.randn({r.randint(2, 64)}, 64)",
                        ]
                    )
                )
            lines.append("    return x")
        elif lang == "bash":
            lines = ["set -euo pipefail", f"export CUDA_VISIBLE_DEVICES={r.randint(0, 7)}"]
            while len(lines) < n:
                a, b = r.choice(ADJS), r.choice(NOUNS)
                lines.append(
                    r.choice(
                        [
                            f"python train.py --lr {r.randint(1, 9)}e-{r.randint(3, 5)} --{b}"
                            f" {r.randint(1, 512)} --out runs/{a}-{b}",
                            f"torchrun --nproc_per_node {r.choice([2, 4, 8])} eval.py --task {b}",
                            f'echo "{a} {b} done"',
                            f"pip install -U {b}",
                        ]
                    )
                )
        else:
            kv = [
                (
                    k,
                    r.choice(
                        [
                            str(r.randint(0, 4096)),
                            "true",
                            json.dumps(r.choice(ADJS)),
                            json.dumps(ref),
                        ]
                    ),
                )
                for k in r.sample(NOUNS, n - 2)
            ]
            lines = (
                ["{", ",\n".join(f'  "{k}": {v}' for k, v in kv), "}"]
                if lang == "json"
                else [f"{ns}:", *[f"  {k}: {v}" for k, v in kv]]
            )
        self.emit(f"```{lang}\n" + "\n".join(lines) + "\n```")

    # ---------------------------------------------------------------- pass 2: notes
    def authors(self) -> str:
        r = self.r
        names = [
            f"{r.choice(FIRST)} {r.choice(LAST + ULAST if r.random() < 0.2 else LAST)}"
            for _ in range(r.randint(1, 3))
        ]
        return ", ".join(names) + " et al." * (r.random() < 0.6)

    def paper_url(self) -> str:
        r = self.r
        aid = f"{r.randint(15, 25)}{r.randint(1, 12):02d}.{r.randint(0, 19999):05d}"
        slug = "".join(r.choice("abcdefghijkLMNOPQRSTxyz0123456789") for _ in range(10))
        acl = f"20{r.randint(18, 25)}.acl-long.{r.randint(1, 900)}"
        return r.choice(
            [
                f"https://arxiv.org/abs/{aid}",
                f"https://arxiv.org/abs/{aid}",
                f"https://arxiv.org/pdf/{aid}",
                f"https://arxiv.org/pdf/{aid}.pdf",
                f"https://openreview.net/pdf?id={slug}",
                f"https://aclanthology.org/{acl}.pdf",
                f"https://github.com/{r.choice(LAST).lower()}/{r.choice(NOUNS)}",
                "",
            ]
        )

    def frontmatter(self, note: Note) -> None:
        r, tags = self.r, self.pick_tags(self.r.randint(1, 4))
        lines = ["---", f"title: {yq(note.name)}"]
        lines += (
            [f"tags: [{', '.join(tags)}]"]
            if r.random() < 0.3
            else ["tags:"] + [f"  - {t}" for t in tags]
        )
        lines += ["aliases:", *[f"  - {yq(a)}" for a in note.aliases]] if note.aliases else []
        lines.append(f"date: {r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}")
        if note.fm_card:
            authors = self.authors().removesuffix(" et al.").split(", ")
            lines += [
                "authors:",
                *[f"  - {yq(a)}" for a in authors],
                f"paper: {self.paper_url() or 'https://arxiv.org/abs/2305.18290'}",
            ]
        self.emit("\n".join([*lines, "---"]))

    def card(self, title: str, bid: str, end: float) -> None:
        """One paper card in the user's exact shape, filled up to ``end`` characters."""
        r = self.r
        yt = "".join(r.choice("abcdefghijkLMNOPQRSTxyz0123456789-_") for _ in range(11))
        talk = r.choice(
            [
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                f"https://www.youtube.com/watch?v={yt}",
                f"https://youtu.be/{yt}",
            ]
        )
        self.emit(
            f"## {title}{'' if r.random() < 0.15 else ' '}^{bid}\n"
            f"Tags: {' '.join(f'#{t}' for t in self.pick_tags(r.randint(1, 3)))}\n"
            f"Authors: {self.authors()}\nPaper link: {self.paper_url()}\n"
            f"Talk link: {talk}\nRelated:"
        )
        small = end - self.used < 800  # several cards share this note's size budget
        for i in range(r.randint(1, 2 if small else 3)):
            gloss = f" ({self.sentence(True)[:-1].lower()})" if r.random() < 0.2 else ""
            self.emit(f"{i + 1}. {self.take_link()}{gloss}")
        self.emit("### Why interesting")
        self.lst(0, False, 1 if small else 2, r.randint(1, 2 if small else 3))
        self.emit("### Ideas/conclusions")
        k = 0
        while k == 0 or self.used < end - 150:
            k += 1
            self.emit(
                f"{k}. {r.choice(ADJS).capitalize()} {r.choice(NOUNS)} {r.choice(PREPS)} "
                f"{plural(r.choice(NOUNS))}"
            )
            self.lst(1, r.random() < 0.4, r.randint(2, 3), 1 if small else 0)
            if self.todo and r.random() < 0.4:
                self.emit()
                self.feature(self.todo.pop())
            elif self.blockq and r.random() < 0.2:
                self.emit(f"\n{self.blockq.pop()}\n")
        self.emit("### References")
        for i in range(r.randint(1, 2 if small else 3)):
            ref = (
                self.take_link()
                if r.random() < 0.3
                else (f"{r.choice(LAST)} & {r.choice(LAST)} ({r.randint(1990, 2025)})")
            )
            self.emit(f"{i + 1}. {ref}")
        self.emit()

    def render(self, note: Note) -> str:
        r = self.r
        self.note, self.out, self.used, self.fnotes = note, [], 0, []
        self.math, self.fn = r.random() < 0.3, r.random() < 0.1
        self.marks = ["==", "~~"] if r.random() < 0.15 else []  # highlights / strikethrough
        links = [self.link(note) for _ in range(r.randint(6, 12))]
        self.pending = [m for m, blk in links if not blk]
        self.blockq = [m for m, blk in links if blk]
        flags = {
            "math": 0.6 * self.math,
            "code": 0.25,
            "table": 0.15,
            "callout": 0.15,
            "tasks": 0.5 if note.kind == "daily" else 0.06,
        }
        self.todo = [k for k, p in flags.items() if r.random() < p]
        if note.fm:
            self.frontmatter(note)
        if note.kind != "card" or note.blocks or r.random() < 0.3:
            bid = f" ^{note.blocks[0]}" if note.kind == "card" and note.blocks else ""
            self.emit(self.para(1, 3) + bid + "\n")
        start, nsec = self.used, len(note.cards or note.heads)
        ends = [start + (note.size - start) * (i + 1) / nsec for i in range(nsec)]
        for (title, bid), end in zip(note.cards, ends, strict=False):
            self.card(title, bid, end)
        for i, ((level, head), end) in enumerate(zip(note.heads, ends, strict=False)):
            self.emit(f"{'#' * level} {head}")
            bid = f" ^{note.blocks[i]}" if i < len(note.blocks) else ""
            if bid and r.random() < 0.3:  # block id on a list item
                self.emit(f"- {self.sentence()}{bid}")
                self.lst(0, False, 2)
            else:
                self.emit(self.para() + bid)
            self.emit()
            while self.used < end:
                x = r.random()
                if self.todo and x < 0.25:
                    self.feature(self.todo.pop())
                    continue
                if self.blockq and x < 0.35:
                    self.emit(self.blockq.pop())
                elif x < 0.65:
                    self.emit(self.para())
                else:
                    self.lst(0, r.random() < 0.3, r.randint(1, 3))
                self.emit()
        while self.todo:
            self.feature(self.todo.pop())
        for b in self.blockq:
            self.emit(b + "\n")
        if self.pending:
            self.emit(f"See also: {', '.join(self.pending)}\n")
        self.out += self.fnotes
        return "\n".join(self.out).rstrip("\n") + "\n"


def clean(out: Path) -> None:
    """Delete exactly the files listed in the manifest, then the folders they leave empty."""
    man = out / MANIFEST
    if not man.is_file():
        return
    dirs: dict[Path, int] = {}
    for line in man.read_text(encoding="utf-8").splitlines():
        rel = Path(line)
        if not line or rel.is_absolute() or ".." in rel.parts:
            continue
        if (out / rel).is_file() or (out / rel).is_symlink():
            (out / rel).unlink()
        dirs.update(dict.fromkeys([out / d for d in list(rel.parents)[:-1]], 1))
    for d in sorted(dirs, key=lambda d: (-len(d.parts), str(d))):
        with contextlib.suppress(OSError):
            d.rmdir()  # succeeds only when empty
    man.unlink()


def generate(out: Path, notes: int, seed: int = 7, *, force: bool = False) -> dict[str, int]:
    """Write a vault of ``notes`` notes into ``out`` and return its counts.

    Refuses a non-empty ``out`` unless ``force``; then only manifest-listed files are removed,
    and nothing is written if a planned path is still taken by a file this script did not write.
    """
    out = Path(out)
    if notes < 1:
        raise ValueError("notes must be >= 1")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to replace a generated vault)")
        clean(out)
    v = Vault(notes, seed)
    paths = sorted([p for p, _ in v.images] + [n.path for n in v.notes])
    if out.exists() and any(out.iterdir()):
        clash = [p for p in paths if (out / p).exists()]
        if clash:
            raise FileExistsError(f"refusing to overwrite a file it did not write: {clash[0]}")
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_bytes(("\n".join(paths) + "\n").encode())
    made: dict[Path, int] = {}

    def write(rel: str, data: bytes) -> None:
        if (out / rel).parent not in made:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            made[(out / rel).parent] = 1
        (out / rel).write_bytes(data)
        v.stats["files"] += 1
        v.stats["bytes"] += len(data)

    for rel, data in v.images:
        write(rel, data)
    for note in v.notes:
        write(note.path, v.render(note).encode())
    return v.stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic Obsidian vault.")
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--notes", type=int, required=True, help="number of notes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--force", action="store_true", help="replace a vault this script generated")
    args = ap.parse_args(argv)
    if args.notes < 1:
        ap.error("--notes must be >= 1")
    t0 = time.perf_counter()
    try:
        s = generate(args.out, args.notes, args.seed, force=args.force)
    except (FileExistsError, NotADirectoryError) as e:
        print(f"make_vault: {e}", file=sys.stderr)
        return 2
    print(
        f"notes={s['notes']} cards={s['cards']} links={s['links']} dangling={s['dangling']} "
        f"missing_images={s['missing_images']} images={s['images']} folders={s['folders']} "
        f"size={s['bytes'] / 1e6:.1f} MB time={time.perf_counter() - t0:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
