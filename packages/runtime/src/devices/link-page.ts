/**
 * The page a person sees when they open the email verification link (docs/registration.md#by-email):
 * what the link would confirm with a Confirm button, the outcome once confirmed, or what went
 * wrong in words with its code. Opening the link changes nothing: the confirmation is the form's
 * POST, so a mail scanner that prefetches links consumes none. Self-contained (no script, no
 * external resource; the one inline style allowed by its hash in the Content-Security-Policy).
 * API clients that ask for `Accept: application/json` get JSON instead (see `wantsJson`).
 *
 * @example
 * return linkPage({ type: 'confirm', deviceId, address, token });
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RestError } from '../api/http.js';
import type { ResourceResult } from '../api/resources/context.js';
import { ERRORS_PAGE } from '../error-codes/index.js';
import { escapeHtml } from '../error-codes/render.js';

export type LinkOutcome =
  | { readonly type: 'confirm'; readonly deviceId: string; readonly address: string; readonly token: string }
  | { readonly type: 'confirmed'; readonly address: string }
  | { readonly type: 'refused'; readonly error: RestError };

const STYLE = `
:root { color-scheme: light dark; --ink: #1d2433; --muted: #4f5870; --card: #fff; --page: #eef1f7; --accent: #2f4fc4; --bad: #a3261b; }
@media (prefers-color-scheme: dark) { :root { --ink: #e8ecf6; --muted: #b4bdd3; --card: #1b2233; --page: #10141f; --accent: #9db1ff; --bad: #ff9c91; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px; background: var(--page); color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 460px; background: var(--card); border-radius: 16px; padding: 32px 28px; box-shadow: 0 8px 30px rgb(16 24 48 / 12%); }
.brand { margin: 0 0 20px; font-size: 13px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--accent); }
h1 { margin: 0 0 12px; font-size: 24px; line-height: 1.25; }
p { margin: 0 0 16px; color: var(--muted); }
strong { color: var(--ink); overflow-wrap: anywhere; }
.code { font-size: 14px; }
.code a { color: var(--accent); }
.refused h1 { color: var(--bad); }
button { width: 100%; margin-top: 8px; padding: 12px 16px; border: 0; border-radius: 10px; background: var(--accent); color: var(--card); font: inherit; font-weight: 600; cursor: pointer; }
button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; }
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Nothing but the inline style: no script, no image, no font, no frame; forms post back here only. */
export const LINK_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

/** What a person is told for the refusals a link can meet (the error's own message otherwise). */
const IN_WORDS: Readonly<Record<number, { title: string; text: string }>> = {
  91204: {
    title: 'This link was used already',
    text: 'The address was confirmed with it before. Each link works once: if the app still waits, start again from the app.',
  },
  91205: {
    title: 'This link has expired',
    text: 'Links work for ten minutes. Start again from the app to get a new one.',
  },
  91214: {
    title: 'This link is not valid',
    text: 'It is not a link this server sent, or part of it is missing. Open the latest link from the email, whole.',
  },
};

function content(outcome: LinkOutcome): { title: string; body: string; status: number } {
  switch (outcome.type) {
    case 'confirm':
      return {
        status: 200,
        title: 'Confirm your email address',
        body: `<p>The device <strong>${escapeHtml(outcome.deviceId)}</strong> asks to use <strong>${escapeHtml(outcome.address)}</strong>. Confirm only if you started this on that device.</p><form method="post"><input type="hidden" name="Token" value="${escapeHtml(outcome.token)}"><button type="submit">Confirm</button></form>`,
      };
    case 'confirmed':
      return {
        status: 200,
        title: 'Your address is verified',
        body: `<p><strong>${escapeHtml(outcome.address)}</strong> is confirmed. You can close this page: the app knows.</p>`,
      };
    case 'refused': {
      const { error } = outcome;
      const words = IN_WORDS[error.code] ?? { title: 'This link cannot be used', text: error.message };
      return {
        status: error.status,
        title: words.title,
        body: `<p>${escapeHtml(words.text)}</p><p class="code">Error <a href="${ERRORS_PAGE}#${error.code}">${error.code}</a></p>`,
      };
    }
  }
}

/** The page, as an answer with its status and headers. */
export function linkPage(outcome: LinkOutcome): NonNullable<ResourceResult> {
  const { title, body, status } = content(outcome);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Patchbay</title><style>${STYLE}</style></head><body><main class="${outcome.type}"><p class="brand">Patchbay</p><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return {
    status,
    write: async (res, headers) => {
      res
        .writeHead(status, {
          ...headers,
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
          'content-security-policy': LINK_PAGE_CSP,
        })
        .end(html);
    },
  };
}

/** An API client asking for JSON (a browser's Accept names text/html, and gets the page). */
export function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}
