/** The error every backend decoder throws (its own file so decoders do not import each other). */

/** A backend body the backend's `encoding` cannot read; the backend call counts as failed. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}
