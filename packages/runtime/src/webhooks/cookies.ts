/**
 * Cookies an app sets during a call, sent back on the call's later requests to the same host
 * (apps keep session state this way). Attributes other than expiry are not interpreted: the jar
 * lives only as long as the call.
 */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  /** Records `Set-Cookie` headers of a response from `url`. */
  store(url: URL, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    let cookies = this.byHost.get(url.host);
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      cookies ??= new Map();
      this.byHost.set(url.host, cookies);
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=').map((part) => part.trim());
        return (
          (key.toLowerCase() === 'max-age' && Number(val) <= 0) ||
          (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now())
        );
      });
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  /** The `Cookie` header for a request to `url`, if the host set any. */
  header(url: URL): string | undefined {
    const cookies = this.byHost.get(url.host);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
