/**
 * weird.log in Zeek's TSV form (zeek/zeek scripts/base/frameworks/notice/weird.zeek, Weird::Info),
 * for the TCP weirds of the Zeek model. Each Weird("…") call is kept in the JSON connection
 * (zeekRows[].weirds); this log applies weird.zeek's do_weird() to them as Zeek does:
 * - the per-name action (Weird::actions, default ACTION_LOG): IGNORE drops it; LOG_PER_ORIG,
 *   LOG_PER_CONN and LOG_ONCE log it once per originator host, per four-tuple, or once
 *   (did_log, &create_expire = 1 day); NOTICE_* also set `notice` (and dedup via did_notice);
 * - weird_ignore: after a weird is logged, the same name on the same four-tuple is dropped for
 *   10 min (&create_expire), except the checksum weirds (weird_do_not_ignore_repeats).
 * Rows are written as connections end, so the dedup state follows that order (Zeek: packet order).
 */
import type { ConnectionRecord, ZeekRecord, ZeekWeirdRecord } from '../model.js';
import { ZEEK_WEIRD_NAMES, ZEEK_WEIRDS, type WeirdAction } from '../../tcp/zeek/weirds.js';
import { logTime, zeekTime } from './zeek.js';

const FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'name', 'addl', 'notice', 'peer', 'source'];
const TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'bool', 'string', 'string'];

/** Weird::actions (weird.zeek), from the catalogue of the TCP weirds; any other name is ACTION_LOG (&default). */
export const WEIRD_ACTIONS: Readonly<Record<string, WeirdAction>> = Object.fromEntries(ZEEK_WEIRD_NAMES.map((name) => [name, ZEEK_WEIRDS[name].action]));

/** weird_do_not_ignore_repeats (the TCP one). */
const DO_NOT_IGNORE_REPEATS = new Set(['bad_TCP_checksum']);
const WEIRD_IGNORE_SECONDS = 600;
const DID_LOG_SECONDS = 86400;

export function zeekWeirdHeader(now: Date = new Date()): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tweird',
    `#open\t${logTime(now)}`,
    `#fields\t${FIELDS.join('\t')}`,
    `#types\t${TYPES.join('\t')}`,
  ].join('\n');
}

export function zeekWeirdFooter(now: Date = new Date()): string {
  return `#close\t${logTime(now)}`;
}

/** weird.zeek's do_weird() state for one log: which weirds were logged or are being ignored, and when. */
export class ZeekWeirdLog {
  private readonly weirdIgnore = new Map<string, number>();
  private readonly didLog = new Map<string, number>();
  private readonly didNotice = new Map<string, number>();

  /** The weird.log lines of one connection ('' when none). */
  rows(c: ConnectionRecord): string {
    const out: string[] = [];
    for (const z of c.zeekRows) for (const w of z.weirds) this.add(z, w, out);
    return out.join('\n');
  }

  private add(z: ZeekRecord, w: ZeekWeirdRecord, out: string[]): void {
    const action = WEIRD_ACTIONS[w.name] ?? 'LOG';
    const t = Number(w.ts);
    // conn_weird: $identifier = id_string(c$id).
    const identifier = `${z.orig_h}:${z.orig_p} > ${z.resp_h}:${z.resp_p}`;
    if (action === 'IGNORE' || live(this.weirdIgnore, `${w.name}|${identifier}`, t, WEIRD_IGNORE_SECONDS)) return;
    const notice = action.startsWith('NOTICE');
    if (action !== 'LOG' && action !== 'NOTICE') {
      let key = identifier;
      if (action === 'LOG_PER_ORIG' || action === 'NOTICE_PER_ORIG') key = z.orig_h;
      else if (action === 'LOG_ONCE' || action === 'NOTICE_ONCE') key = '';
      const seen = notice ? this.didNotice : this.didLog;
      if (live(seen, `${w.name}|${key}`, t, DID_LOG_SECONDS)) return;
      seen.set(`${w.name}|${key}`, t);
    }
    if (!DO_NOT_IGNORE_REPEATS.has(w.name)) this.weirdIgnore.set(`${w.name}|${identifier}`, t);
    out.push(
      [zeekTime(w.ts), z.uid, z.orig_h, z.orig_p, z.resp_h, z.resp_p, w.name, w.addl === '' ? '-' : w.addl, notice ? 'T' : 'F', 'zeek', w.source === '' ? '-' : w.source].join('\t'),
    );
  }
}

/** A set entry still alive (&create_expire: from when it was added). */
function live(m: Map<string, number>, key: string, t: number, expire: number): boolean {
  const at = m.get(key);
  if (at === undefined) return false;
  if (t - at < expire) return true;
  m.delete(key);
  return false;
}
