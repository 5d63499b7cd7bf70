// notesite: search, link previews, graph, sortable tables, small touches.
// Every feature checks for its own elements, so one page's missing markup never
// breaks another feature. URLs are built from data-root so the site works under any subpath.
"use strict";
(() => {
  const body = document.body;
  const root = (body && body.dataset.root) || "./";
  const siteURL = (path) => new URL(root + path, location.href);
  const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;

  const jsonCache = new Map();
  function getJSON(path) {
    let promise = jsonCache.get(path);
    if (!promise) {
      promise = fetch(siteURL(path)).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${path}`);
        return r.json();
      });
      // A failed fetch may succeed later (flaky network): don't keep the failure.
      promise.catch(() => jsonCache.delete(path));
      jsonCache.set(path, promise);
    }
    return promise;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  /* ---------- Search ---------- */

  // Must match the Python indexer exactly, or terms silently miss.
  const WORD = /[\p{L}\p{N}]+/gu;
  const norm = (text) => text.normalize("NFKC").toLowerCase();
  const tokenize = (text) => (norm(text).match(WORD) || []).filter((t) => [...t].length >= 2);
  const encoder = new TextEncoder();
  const shardKey = (term) =>
    Array.from(encoder.encode([...term].slice(0, 2).join("")), (b) => b.toString(16).padStart(2, "0")).join("");

  const index = {
    async meta() {
      const meta = await getJSON("static/search/meta.json");
      if (!meta.shardSet) meta.shardSet = new Set(meta.shards || []);
      return meta;
    },
    async shard(key) {
      const meta = await this.meta();
      return meta.shardSet.has(key) ? getJSON(`static/search/t-${key}.json`) : {};
    },
    // Returns [{id, score}] best first: AND of all terms, or OR when AND finds nothing.
    async query(text) {
      const terms = [...new Set(tokenize(text))];
      if (!terms.length) return [];
      const perTerm = await Promise.all(
        terms.map(async (q) => {
          const shard = await this.shard(shardKey(q));
          const scores = new Map();
          for (const term in shard) {
            if (!term.startsWith(q)) continue;
            const factor = term === q ? 1 : 0.5;
            const postings = shard[term];
            for (let i = 0; i + 1 < postings.length; i += 2) {
              scores.set(postings[i], (scores.get(postings[i]) || 0) + postings[i + 1] * factor);
            }
          }
          return scores;
        })
      );
      const total = new Map();
      const hits = new Map();
      for (const scores of perTerm) {
        for (const [id, s] of scores) {
          total.set(id, (total.get(id) || 0) + s);
          hits.set(id, (hits.get(id) || 0) + 1);
        }
      }
      let ids = [...total.keys()].filter((id) => hits.get(id) === terms.length);
      if (!ids.length) ids = [...total.keys()];
      return ids.map((id) => ({ id, score: total.get(id) })).sort((a, b) => b.score - a.score || a.id - b.id);
    },
    // Fetches only the docs-K chunks that hold the given ids.
    async docs(ids) {
      const meta = await this.meta();
      const chunk = meta.chunk || 500;
      const chunks = await Promise.all([...new Set(ids.map((id) => Math.floor(id / chunk)))].map(
        (k) => getJSON(`static/search/docs-${k}.json`).then((docs) => [k, docs])
      ));
      const byChunk = new Map(chunks);
      return ids.map((id) => (byChunk.get(Math.floor(id / chunk)) || [])[id % chunk]).filter(Boolean);
    },
  };

  // Appends text to parent, wrapping words that start with a query term in <mark>.
  function appendMarked(parent, text, terms) {
    let last = 0;
    for (const m of text.matchAll(WORD)) {
      const word = norm(m[0]);
      const term = terms.find((t) => word.startsWith(t));
      if (!term) continue;
      // Mark only the matched prefix when normalising kept the length (almost always).
      const len = word.length === m[0].length ? term.length : m[0].length;
      parent.append(text.slice(last, m.index), el("mark", "", m[0].slice(0, len)));
      last = m.index + len;
    }
    parent.append(text.slice(last));
  }

  // Long excerpts are cut to a window around the first match.
  function clip(text, terms, max = 220) {
    if (text.length <= max) return text;
    const lower = norm(text);
    const at = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), Infinity);
    let start = at === Infinity || at < 80 ? 0 : text.lastIndexOf(" ", at - 60) + 1;
    const out = text.slice(start, start + max).replace(/\s+\S*$/, "");
    return (start > 0 ? "…" : "") + out + "…";
  }

  let searchSeq = 0;
  function setupSearch(form) {
    const input = form.querySelector('input[type="search"]');
    const box = form.querySelector(".search-results");
    if (!input || !box) return;
    const isPage = form.classList.contains("search-page");
    const limit = isPage ? 50 : 12;
    const boxId = box.id || (box.id = `search-results-${++searchSeq}`);
    let options = [];
    let selected = -1;
    let timer = 0;
    let seq = 0;
    let pending = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", boxId);
    input.setAttribute("aria-expanded", String(isPage));
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", "Search results");

    const show = (open) => {
      if (isPage) return;
      box.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
    };
    const select = (i) => {
      if (options[selected]) options[selected].setAttribute("aria-selected", "false");
      selected = i;
      const option = options[i];
      if (option) {
        option.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    };

    async function update() {
      clearTimeout(timer);
      timer = 0;
      const my = ++seq;
      const q = input.value;
      if (isPage) history.replaceState(null, "", q.trim() ? `?q=${encodeURIComponent(q)}` : location.pathname);
      const terms = [...new Set(tokenize(q))];
      if (!terms.length) {
        options = [];
        select(-1);
        box.replaceChildren();
        show(false);
        return;
      }
      let ranked, docs;
      try {
        ranked = await index.query(q);
        docs = await index.docs(ranked.slice(0, limit).map((r) => r.id));
      } catch {
        if (my !== seq) return;
        box.replaceChildren(el("p", "r-empty", "Search is unavailable (the index could not be loaded)."));
        options = [];
        show(true);
        return;
      }
      if (my !== seq) return;
      options = docs.map(([url, title, kind, subtitle, excerpt], i) => {
        const a = el("a");
        a.href = siteURL(url).href;
        a.id = `${boxId}-${i}`;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        a.tabIndex = -1;
        const t = el("span", "r-title");
        appendMarked(t, title || url, terms);
        const sub = el("span", "r-sub", (kind === "paper" ? "Paper" : "Note") + (subtitle ? ` · ${subtitle}` : ""));
        a.append(t, sub);
        if (excerpt) {
          const x = el("span", "r-excerpt");
          appendMarked(x, clip(excerpt, terms), terms);
          a.append(x);
        }
        return a;
      });
      const extra = [];
      if (!options.length) extra.push(el("p", "r-empty", `No results for “${q.trim()}”.`));
      else if (isPage) extra.push(el("p", "r-empty", `${ranked.length} result${ranked.length === 1 ? "" : "s"}${ranked.length > limit ? `, showing the first ${limit}` : ""}.`));
      else if (ranked.length > limit) {
        const more = el("a", "r-more", `All ${ranked.length} results →`);
        more.href = siteURL(`search/?q=${encodeURIComponent(q)}`).href;
        more.id = `${boxId}-more`;
        more.setAttribute("role", "option");
        more.tabIndex = -1;
        options.push(more);
      }
      selected = -1;
      input.removeAttribute("aria-activedescendant");
      box.replaceChildren(...(isPage ? extra.concat(options) : options.concat(extra)));
      show(document.activeElement === input || isPage);
    }
    const flush = () => (pending = update());

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(flush, 120);
    });
    input.addEventListener("focus", () => {
      if (options.length || box.childElementCount) show(true);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!options.length) return;
        e.preventDefault();
        show(true);
        const n = options.length;
        select(e.key === "ArrowDown" ? (selected + 1) % n : selected <= 0 ? n - 1 : selected - 1);
      } else if (e.key === "Escape" && !isPage && !box.hidden) {
        e.preventDefault(); // keep the typed query (Escape would clear a search input)
        show(false);
        select(-1);
      }
    });
    // Without JS this is a GET to search/?q=…; with it, open the chosen result directly.
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (timer || !pending) flush();
      await pending;
      const option = options[selected] || options[0];
      if (option) location.href = option.href;
      else if (!isPage && input.value.trim()) {
        location.href = siteURL(`search/?q=${encodeURIComponent(input.value.trim())}`).href;
      }
    });
    if (!isPage) {
      document.addEventListener("pointerdown", (e) => {
        if (!form.contains(e.target)) show(false);
      });
      form.addEventListener("focusout", (e) => {
        if (!form.contains(e.relatedTarget)) show(false);
      });
    } else {
      const q = new URLSearchParams(location.search).get("q");
      if (q) {
        input.value = q;
        flush();
      }
    }
  }

  document.querySelectorAll("form.search").forEach(setupSearch);

  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])")) return;
    const input = document.querySelector("form.search-page input, form.search input");
    if (!input) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  /* ---------- Link previews ---------- */

  const samePage = (url) => {
    const clean = (p) => {
      try {
        return decodeURIComponent(p).replace(/index\.html$/, "");
      } catch {
        return p;
      }
    };
    return clean(url.pathname) === clean(location.pathname);
  };

  function setupPopovers() {
    const main = document.querySelector("main");
    if (!main || !window.DOMParser || matchMedia("(pointer: coarse)").matches) return;
    const pages = new Map();
    let pop = null;
    let anchor = null;
    let showTimer = 0;
    let hideTimer = 0;
    let token = 0;

    const load = (url) => {
      if (!pages.has(url)) {
        pages.set(url, fetch(url)
          .then((r) => (r.ok ? r.text() : Promise.reject(new Error(r.status))))
          .then((html) => new DOMParser().parseFromString(html, "text/html"))
          .catch(() => {
            pages.delete(url);
            return null;
          }));
      }
      return pages.get(url);
    };

    const level = (node) => (/^H[1-6]$/.test(node.tagName) ? +node.tagName[1] : 0);

    // What the link points at: a heading's section, a block or card, else the whole note.
    function extract(doc, hash) {
      let id = "";
      try {
        id = decodeURIComponent(hash.slice(1));
      } catch {}
      let target = id ? doc.getElementById(id) : null;
      if (target && target.matches("span.block-anchor") && target.nextElementSibling) target = target.nextElementSibling;
      if (target && level(target)) {
        const nodes = [target];
        for (let n = target.nextElementSibling; n; n = n.nextElementSibling) {
          const heading = n.matches("span.block-anchor") ? n.nextElementSibling : n;
          if (heading && level(heading) && level(heading) <= level(target)) break;
          nodes.push(n);
        }
        return nodes;
      }
      if (target && !target.closest("aside, header, footer")) return [target];
      const content = doc.querySelector(".note-body") || doc.querySelector("article") || doc.querySelector("main");
      if (!content) return [];
      const title = doc.querySelector("main h1");
      const parts = [...content.children].slice(0, 40);
      return title && !content.contains(title) ? [title, ...parts] : parts;
    }

    function build(nodes, base) {
      const frag = document.createDocumentFragment();
      for (const node of nodes) frag.append(document.importNode(node, true));
      frag.querySelectorAll("script").forEach((s) => s.remove());
      frag.querySelectorAll("[id]").forEach((n) => n.removeAttribute("id"));
      // Relative links in the fetched page are relative to *that* page, not this one.
      for (const [attr, sel] of [["href", "[href]"], ["src", "[src]"], ["data", "object[data]"]]) {
        frag.querySelectorAll(sel).forEach((n) => {
          try {
            n.setAttribute(attr, new URL(n.getAttribute(attr), base).href);
          } catch {}
        });
      }
      frag.querySelectorAll("[srcset]").forEach((n) => n.removeAttribute("srcset"));
      return frag;
    }

    function place(link) {
      const rect = link.getClientRects()[0] || link.getBoundingClientRect();
      const vw = document.documentElement.clientWidth;
      const vh = window.innerHeight;
      const w = pop.offsetWidth;
      const h = pop.offsetHeight;
      let top = rect.bottom + 8;
      if (top + h > vh - 8 && rect.top - h - 8 >= 8) top = rect.top - h - 8;
      const left = Math.max(8, Math.min(rect.left, vw - w - 8));
      pop.style.left = `${left + window.scrollX}px`;
      pop.style.top = `${Math.max(8, top) + window.scrollY}px`;
    }

    function hide() {
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
      token++;
      anchor = null;
      if (pop) pop.remove();
      pop = null;
    }

    async function show(link) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || samePage(url)) return;
      const my = ++token;
      const hash = url.hash;
      url.hash = "";
      const doc = await load(url.href);
      if (my !== token || !doc) return;
      const nodes = extract(doc, hash);
      if (!nodes.length) return;
      if (pop) pop.remove();
      pop = el("div", "popover");
      pop.setAttribute("role", "tooltip");
      pop.append(build(nodes, url.href));
      pop.addEventListener("mouseenter", () => clearTimeout(hideTimer));
      pop.addEventListener("mouseleave", scheduleHide);
      body.append(pop);
      place(link);
    }

    function scheduleShow(link) {
      if (link === anchor) {
        clearTimeout(hideTimer);
        return;
      }
      hide();
      anchor = link;
      showTimer = setTimeout(() => show(link), 300);
    }
    function scheduleHide() {
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, 250);
    }

    const linkOf = (t) => (t && t.closest ? t.closest("a.internal") : null);
    main.addEventListener("mouseover", (e) => {
      const link = linkOf(e.target);
      if (link) scheduleShow(link);
    });
    main.addEventListener("mouseout", (e) => {
      const link = linkOf(e.target);
      if (link && !link.contains(e.relatedTarget)) scheduleHide();
    });
    main.addEventListener("focusin", (e) => {
      const link = linkOf(e.target);
      if (link) scheduleShow(link);
    });
    main.addEventListener("focusout", (e) => {
      if (linkOf(e.target)) scheduleHide();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && (pop || anchor)) hide();
    });
  }
  setupPopovers();

  /* ---------- Graph ---------- */

  function hash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }

  // Nodes within two hops of the current note, nearest first, capped.
  function neighbourhood(data, path) {
    const nodes = data.nodes;
    let start = nodes.findIndex((n) => n.path === path && n.kind === "note");
    if (start < 0) start = nodes.findIndex((n) => n.path === path);
    if (start < 0) return null;
    const adj = nodes.map(() => []);
    for (const [s, t] of data.links) {
      if (adj[s] && adj[t]) adj[s].push(t), adj[t].push(s);
    }
    const keep = new Map([[start, 0]]);
    let frontier = [start];
    for (let depth = 1; depth <= 2 && keep.size < 150; depth++) {
      const next = [];
      for (const u of frontier) {
        for (const v of [...new Set(adj[u])].sort((a, b) => a - b)) {
          if (keep.has(v) || keep.size >= 150) continue;
          keep.set(v, keep.size);
          next.push(v);
        }
      }
      frontier = next;
    }
    const links = [];
    for (const [s, t] of data.links) {
      if (keep.has(s) && keep.has(t)) links.push([keep.get(s), keep.get(t)]);
    }
    return { nodes: [...keep.keys()].map((i) => nodes[i]), links, current: 0 };
  }

  function graphView(box, nodes, links, current, full) {
    const n = nodes.length;
    const X = new Float64Array(n);
    const Y = new Float64Array(n);
    const VX = new Float64Array(n);
    const VY = new Float64Array(n);
    const deg = new Float64Array(n);
    const adj = nodes.map(() => new Set());
    links = links.filter(([s, t]) => s !== t && s < n && t < n && s >= 0 && t >= 0);
    for (const [s, t] of links) {
      deg[s]++, deg[t]++;
      adj[s].add(t), adj[t].add(s);
    }
    const R = Float64Array.from(deg, (d) => Math.min(3 + Math.sqrt(d) * 1.6, 14));
    // Seeded from each id so the layout (and screenshots) are the same on every load.
    const spread = 12 * Math.sqrt(n);
    nodes.forEach((node, i) => {
      const h = hash(String(node.id));
      const a = ((h & 0xffff) / 0x10000) * 2 * Math.PI;
      const r = spread * Math.sqrt(((h >>> 16) + 1) / 0x10001);
      X[i] = r * Math.cos(a);
      Y[i] = r * Math.sin(a);
    });

    let alpha = 1;
    const ALPHA_MIN = 0.002;
    const DECAY = 1 - Math.pow(ALPHA_MIN, 1 / 300);
    const CHARGE = -40;
    const THETA2 = 0.81;

    // Barnes–Hut quadtree: far groups of nodes repel as one mass, O(n log n) per tick.
    function insert(q, i, depth) {
      if (q.m === 0) {
        q.m = 1, q.cx = X[i], q.cy = Y[i], q.b = i;
        return;
      }
      q.cx = (q.cx * q.m + X[i]) / (q.m + 1);
      q.cy = (q.cy * q.m + Y[i]) / (q.m + 1);
      q.m++;
      if (depth > 32) return; // coincident points stay lumped together
      if (!q.k) {
        q.k = [null, null, null, null];
        const b = q.b;
        q.b = -1;
        child(q, b, depth);
      }
      child(q, i, depth);
    }
    function child(q, i, depth) {
      const h = q.s / 2;
      const qx = X[i] >= q.x + h ? 1 : 0;
      const qy = Y[i] >= q.y + h ? 1 : 0;
      const slot = qx + 2 * qy;
      const c = q.k[slot] || (q.k[slot] = { x: q.x + qx * h, y: q.y + qy * h, s: h, m: 0, cx: 0, cy: 0, b: -1, k: null });
      insert(c, i, depth + 1);
    }
    function repel(q, i, strength) {
      if (!q || q.m === 0 || q.b === i) return;
      let dx = q.cx - X[i];
      let dy = q.cy - Y[i];
      let d2 = dx * dx + dy * dy;
      if (q.k && (q.s * q.s) / THETA2 >= d2) {
        for (const c of q.k) repel(c, i, strength);
        return;
      }
      if (d2 < 1e-9) {
        // Deterministic nudge apart for nodes on top of each other.
        dx = ((i * 7) % 11) / 11 - 0.5;
        dy = ((i * 13) % 7) / 7 - 0.5;
        d2 = dx * dx + dy * dy;
      }
      const w = (strength * q.m) / Math.max(d2, 1);
      VX[i] += dx * w;
      VY[i] += dy * w;
    }
    function tick() {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < n; i++) {
        x0 = Math.min(x0, X[i]), y0 = Math.min(y0, Y[i]);
        x1 = Math.max(x1, X[i]), y1 = Math.max(y1, Y[i]);
      }
      const tree = { x: x0, y: y0, s: Math.max(x1 - x0, y1 - y0) + 1, m: 0, cx: 0, cy: 0, b: -1, k: null };
      for (let i = 0; i < n; i++) insert(tree, i, 0);
      const strength = CHARGE * alpha;
      for (let i = 0; i < n; i++) repel(tree, i, strength);
      for (const [s, t] of links) {
        const dx = X[t] + VX[t] - X[s] - VX[s] || 1e-3;
        const dy = Y[t] + VY[t] - Y[s] - VY[s];
        const d = Math.sqrt(dx * dx + dy * dy);
        const f = ((d - 30) / d) * alpha / Math.min(deg[s], deg[t]);
        const bias = deg[s] / (deg[s] + deg[t]);
        VX[t] -= dx * f * bias, VY[t] -= dy * f * bias;
        VX[s] += dx * f * (1 - bias), VY[s] += dy * f * (1 - bias);
      }
      for (let i = 0; i < n; i++) {
        // Gentle pull to the centre keeps unlinked nodes from drifting off.
        VX[i] -= X[i] * 0.04 * alpha;
        VY[i] -= Y[i] * 0.04 * alpha;
        X[i] += VX[i] *= 0.6;
        Y[i] += VY[i] *= 0.6;
      }
      alpha += (0 - alpha) * DECAY;
    }

    const canvas = el("canvas");
    canvas.tabIndex = 0;
    const label = `${full ? "Graph" : "Local graph"} of ${n} pages. Arrow keys step through them, Enter opens one.`;
    canvas.setAttribute("aria-label", label);
    box.replaceChildren(canvas);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    let W = 0, H = 0, dpr = 1;
    let k = 1, tx = 0, ty = 0;
    let autoFit = true;
    let hover = -1;
    let raf = 0;
    let colors = {};
    const readColors = () => {
      const css = getComputedStyle(box);
      const v = (name) => css.getPropertyValue(name).trim();
      colors = {
        note: v("--graph-note"), paper: v("--graph-paper"), tag: v("--graph-tag"), missing: v("--graph-missing"),
        link: v("--graph-link"), accent: v("--accent"), fg: v("--fg"), bg: v("--bg"), muted: v("--muted"),
      };
    };
    readColors();

    function fit() {
      if (!W || !H) return;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < n; i++) {
        x0 = Math.min(x0, X[i] - R[i]), y0 = Math.min(y0, Y[i] - R[i]);
        x1 = Math.max(x1, X[i] + R[i]), y1 = Math.max(y1, Y[i] + R[i]);
      }
      const pad = 24;
      k = Math.min((W - 2 * pad) / Math.max(x1 - x0, 1), (H - 2 * pad) / Math.max(y1 - y0, 1), full ? 2 : 2.5);
      k = Math.max(k, 0.02);
      tx = W / 2 - ((x0 + x1) / 2) * k;
      ty = H / 2 - ((y0 + y1) / 2) * k;
    }

    function resize() {
      dpr = window.devicePixelRatio || 1;
      W = box.clientWidth;
      H = box.clientHeight;
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      schedule();
    }

    function draw() {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (!W || !H) return;
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
      const near = hover >= 0 ? adj[hover] : null;
      ctx.lineWidth = 1 / k;
      ctx.strokeStyle = colors.link;
      ctx.beginPath();
      for (const [s, t] of links) {
        if (near && (s === hover || t === hover)) continue;
        ctx.moveTo(X[s], Y[s]);
        ctx.lineTo(X[t], Y[t]);
      }
      ctx.stroke();
      if (near) {
        ctx.strokeStyle = colors.accent;
        ctx.lineWidth = 1.6 / k;
        ctx.beginPath();
        for (const t of near) {
          ctx.moveTo(X[hover], Y[hover]);
          ctx.lineTo(X[t], Y[t]);
        }
        ctx.stroke();
      }
      for (let i = 0; i < n; i++) {
        ctx.globalAlpha = near && i !== hover && !near.has(i) ? 0.3 : 1;
        ctx.fillStyle = colors[nodes[i].kind] || colors.note;
        ctx.beginPath();
        ctx.arc(X[i], Y[i], R[i], 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      if (current >= 0) {
        ctx.strokeStyle = colors.fg;
        ctx.lineWidth = 2 / k;
        ctx.beginPath();
        ctx.arc(X[current], Y[current], R[current] + 3 / k, 0, 2 * Math.PI);
        ctx.stroke();
      }
      // Labels in screen pixels so text stays crisp and legible at any zoom.
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = `12px ${getComputedStyle(body).fontFamily}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      const labelled = [];
      for (let i = 0; i < n; i++) {
        if (i === hover || i === current || (hover < 0 && R[i] * k >= 11)) labelled.push(i);
      }
      for (const i of labelled) {
        let text = String(nodes[i].title || nodes[i].id);
        if (text.length > 40) text = `${text.slice(0, 39)}…`;
        const sx = X[i] * k + tx;
        const sy = (Y[i] + R[i]) * k + ty + 3;
        ctx.lineWidth = 3;
        ctx.strokeStyle = colors.bg;
        ctx.strokeText(text, sx, sy);
        ctx.fillStyle = i === hover ? colors.fg : colors.muted;
        ctx.fillText(text, sx, sy);
      }
    }

    function frame() {
      raf = 0;
      if (alpha > ALPHA_MIN) {
        const t0 = performance.now();
        do tick();
        while (alpha > ALPHA_MIN && performance.now() - t0 < 12);
        if (alpha > ALPHA_MIN) raf = requestAnimationFrame(frame);
        // With reduced motion, show only the settled layout.
        if (reducedMotion && alpha > ALPHA_MIN) return;
      }
      if (autoFit) fit();
      draw();
    }
    function schedule() {
      if (!raf) raf = requestAnimationFrame(frame);
    }

    const point = (e) => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    function pick([sx, sy]) {
      const x = (sx - tx) / k;
      const y = (sy - ty) / k;
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < n; i++) {
        const d = Math.hypot(X[i] - x, Y[i] - y);
        if (d < R[i] + 4 / k && d < bestD) (best = i), (bestD = d);
      }
      return best;
    }
    function zoomAt([sx, sy], factor) {
      const nk = Math.min(8, Math.max(0.02, k * factor));
      tx = sx - ((sx - tx) * nk) / k;
      ty = sy - ((sy - ty) * nk) / k;
      k = nk;
      autoFit = false;
      schedule();
    }
    const open = (i) => {
      location.href = siteURL(nodes[i].id).href;
    };
    const setHover = (i) => {
      if (i === hover) return;
      hover = i;
      canvas.classList.toggle("pointing", i >= 0);
      canvas.setAttribute("aria-label", i >= 0 ? String(nodes[i].title || nodes[i].id) : label);
      schedule();
    };

    const pointers = new Map();
    let moved = false;
    canvas.addEventListener("pointerdown", (e) => {
      if (e.button > 0) return;
      canvas.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, point(e));
      moved = pointers.size > 1;
    });
    canvas.addEventListener("pointermove", (e) => {
      const p = point(e);
      const last = pointers.get(e.pointerId);
      if (!last) {
        setHover(pick(p));
        return;
      }
      if (pointers.size === 2 && full) {
        const other = [...pointers].find(([id]) => id !== e.pointerId)[1];
        const before = Math.hypot(last[0] - other[0], last[1] - other[1]);
        const after = Math.hypot(p[0] - other[0], p[1] - other[1]);
        if (before > 0) zoomAt([(p[0] + other[0]) / 2, (p[1] + other[1]) / 2], after / before);
      } else if (pointers.size === 1) {
        if (!moved && Math.hypot(p[0] - last[0], p[1] - last[1]) < 4) return;
        moved = true;
        tx += p[0] - last[0];
        ty += p[1] - last[1];
        autoFit = false;
        schedule();
      }
      pointers.set(e.pointerId, p);
    });
    const release = (e) => {
      if (!pointers.delete(e.pointerId)) return;
      if (e.type === "pointerup" && !moved && pointers.size === 0) {
        const i = pick(point(e));
        if (i >= 0) open(i);
      }
    };
    canvas.addEventListener("pointerup", release);
    canvas.addEventListener("pointercancel", release);
    canvas.addEventListener("pointerleave", () => {
      if (!pointers.size) setHover(-1);
    });
    if (full) {
      canvas.addEventListener("wheel", (e) => {
        e.preventDefault();
        zoomAt(point(e), Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)));
      }, { passive: false });
    }
    canvas.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
      if (step) setHover((hover + step + n + (hover < 0 && step < 0 ? 1 : 0)) % n);
      else if (e.key === "Enter" && hover >= 0) open(hover);
      else if (e.key === "+" || e.key === "=") zoomAt([W / 2, H / 2], 1.25);
      else if (e.key === "-") zoomAt([W / 2, H / 2], 0.8);
      else if (e.key === "Escape") setHover(-1);
      else return;
      e.preventDefault();
    });
    canvas.addEventListener("blur", () => setHover(-1));

    if (window.ResizeObserver) new ResizeObserver(resize).observe(box);
    else window.addEventListener("resize", resize);
    matchMedia("(prefers-color-scheme: dark)").addEventListener?.("change", () => {
      readColors();
      schedule();
    });
    resize();
  }

  function setupGraphs() {
    const boxes = document.querySelectorAll("div.graph[data-graph]");
    if (!boxes.length) return;
    const start = async (box) => {
      let data;
      try {
        data = await getJSON("static/graph.json");
      } catch {
        box.replaceChildren(el("p", "muted", "The graph could not be loaded."));
        return;
      }
      const nodes = Array.isArray(data.nodes) ? data.nodes : [];
      const links = Array.isArray(data.links) ? data.links : [];
      if (box.dataset.graph === "local") {
        const sub = neighbourhood({ nodes, links }, box.dataset.node || "");
        if (!sub) box.replaceChildren(el("p", "muted", "Not in the graph."));
        else graphView(box, sub.nodes, sub.links, sub.current, false);
      } else if (nodes.length) graphView(box, nodes, links, -1, true);
      else box.replaceChildren(el("p", "muted", "The graph is empty."));
    };
    // graph.json can be large: fetch it only when a graph is about to be seen.
    if (!window.IntersectionObserver) return boxes.forEach(start);
    const io = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        io.unobserve(entry.target);
        start(entry.target);
      }
    }, { rootMargin: "200px" });
    boxes.forEach((box) => io.observe(box));
  }
  setupGraphs();

  /* ---------- Sortable, filterable tables ---------- */

  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  document.querySelectorAll("table.sortable").forEach((table) => {
    const tbody = table.tBodies[0];
    if (!tbody) return;
    const heads = table.querySelectorAll("th[data-sort]");
    heads.forEach((th) => {
      // A button makes the header reachable and operable from the keyboard.
      const button = el("button");
      button.type = "button";
      button.append(...th.childNodes);
      th.append(button);
      th.addEventListener("click", () => {
        const asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        const col = th.cellIndex;
        const keyed = [...tbody.rows].map((row, i) => {
          const cell = row.cells[col];
          const value = cell ? (cell.dataset.value ?? cell.textContent) : "";
          return [value.trim(), i, row];
        });
        keyed.sort(([a, i], [b, j]) => {
          if (!a !== !b) return a ? -1 : 1; // empty cells sink in both directions
          return (asc ? collator.compare(a, b) : collator.compare(b, a)) || i - j;
        });
        tbody.append(...keyed.map((k) => k[2]));
      });
    });
  });

  document.querySelectorAll("input.table-filter[data-table]").forEach((input) => {
    const table = document.getElementById(input.dataset.table);
    const tbody = table && table.tBodies[0];
    if (!tbody) return;
    const rows = [...tbody.rows];
    const texts = new Map(rows.map((r) => [r, r.textContent.toLowerCase()]));
    const count = document.querySelector("main h1 .count");
    if (count) count.setAttribute("aria-live", "polite");
    const apply = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const match = words.every((w) => texts.get(row).includes(w));
        row.hidden = !match;
        shown += match;
      }
      if (count) count.textContent = words.length ? `${shown} / ${rows.length}` : String(rows.length);
    };
    input.addEventListener("input", apply);
    if (input.value) apply(); // the browser may restore a value on back navigation
  });

  /* ---------- Small touches ---------- */

  if (navigator.clipboard) {
    document.querySelectorAll("pre.highlight").forEach((pre) => {
      // The button lives outside <pre> so it stays put when the code scrolls sideways.
      const wrap = el("div", "code");
      pre.replaceWith(wrap);
      const button = el("button", "copy", "Copy");
      button.type = "button";
      button.setAttribute("aria-label", "Copy code");
      button.addEventListener("click", () => {
        navigator.clipboard.writeText(pre.textContent.replace(/\n$/, "")).then(() => {
          button.textContent = "Copied";
          setTimeout(() => (button.textContent = "Copy"), 1500);
        }, () => {});
      });
      wrap.append(pre, button);
    });
  }

  // A link to a heading or block inside a folded callout, TOC or backlink list must unfold it.
  function revealTarget() {
    let id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return;
    }
    const target = id && document.getElementById(id);
    if (!target) return;
    let opened = false;
    for (let d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.open) (d.open = true), (opened = true);
    }
    if (opened) target.scrollIntoView({ block: "start" });
  }
  revealTarget();
  window.addEventListener("hashchange", revealTarget);
})();
