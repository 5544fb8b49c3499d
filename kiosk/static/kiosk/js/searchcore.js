// The kiosk's offline search: the rules of content_feed/search.py applied to the
// bundle, so that a search without the server finds what the server would.
// Pure functions, no DOM: tests/search_vectors.json is run against both.

export const MAX_QUERY = 40;
export const MAX_TERMS = 5;
export const TIERS = ["title", "summary", "body"];

// Query text as compared: full-width to half-width, lower case, no spaces.
export function normalize(text) {
  return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, "");
}

// Document text as compared, keeping every position when it can.
export function fold(text) {
  const t = text || "";
  const folded = t.normalize("NFKC").toLowerCase();
  return folded.length === t.length ? folded : t.toLowerCase();
}

// The words of a query, each normalised, in order, each once.
export function terms(query) {
  const out = [];
  for (const part of (query || "").normalize("NFKC").split(/\s+/)) {
    const term = normalize(part).slice(0, MAX_QUERY);
    if (term && !out.includes(term)) out.push(term);
  }
  return out.slice(0, MAX_TERMS);
}

export const isPinyin = (term) => /^[a-z]+$/.test(term);
// Fewer letters are not looked for in summaries and bodies (content_feed/search.py).
export const MIN_SPELLED = 2;

// A text's pinyin (one syllable per character): initials, run together, and where
// each character's syllable starts.
export function spell(sylls) {
  const starts = [];
  let pos = 0;
  for (const s of sylls) {
    starts.push(pos);
    pos += s.length;
  }
  return { initials: sylls.map((s) => s[0]).join(""), full: sylls.join(""), starts };
}

// The characters a pinyin term matches in a spelled text: initials, or full pinyin
// starting on a syllable.
export function spelledSpans(sp, term) {
  if (!sp || term.length < MIN_SPELLED) return [];
  return merge(literalSpans(sp.initials, term).concat(syllableSpans(sp.full, sp.starts, term)));
}

const spelledIn = (sp, term) => spelledSpans(sp, term).length > 0;

// A searchable document; `pinyin` is one syllable per title character, `spelled` the
// syllables of its summary and body (guides and windows; both from the server).
export function makeDoc({ kind, id, title, summary, body, pinyin, spelled, info }) {
  const sylls = pinyin || [];
  const starts = [];
  let pos = 0;
  for (const s of sylls) {
    starts.push(pos);
    pos += s.length;
  }
  return {
    kind, id, title, summary: summary || "", body: body || "", info: info || {},
    n_title: fold(title), n_summary: fold(summary), n_body: fold(body),
    initials: sylls.map((s) => s[0]).join(""), full: sylls.join(""), starts,
    py_summary: spelled ? spell(spelled[0]) : null, py_body: spelled ? spell(spelled[1]) : null,
  };
}

// Characters covered by `term` read as pinyin starting on a syllable of `full`.
function syllableSpans(full, starts, term) {
  const spans = [];
  starts.forEach((start, index) => {
    if (full.startsWith(term, start)) {
      const end = start + term.length;
      let last = index;
      while (last + 1 < starts.length && starts[last + 1] <= end - 1) last++;
      spans.push([index, last + 1]);
    }
  });
  return spans;
}

const fullSpans = (doc, term) => syllableSpans(doc.full, doc.starts, term);

function literalSpans(text, term) {
  const spans = [];
  let at = text.indexOf(term);
  while (at >= 0) {
    spans.push([at, at + term.length]);
    at = text.indexOf(term, at + term.length);
  }
  return spans;
}

function merge(spans) {
  const out = [];
  for (const [a, b] of spans.sort((x, y) => x[0] - y[0] || x[1] - y[1])) {
    if (out.length && a <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(b, out[out.length - 1][1]);
    else out.push([a, b]);
  }
  return out;
}

// Where `doc` holds the best-placed of `variants`: 0 title, 1 summary, 2 body, or -1.
export function tierOf(doc, variants) {
  let best = -1;
  for (const v of variants) {
    if (doc.n_title.includes(v)) return 0;
    if (isPinyin(v) && (doc.initials.includes(v) || (doc.full.includes(v) && fullSpans(doc, v).length))) return 0;
    const pinyin = isPinyin(v);
    if (doc.n_summary.includes(v) || (pinyin && spelledIn(doc.py_summary, v))) best = 1;
    else if (best < 0 && (doc.n_body.includes(v) || (pinyin && spelledIn(doc.py_body, v)))) best = 2;
  }
  return best;
}

function titleSpans(doc, variants) {
  let spans = [];
  for (const v of variants) {
    let found = literalSpans(doc.n_title, v);
    if (!found.length && isPinyin(v)) {
      found = literalSpans(doc.initials, v);
      if (!found.length) found = fullSpans(doc, v);
    }
    spans = spans.concat(found);
  }
  return merge(spans);
}

const SNIPPET = 36;

function snippet(text, folded, variants, spelled) {
  const every = [
    ...variants.flatMap((v) => literalSpans(folded, v)),
    ...variants.filter(isPinyin).flatMap((v) => spelledSpans(spelled, v)),
  ];
  if (!every.length) return [text.slice(0, SNIPPET * 2), []];
  const start = Math.max(0, Math.min(...every.map(([a]) => a)) - Math.floor(SNIPPET / 3));
  const end = Math.min(text.length, start + SNIPPET * 2);
  const prefix = start > 0 ? "…" : "";
  const suffix = end < text.length ? "…" : "";
  const spans = merge(every.filter(([a, b]) => a < end && b > start).map(([a, b]) => [Math.max(a, start) - start, Math.min(b, end) - start]))
    .map(([a, b]) => [a + prefix.length, b + prefix.length]);
  return [prefix + text.slice(start, end) + suffix, spans];
}

// Documents (in rank order) holding every word of `query`, best tier first.
export function searchDocs(docs, query, abbreviations = {}) {
  const groups = terms(query).map((w) => [w, ...(abbreviations[w] || [])]);
  if (!groups.length) return [];
  const ranked = [];
  docs.forEach((doc, n) => {
    let worst = 0;
    for (const variants of groups) {
      const tier = tierOf(doc, variants);
      if (tier < 0) return;
      worst = Math.max(worst, tier);
    }
    ranked.push([worst, n]);
  });
  ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const every = groups.flat();
  return ranked.map(([tier, n]) => {
    const doc = docs[n];
    const [text, folded, spelled] = tier === 2 ? [doc.body, doc.n_body, doc.py_body] : [doc.summary, doc.n_summary, doc.py_summary];
    const [snip, spans] = snippet(text, folded, every, spelled);
    return {
      kind: doc.kind, id: doc.id, title: doc.title, title_spans: titleSpans(doc, every),
      snippet: snip, snippet_spans: spans, matched_in: TIERS[tier], ...doc.info,
    };
  });
}
