/** How a lone "-" (standard input) travels through yargs, which would turn it into "". */
export const STDIN_TOKEN = '\u0000stdin';

/** The capture source for a FILE argument: "-" (or its token) means standard input. */
export function inputArg(file: string): string {
  return file === STDIN_TOKEN || file === '-' ? '-' : file;
}

/** The FILE|- positional every capture-reading command takes. */
export const CAPTURE_FILE_POSITIONAL = {
  type: 'string',
  demandOption: true,
  describe: 'a pcap, pcapng or snoop file (gzip is fine), or - for standard input',
} as const;
