// notesite. Each feature checks for its own elements; URLs derive from data-root (any subpath works).
"use strict";
(() => {
const root = document.body.dataset.root || "./";
const siteURL = (path) => new URL(root + path, location.href);
const $$ = (sel, from = document) => from.querySelectorAll(sel);
const on = (target, type, fn, opts) => target.addEventListener(type, fn, opts);
const attrs = (node, map) => Object.entries(map).forEach(([k, v]) => node.setAttribute(k, v));
const el = (tag, className = "", textContent = "") => Object.assign(document.createElement(tag), { className, textContent });
const cache = new Map();
function cached(url, parse) {
	if (!cache.has(url)) {
		const p = fetch(url).then((r) => (r.ok ? parse(r) : Promise.reject(new Error(r.status))));
		p.catch(() => cache.delete(url)); // let a later call retry
		cache.set(url, p);
	}
	return cache.get(url);
}
const getJSON = (path) => cached(siteURL(path).href, (r) => r.json());

/* Search */

// Must match the Python indexer exactly, or terms silently miss.
const WORD = /[\p{L}\p{N}]+/gu;
const norm = (text) => text.normalize("NFKC").toLowerCase();
// The indexer drops meta.stop words, so queries must not require them.
const tokenize = (text, stop) => [...new Set(norm(text).match(WORD))].filter((t) => [...t].length > 1 && !stop.has(t));
const hex = (s) => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");
const meta = () => getJSON("static/search/meta.json");

// Docs matching all terms (else any), best first.
async function query(terms) {
	const shards = new Set((await meta()).shards), total = new Map(), hits = new Map();
	for (const q of terms) {
		const key = hex([...q].slice(0, 2).join(""));
		// Unlisted shards don't exist (fetching one logs a 404).
		const shard = shards.has(key) ? await getJSON(`static/search/t-${key}.json`) : {};
		const seen = new Set();
		for (const term in shard) {
			if (!term.startsWith(q)) continue;
			const list = shard[term];
			for (let i = 0; i + 1 < list.length; i += 2) {
				total.set(list[i], (total.get(list[i]) || 0) + list[i + 1] * (term === q ? 1 : 0.5));
				seen.add(list[i]);
			}
		}
		seen.forEach((id) => hits.set(id, (hits.get(id) || 0) + 1));
	}
	let ids = [...total.keys()].filter((id) => hits.get(id) === terms.length);
	if (!ids.length) ids = [...total.keys()];
	return ids.map((id) => ({ id, score: total.get(id) })).sort((a, b) => b.score - a.score || a.id - b.id);
}
async function docs(ids) {
	const size = (await meta()).chunk || 500, chunks = new Map();
	for (const k of new Set(ids.map((id) => Math.floor(id / size)))) {
		chunks.set(k, await getJSON(`static/search/docs-${k}.json`));
	}
	return ids.map((id) => chunks.get(Math.floor(id / size))[id % size]).filter(Boolean);
}
// Text nodes only: the index is data, never markup.
function marked(parent, text, terms) {
	text = String(text);
	let last = 0;
	for (const m of text.matchAll(WORD)) {
		const word = norm(m[0]);
		if (!terms.some((t) => word.startsWith(t))) continue;
		parent.append(text.slice(last, m.index), el("mark", "", m[0]));
		last = m.index + m[0].length;
	}
	parent.append(text.slice(last));
	return parent;
}

$$("form.search").forEach((form, nth) => {
	const input = form.querySelector("input"), box = form.querySelector(".search-results");
	if (!input || !box) return;
	const isPage = form.matches(".search-page"), id = (box.id ||= `search-results-${nth}`);
	let options = [], selected = -1, timer = 0, seq = 0, pending = null;
	attrs(input, { role: "combobox", "aria-autocomplete": "list", "aria-controls": id, "aria-expanded": isPage });
	box.setAttribute("role", "listbox");
	const show = (open) => isPage || (input.setAttribute("aria-expanded", open), (box.hidden = !open));
	const select = (i) => {
		options[selected]?.setAttribute("aria-selected", false);
		const option = options[(selected = i)];
		option?.setAttribute("aria-selected", true);
		option?.scrollIntoView({ block: "nearest" });
		input.setAttribute("aria-activedescendant", option?.id || "");
	};

	async function update() {
		clearTimeout(timer);
		timer = 0;
		const my = ++seq, q = input.value.trim();
		let ranked = [], found = [], terms = [];
		try {
			terms = tokenize(q, new Set((await meta()).stop));
			if (terms.length) ranked = await query(terms);
			found = await docs(ranked.slice(0, isPage ? 50 : 12).map((r) => r.id));
		} catch {}
		if (my !== seq) return; // superseded
		options = found.map(([url, title, kind, subtitle, excerpt], i) => {
			const a = Object.assign(el("a"), { href: siteURL(url).href, id: `${id}-${i}`, tabIndex: -1 });
			attrs(a, { role: "option", "aria-selected": false });
			const sub = (kind === "paper" ? "Paper" : "Note") + (subtitle ? ` · ${subtitle}` : "");
			a.append(marked(el("div", "r-title"), title || url, terms), el("div", "r-sub", sub));
			if (excerpt) a.append(marked(el("div", "r-excerpt"), excerpt, terms));
			return a;
		});
		select(-1);
		box.replaceChildren(...(terms.length && !found.length ? [el("p", "r-empty", `No results for “${q}”.`)] : options));
		show(box.childElementCount > 0 && document.activeElement === input);
	}
	const flush = () => (pending = update());

	on(input, "input", () => {
		clearTimeout(timer);
		timer = setTimeout(flush, 120);
	});
	on(input, "keydown", (e) => {
		const n = options.length, down = e.key === "ArrowDown";
		if ((down || e.key === "ArrowUp") && n) {
			e.preventDefault();
			show(true);
			select(down ? (selected + 1) % n : selected < 1 ? n - 1 : selected - 1);
		} else if (e.key === "Escape" && !box.hidden && !isPage) {
			e.preventDefault(); // else Escape clears the query
			seq++; // drop results in flight
			show(false);
		}
	});
	// Without JS this GETs search/?q=…; with it, Enter opens a result.
	on(form, "submit", async (e) => {
		e.preventDefault();
		if (timer || !pending) flush();
		await pending;
		const q = input.value.trim(), option = options[selected] || options[0];
		if (option) location.href = option.href;
		else if (!isPage && q) location.href = siteURL(`search/?q=${encodeURIComponent(q)}`).href;
	});
	on(form, "focusout", (e) => form.contains(e.relatedTarget) || show(false)); // clicks outside too
	const q = isPage && new URLSearchParams(location.search).get("q");
	if (q) (input.value = q), flush();
});

on(document, "keydown", (e) => {
	if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.("input, textarea, select, [contenteditable]")) return;
	const input = document.querySelector("form.search-page input, form.search input");
	if (input) e.preventDefault(), input.focus(), input.select();
});

/* Link previews */

// A heading's section, a block, a card, or else the whole note.
function extract(doc, hash) {
	const level = (node) => +node?.tagName.match(/^H([1-6])$/)?.[1] || 0;
	let target = null;
	try {
		target = doc.getElementById(decodeURIComponent(hash.slice(1)));
	} catch {}
	if (target?.matches(".block-anchor")) target = target.nextElementSibling;
	const depth = level(target);
	if (depth) {
		const nodes = [target];
		for (let n = target.nextElementSibling; n; n = n.nextElementSibling) {
			const head = n.matches(".block-anchor") ? n.nextElementSibling : n;
			if (level(head) && level(head) <= depth) break;
			nodes.push(n);
		}
		return nodes;
	}
	if (target && !target.closest("aside, header, footer")) return [target];
	const body = doc.querySelector(".note-body") || doc.querySelector("article") || doc.querySelector("main");
	return body ? [...body.children].slice(0, 40) : [];
}

function previewContent(nodes, base) {
	const frag = document.createDocumentFragment();
	frag.append(...nodes.map((node) => document.importNode(node, true)));
	$$("[id]", frag).forEach((n) => n.removeAttribute("id")); // no duplicate ids
	// Relative URLs must resolve against the fetched page.
	for (const a of ["href", "src", "data"]) {
		$$(`[${a}]`, frag).forEach((n) => n.setAttribute(a, new URL(n.getAttribute(a), base).href));
	}
	return frag;
}

const main = document.querySelector("main");
// On touch screens a tap must just follow the link.
if (main && !matchMedia("(pointer: coarse)").matches) {
	let pop = null, anchor = null, showTimer = 0, hideTimer = 0, token = 0;
	const page = (url) => url.pathname.replace(/index\.html$/, "");
	const html = async (r) => new DOMParser().parseFromString(await r.text(), "text/html");
	const hide = (soon) => {
		clearTimeout(showTimer);
		clearTimeout(hideTimer);
		// A grace period lets the pointer reach the popover.
		if (soon === true) return (hideTimer = setTimeout(hide, 250));
		token++;
		pop?.remove();
		pop = anchor = null;
	};
	const show = async (link) => {
		const url = new URL(link.href), hash = url.hash, my = ++token;
		if (url.origin !== location.origin || page(url) === page(location)) return;
		url.hash = "";
		const doc = await cached(url.href, html);
		const nodes = my === token ? extract(doc, hash) : [];
		if (!nodes.length) return;
		pop?.remove();
		pop = el("div", "popover");
		pop.append(previewContent(nodes, url.href));
		on(pop, "mouseenter", () => clearTimeout(hideTimer));
		on(pop, "mouseleave", () => hide(true));
		document.body.append(pop);
		const rect = link.getClientRects()[0], w = pop.offsetWidth, h = pop.offsetHeight;
		let top = rect.bottom + 8;
		if (top + h > innerHeight - 8 && rect.top - h > 16) top = rect.top - h - 8;
		const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - w - 8));
		pop.style.left = `${left + scrollX}px`;
		pop.style.top = `${Math.max(8, top) + scrollY}px`;
	};
	const linkOf = (e) => e.target.closest?.("a.internal");
	const enter = (e) => {
		const link = linkOf(e);
		if (!link) return;
		if (link === anchor) return clearTimeout(hideTimer);
		hide();
		anchor = link;
		showTimer = setTimeout(() => show(link).catch(hide), 300);
	};
	const leave = (e) => {
		const link = linkOf(e);
		if (link && !link.contains(e.relatedTarget)) hide(true);
	};
	on(main, "mouseover", enter);
	on(main, "focusin", enter);
	on(main, "mouseout", leave);
	on(main, "focusout", leave);
	on(document, "keydown", (e) => e.key === "Escape" && hide());
}

/* Graph */

const { sqrt, min, max, hypot } = Math;

// Two hops around the note, nearest first, capped to stay legible.
function neighbourhood(nodes, links, path) {
	const start = nodes.findIndex((n) => n.path === path && n.kind === "note");
	if (start < 0) return null;
	const adj = nodes.map(() => new Set()), keep = new Map([[start, 0]]);
	for (const [s, t] of links) if (nodes[s] && nodes[t]) adj[s].add(t), adj[t].add(s);
	let ring = [start];
	for (let depth = 0; depth < 2; depth++) {
		const next = [];
		for (const v of ring.flatMap((u) => [...adj[u]])) {
			if (!keep.has(v) && keep.size < 150) keep.set(v, keep.size), next.push(v);
		}
		ring = next;
	}
	const sub = links.filter(([s, t]) => keep.has(s) && keep.has(t)).map(([s, t]) => [keep.get(s), keep.get(t)]);
	return [[...keep.keys()].map((i) => nodes[i]), sub];
}

function graphView(box, nodes, links, current, full) {
	const n = nodes.length, adj = nodes.map(() => new Set());
	const [X, Y, VX, VY, deg] = [0, 0, 0, 0, 0].map(() => new Float64Array(n));
	links = links.filter(([s, t]) => s !== t && nodes[s] && nodes[t]);
	for (const [s, t] of links) deg[s]++, deg[t]++, adj[s].add(t), adj[t].add(s);
	const R = deg.map((d) => min(3 + sqrt(d) * 1.6, 14));
	nodes.forEach((node, i) => {
		// Start positions seeded by an id hash (FNV-1a) make layouts repeatable.
		let h = 2166136261;
		for (const c of String(node.id)) h = Math.imul(h ^ c.codePointAt(0), 16777619);
		const a = (h & 0xffff) / 0x10000 * 2 * Math.PI, r = 12 * sqrt(n * ((h >>> 16) + 1) / 0x10001);
		X[i] = r * Math.cos(a);
		Y[i] = r * Math.sin(a);
	});

	let alpha = 1;
	// Barnes–Hut: a far quadtree cell repels as one mass, so big graphs stay smooth.
	const cell = (x, y, s) => ({ x, y, s, m: 0, cx: 0, cy: 0, b: -1, k: null });
	function insert(q, i, depth) {
		if (!q.m) return Object.assign(q, { m: 1, cx: X[i], cy: Y[i], b: i });
		q.cx = (q.cx * q.m + X[i]) / (q.m + 1);
		q.cy = (q.cy * q.m + Y[i]) / (q.m + 1);
		q.m++;
		if (depth > 30) return; // coincident points stay lumped together
		if (!q.k) (q.k = []), into(q, q.b, depth), (q.b = -1);
		into(q, i, depth);
	}
	function into(q, i, depth) {
		const h = q.s / 2, right = X[i] >= q.x + h, low = Y[i] >= q.y + h;
		insert((q.k[right + 2 * low] ||= cell(q.x + right * h, q.y + low * h, h)), i, depth + 1);
	}
	function repel(q, i, strength) {
		if (q.b === i) return;
		let dx = q.cx - X[i], dy = q.cy - Y[i], d2 = dx * dx + dy * dy;
		if (q.k && q.s * q.s > d2 * 0.8) return q.k.forEach((c) => repel(c, i, strength));
		if (d2 < 1e-9) (dx = (i % 7) / 7 - 0.5), (dy = (i % 5) / 5 - 0.4), (d2 = dx * dx + dy * dy);
		const w = strength * q.m / max(d2, 1);
		VX[i] += dx * w;
		VY[i] += dy * w;
	}
	function tick() {
		const x0 = min(...X), y0 = min(...Y), tree = cell(x0, y0, max(max(...X) - x0, max(...Y) - y0) + 1);
		for (let i = 0; i < n; i++) insert(tree, i, 0);
		for (let i = 0; i < n; i++) repel(tree, i, -40 * alpha);
		for (const [s, t] of links) {
			const dx = X[t] + VX[t] - X[s] - VX[s] || 1e-3, dy = Y[t] + VY[t] - Y[s] - VY[s];
			const d = hypot(dx, dy), f = (d - 30) / d * alpha / min(deg[s], deg[t]), b = deg[s] / (deg[s] + deg[t]);
			VX[t] -= dx * f * b, VY[t] -= dy * f * b, VX[s] += dx * f * (1 - b), VY[s] += dy * f * (1 - b);
		}
		for (let i = 0; i < n; i++) {
			// The pull to the centre keeps unlinked nodes near.
			X[i] += VX[i] = (VX[i] - X[i] * 0.04 * alpha) * 0.6;
			Y[i] += VY[i] = (VY[i] - Y[i] * 0.04 * alpha) * 0.6;
		}
		alpha *= 0.9795; // 0.002 ** (1 / 300): it stops after 300 ticks
	}

	const canvas = el("canvas"), ctx = canvas.getContext("2d"), css = getComputedStyle(box), color = {};
	// The link lists tell assistive tech the same.
	attrs(canvas, { role: "img", "aria-label": `Graph of ${n} pages` });
	box.replaceChildren(canvas);
	for (const v of ["note", "paper", "tag", "missing", "link", "accent", "fg", "bg", "muted"]) {
		color[v] = css.getPropertyValue(`--graph-${v}`) || css.getPropertyValue(`--${v}`);
	}
	let W = 0, H = 0, dpr = 1, k = 1, tx = 0, ty = 0, hover = -1, raf = 0, autoFit = true, moved = false;

	function draw() {
		if (autoFit) {
			const x0 = min(...X.map((x, i) => x - R[i])), x1 = max(...X.map((x, i) => x + R[i]));
			const y0 = min(...Y.map((y, i) => y - R[i])), y1 = max(...Y.map((y, i) => y + R[i]));
			k = max(0.02, min((W - 48) / (x1 - x0), (H - 48) / (y1 - y0), full ? 2 : 2.5));
			tx = W / 2 - (x0 + x1) / 2 * k;
			ty = H / 2 - (y0 + y1) / 2 * k;
		}
		ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
		ctx.clearRect(-tx / k, -ty / k, W / k, H / k);
		const near = adj[hover];
		const stroke = (style, width, pairs) => {
			Object.assign(ctx, { strokeStyle: style, lineWidth: width / k }).beginPath();
			for (const [s, t] of pairs) ctx.moveTo(X[s], Y[s]), ctx.lineTo(X[t], Y[t]);
			ctx.stroke();
		};
		stroke(color.link, 1, links);
		if (near) stroke(color.accent, 2, [...near].map((t) => [hover, t]));
		for (let i = 0; i < n; i++) {
			ctx.fillStyle = i === current ? color.fg : color[nodes[i].kind] || color.note;
			ctx.beginPath();
			ctx.arc(X[i], Y[i], R[i], 0, 7);
			ctx.fill();
		}
		// Labels in screen pixels stay crisp at any zoom.
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		Object.assign(ctx, { font: `12px ${css.fontFamily}`, textAlign: "center", lineWidth: 3, strokeStyle: color.bg });
		for (let i = 0; i < n; i++) {
			if (i !== hover && i !== current) continue;
			const text = String(nodes[i].title || nodes[i].id).replace(/^(.{38}).{2,}/, "$1…");
			const sx = X[i] * k + tx, sy = (Y[i] + R[i]) * k + ty + 14;
			ctx.strokeText(text, sx, sy);
			ctx.fillStyle = i === hover ? color.fg : color.muted;
			ctx.fillText(text, sx, sy);
		}
	}
	// The layout depends on the tick count only, never on frame timing.
	function frame() {
		raf = 0;
		const t0 = performance.now();
		while (alpha > 0.002 && performance.now() - t0 < 12) tick();
		if (alpha > 0.002) raf = requestAnimationFrame(frame);
		// With reduced motion, show only the settled layout.
		if (W && H && !(raf && matchMedia("(prefers-reduced-motion: reduce)").matches)) draw();
	}
	const redraw = () => (raf ||= requestAnimationFrame(frame));

	const point = (e) => {
		const r = canvas.getBoundingClientRect();
		return [e.clientX - r.left, e.clientY - r.top];
	};
	const dist = (a, b) => hypot(a[0] - b[0], a[1] - b[1]);
	const pick = ([sx, sy]) => {
		let best = -1, bestD = 4 / k;
		for (let i = 0; i < n; i++) {
			const d = dist([X[i], Y[i]], [(sx - tx) / k, (sy - ty) / k]) - R[i];
			if (d < bestD) (best = i), (bestD = d);
		}
		return best;
	};
	const zoom = ([sx, sy], factor) => {
		const z = min(8, max(0.02, k * factor));
		tx = sx - (sx - tx) * z / k;
		ty = sy - (sy - ty) * z / k;
		k = z;
		autoFit = false;
		redraw();
	};
	const setHover = (i) => i !== hover && ((hover = i), canvas.classList.toggle("pointing", i >= 0), redraw());

	const pointers = new Map();
	on(canvas, "pointerdown", (e) => {
		if (e.button > 0) return;
		canvas.setPointerCapture(e.pointerId);
		pointers.set(e.pointerId, point(e));
		moved = pointers.size > 1;
	});
	on(canvas, "pointermove", (e) => {
		const p = point(e), last = pointers.get(e.pointerId);
		if (!last) return setHover(pick(p));
		const [other] = [...pointers.values()].filter((q) => q !== last);
		if (other) {
			if (full && dist(last, other)) zoom([(p[0] + other[0]) / 2, (p[1] + other[1]) / 2], dist(p, other) / dist(last, other));
		} else if ((moved ||= dist(p, last) > 4)) {
			tx += p[0] - last[0];
			ty += p[1] - last[1];
			autoFit = false;
			redraw();
		} else return; // still a click
		pointers.set(e.pointerId, p);
	});
	const release = (e) => {
		if (!pointers.delete(e.pointerId) || e.type !== "pointerup" || moved || pointers.size) return;
		const i = pick(point(e));
		if (i >= 0) location.href = siteURL(nodes[i].id).href;
	};
	on(canvas, "pointerup", release);
	on(canvas, "pointercancel", release);
	on(canvas, "pointerleave", () => pointers.size || setHover(-1));
	// The sidebar graph leaves the wheel to the page.
	if (full) {
		on(canvas, "wheel", (e) => {
			e.preventDefault();
			zoom(point(e), Math.exp(-e.deltaY / 600));
		}, { passive: false });
	}
	new ResizeObserver(() => {
		dpr = devicePixelRatio || 1;
		[W, H] = [box.clientWidth, box.clientHeight];
		canvas.width = Math.round(W * dpr);
		canvas.height = Math.round(H * dpr);
		redraw();
	}).observe(box);
}

async function startGraph(box) {
	try {
		const { nodes = [], links = [] } = await getJSON("static/graph.json");
		const full = box.dataset.graph !== "local";
		const sub = full ? [nodes, links] : neighbourhood(nodes, links, box.dataset.node);
		if (sub?.[0].length) return graphView(box, ...sub, full ? -1 : 0, full);
	} catch {}
	box.replaceChildren(el("p", "muted", "No graph to show."));
}
// graph.json can be large: fetch it only once a graph nears view.
const lazy = new IntersectionObserver((entries) => entries.forEach((entry) => {
	if (entry.isIntersecting) lazy.unobserve(entry.target), startGraph(entry.target);
}), { rootMargin: "200px" });
$$("div.graph[data-graph]").forEach((box) => lazy.observe(box));

/* Tables */

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
$$("table.sortable").forEach((table) => {
	const tbody = table.tBodies[0], heads = $$("th[data-sort]", table);
	if (tbody) heads.forEach((th) => {
		const button = el("button"); // keyboard access
		button.append(...th.childNodes);
		th.append(button);
		on(th, "click", () => {
			const asc = th.getAttribute("aria-sort") !== "ascending";
			heads.forEach((h) => h.removeAttribute("aria-sort"));
			th.setAttribute("aria-sort", asc ? "ascending" : "descending");
			const rows = [...tbody.rows].map((row) => {
				const cell = row.cells[th.cellIndex];
				return [(cell?.dataset.value ?? cell?.textContent ?? "").trim(), row];
			});
			// Empty cells sink either way.
			rows.sort(([a], [b]) => !a - !b || (asc ? collator.compare(a, b) : collator.compare(b, a)));
			tbody.append(...rows.map((r) => r[1]));
		});
	});
});

$$("input.table-filter[data-table]").forEach((input) => {
	const tbody = document.getElementById(input.dataset.table)?.tBodies[0];
	if (!tbody) return;
	const rows = [...tbody.rows].map((row) => [row, row.textContent.toLowerCase()]);
	const count = document.querySelector("main h1 .count");
	count?.setAttribute("aria-live", "polite");
	const apply = () => {
		const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
		let shown = 0;
		for (const [row, text] of rows) shown += !(row.hidden = !words.every((w) => text.includes(w)));
		if (count) count.textContent = words.length ? `${shown} / ${rows.length}` : rows.length;
	};
	on(input, "input", apply);
	if (input.value) apply(); // a back-button restore
});

/* Touches */

if (navigator.clipboard) $$("pre.highlight").forEach((pre) => {
	// Outside <pre>, it stays put when code scrolls sideways.
	const wrap = el("div", "code"), button = el("button", "copy", "Copy");
	on(button, "click", () => navigator.clipboard.writeText(pre.textContent).then(() => {
		button.textContent = "Copied";
		setTimeout(() => (button.textContent = "Copy"), 1500);
	}, () => {}));
	pre.replaceWith(wrap);
	wrap.append(pre, button);
});

// A link into a folded callout, TOC or list unfolds it.
function reveal() {
	let target = null, opened = false;
	try {
		target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
	} catch {}
	for (let d = target?.closest("details"); d; d = d.parentElement.closest("details")) {
		if (!d.open) d.open = opened = true;
	}
	if (opened) target.scrollIntoView();
}
reveal();
on(window, "hashchange", reveal);
})();
