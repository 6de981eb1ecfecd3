/**
 * The error reference written out: Markdown for docs/errors.md, and the HTML page the server
 * serves at `/docs/errors` (one anchor per code, so `more_info` links land on their entry).
 */
import { type ErrorEntry, type ErrorFamily, errorReference, FAMILIES } from './index.js';

// Every family, in the page's order: a family left out would leave its codes off the page.
const ORDER = Object.keys({
  rest: 0,
  calls: 0,
  markup: 0,
  devices: 0,
  rooms: 0,
  registration: 0,
  commands: 0,
  cluster: 0,
} satisfies Record<ErrorFamily, 0>) as ErrorFamily[];

function byFamily(): Array<[ErrorFamily, ErrorEntry[]]> {
  const entries = errorReference();
  return ORDER.map((family) => [family, entries.filter((entry) => entry.family === family)]);
}

/** The generated part of docs/errors.md. */
export function errorsMarkdown(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const sections = byFamily().map(([family, entries]) => {
    const rows = entries.map(
      (e) => `| <a id="${e.code}"></a>${e.code} | ${cell(e.title)} | ${cell(e.meaning)} | ${cell(e.action)} |`,
    );
    return [
      `## ${FAMILIES[family].title}`,
      '',
      FAMILIES[family].intro,
      '',
      '| Code | Name | What it means | What to do |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return sections.join('\n\n');
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Escaped, with `code spans` as <code>. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6478; --line: #e3e7ef; --accent: #3558d6; --soft: #f5f7fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header { background: linear-gradient(120deg, #1f2a55, #3558d6); color: #fff; padding: 40px 24px 32px; }
header .wrap, main { max-width: 1080px; margin: 0 auto; }
header p { margin: 8px 0 0; color: #d9e1ff; max-width: 720px; }
.brand { font-weight: 700; letter-spacing: .04em; text-transform: uppercase; font-size: 13px; color: #b9c6ff; }
h1 { margin: 6px 0 0; font-size: 32px; }
nav { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 20px; }
nav a { color: #fff; text-decoration: none; border: 1px solid rgba(255,255,255,.35); border-radius: 999px; padding: 4px 14px; font-size: 14px; }
nav a:hover { background: rgba(255,255,255,.12); }
main { padding: 8px 24px 64px; }
section { margin-top: 36px; }
h2 { font-size: 22px; margin: 0 0 4px; }
section > p { color: var(--muted); margin: 0 0 14px; }
table { width: 100%; border-collapse: collapse; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th { text-align: left; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: var(--soft); }
th, td { padding: 10px 14px; border-bottom: 1px solid var(--line); vertical-align: top; }
tr:last-child td { border-bottom: none; }
td.code a { font: 600 14px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--accent); text-decoration: none; }
td.name { font-weight: 600; width: 22%; }
tr:target { background: #fff7d6; box-shadow: inset 4px 0 0 #f0b400; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
header code { background: rgba(255,255,255,.14); border-color: rgba(255,255,255,.3); color: #fff; }
footer { color: var(--muted); font-size: 13px; max-width: 1080px; margin: 0 auto; padding: 0 24px 40px; }
`;

/** The page served at `/docs/errors`. */
export function errorsHtml(): string {
  const sections = byFamily().map(([family, entries]) => {
    const rows = entries
      .map(
        (e) =>
          `<tr id="${e.code}"><td class="code"><a href="#${e.code}">${e.code}</a></td><td class="name">${inline(e.title)}</td><td>${inline(e.meaning)}</td><td>${inline(e.action)}</td></tr>`,
      )
      .join('\n');
    return `<section id="${family}"><h2>${inline(FAMILIES[family].title)}</h2><p>${inline(FAMILIES[family].intro)}</p>
<table><thead><tr><th>Code</th><th>Name</th><th>What it means</th><th>What to do</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
  });
  const nav = ORDER.map((family) => `<a href="#${family}">${inline(FAMILIES[family].title)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error reference · Patchbay</title><style>${STYLE}</style></head>
<body><header><div class="wrap"><div class="brand">Patchbay</div><h1>Error reference</h1>
<p>Every code Patchbay answers or records, what it means, and what to do about it. The <code>more_info</code> link of an error or a notification opens its entry here.</p>
<nav>${nav}</nav></div></header>
<main>${sections.join('\n')}</main>
<footer>${errorReference().length} codes. The same reference is docs/errors.md in the Patchbay repository.</footer>
</body></html>
`;
}
