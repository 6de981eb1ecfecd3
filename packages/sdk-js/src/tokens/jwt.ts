/**
 * Reading a token's claims without verifying it: what a device needs to know when its token
 * expires and who it is. Runs in browsers and Node (no node: imports). Verification is the
 * server's job.
 */

/** Base64 of a string's UTF-8 bytes (btoa alone takes only Latin-1). */
export function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64url(text: string): string {
  return base64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodePart(part: string): unknown {
  const padded = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export interface TokenClaims {
  readonly identity?: string;
  readonly accountSid?: string;
  /** Expiry in ms since the epoch. */
  readonly expiresAt?: number;
}

/** The claims of an access token, unverified; undefined when it is not a JWT. */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = decodePart(parts[1]) as {
      grants?: { identity?: unknown };
      sub?: unknown;
      exp?: unknown;
    };
    if (typeof payload !== 'object' || payload === null) return undefined;
    return {
      ...(typeof payload.grants?.identity === 'string' ? { identity: payload.grants.identity } : {}),
      ...(typeof payload.sub === 'string' ? { accountSid: payload.sub } : {}),
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    };
  } catch {
    return undefined;
  }
}
