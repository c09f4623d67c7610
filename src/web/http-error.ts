/** An answer other than 200 with a message for a person: the error page (or JSON) shows it, never a stack. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
