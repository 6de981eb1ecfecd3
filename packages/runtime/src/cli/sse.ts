/**
 * Reading a Server-Sent Events stream (the event stream `patchbay calls tail` follows): fields
 * `id`, `event`, `data` (lines joined), `retry`, comments, and the three line endings. Our own
 * few lines instead of a dependency: it reads only the stream our server writes.
 *
 * @example
 * for await (const item of readEvents(response.body)) if (item.kind === 'event') console.log(item.event, item.data);
 */

export type SseItem =
  | { readonly kind: 'event'; readonly id: string | undefined; readonly event: string; readonly data: string }
  | { readonly kind: 'comment'; readonly text: string }
  /** A block with an id and no data: where the stream stands (the reader's Last-Event-ID from now on). */
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'retry'; readonly ms: number };

/** Turns text, as it arrives in chunks of any size, into SSE items. */
export class SseParser {
  private buffer = '';
  private id: string | undefined;
  private event = '';
  private data: string[] = [];
  private idInBlock = false;

  push(text: string): SseItem[] {
    this.buffer += text;
    const items: SseItem[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (end < 0 || (end === this.buffer.length - 1 && this.buffer.endsWith('\r'))) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      const item = this.line(line);
      if (item) items.push(item);
    }
    return items;
  }

  private line(line: string): SseItem | undefined {
    if (line === '') {
      const { data, idInBlock } = this;
      const event = this.event || 'message';
      this.data = [];
      this.event = '';
      this.idInBlock = false;
      if (data.length > 0) return { kind: 'event', id: this.id, event, data: data.join('\n') };
      return idInBlock && this.id !== undefined ? { kind: 'id', id: this.id } : undefined;
    }
    if (line.startsWith(':')) return { kind: 'comment', text: line.slice(1).trim() };
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
      this.idInBlock = true;
    } else if (field === 'retry' && /^\d+$/.test(value)) return { kind: 'retry', ms: Number(value) };
    return undefined;
  }
}

/** The items of an SSE response body, as they arrive. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseItem> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
}
