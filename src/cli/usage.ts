/** A wrong option or argument: reported as "tcplens: MESSAGE" with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
