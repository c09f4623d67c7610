/**
 * One state change of one endpoint, with the evidence it rests on (README "How tcplens reads an
 * endpoint's state"). Made by Connection (src/tcp/connection.ts); its evidence is kept up to date
 * by src/tcp/evidence.ts as later segments confirm or contradict it.
 */
import type { EndpointState } from './state.js';

export interface StateChange {
  /** Which endpoint: 'a' (first packet's sender) or 'b'; mapped to client/server on output. */
  endpoint: 'a' | 'b';
  from: EndpointState;
  to: EndpointState;
  /** The frame that caused it, or null for a projected change. */
  frame: number | null;
  tsSec: number;
  tsNsec: number;
  cause: string;
  rfc: string;
  projected: boolean;
  /**
   * witnessed: the endpoint's own captured segment shows it (it sent the SYN, FIN, RST, or
   * acknowledged what arrived); inferred: it rests on the peer's segment arriving when it was
   * captured, and nothing the endpoint sent later proves it; contradicted: later evidence shows
   * that arrival had not happened (the change did not take place).
   */
  evidence: Evidence;
  /** An inferred change later confirmed: the frame of its own segment that proves it. Contradicted: the first frame against it. */
  evidenceFrame: number | null;
  /** Contradicted: the frames against it (the first MAX_CONTRADICTING), and how they contradict it. */
  contradictedBy: number[] | null;
  contradiction: Contradiction | null;
}

export type Evidence = 'witnessed' | 'inferred' | 'contradicted';
/**
 * resent: the peer sent the segment again unchanged, or the endpoint resent what that
 * segment's ACK would have settled; crossed: its own FIN does not acknowledge the FIN assumed
 * to have arrived (Figure 13); reset: it answered the ACK with a RST of the §3.10.7.1 form
 * (no connection took that ACK).
 */
export type Contradiction = 'resent' | 'crossed' | 'reset';

/** Contradicting frames kept per change. */
export const MAX_CONTRADICTING = 16;
