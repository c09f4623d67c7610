/** How a lone "-" (standard input) travels through yargs, which would turn it into "". */
export const STDIN_TOKEN = '\u0000stdin';

/** The capture source for a FILE argument: "-" (or its token) means standard input. */
export function inputArg(file: string): string {
  return file === STDIN_TOKEN || file === '-' ? '-' : file;
}
