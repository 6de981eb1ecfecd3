/** The base of every error @patchbay/media throws: a stable `code` and where it happened. */
export class MediaError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(where ? `${message} (${where})` : message, options);
    this.name = 'MediaError';
  }
}
