/** What the error reference says about one numeric code. */
export interface ErrorDoc {
  /** A few words, as a heading. */
  readonly title: string;
  /** What happened, and where a user meets the code. */
  readonly meaning: string;
  /** What to do about it. */
  readonly action: string;
}

export type ErrorTable = Readonly<Record<number, ErrorDoc>>;
