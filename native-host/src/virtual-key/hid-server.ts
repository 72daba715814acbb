// The authenticator side of CTAPHID: channel allocation, reassembly, busy/cancel, keepalives.
import { randomInt } from 'node:crypto';
import {
  BROADCAST_CID,
  CAPABILITY,
  CTAPHID_CMD,
  CtapHidError,
  encodeInitResponse,
  fragment,
  HID_ERROR,
  KEEPALIVE_STATUS,
  parsePacket,
  Reassembler,
} from '../ctaphid/frames.js';
import type { RequestContext, TouchResult } from './authenticator.js';

export interface CtapHidServerOptions {
  /** Sends one 64-byte report to the host. */
  send(report: Uint8Array): void;
  /** Runs one CTAPHID_CBOR request; absent on a U2F-only key (CTAPHID_CBOR then answers INVALID_CMD). */
  handleCbor?(request: Uint8Array, ctx: RequestContext): Promise<Uint8Array>;
  /** Runs one CTAPHID_MSG (U2F APDU) request; absent: CTAPHID_MSG answers INVALID_CMD. */
  handleMsg?(apdu: Uint8Array): Promise<Uint8Array>;
  /** Capability flags in the INIT reply (default: WINK and CBOR, plus NMSG when there is no handleMsg). */
  capabilities?: number;
  /** Waits for a touch; resolves early with 'cancelled' when the signal aborts. */
  waitForTouch(signal: AbortSignal): Promise<TouchResult>;
  /** Called while a request waits for a touch (true) and when it stops waiting (false). */
  onTouchWait?(waiting: boolean): void;
  keepaliveIntervalMs?: number;
  /** A message whose continuation packets stop arriving is dropped after this long (CTAPHID MSG_TIMEOUT). */
  messageTimeoutMs?: number;
}

interface Busy {
  cid: number;
  abort: AbortController;
  status: number;
  timer: NodeJS.Timeout;
}

export class CtapHidServer {
  private readonly channels = new Set<number>();
  private nextCid = randomInt(1, 0x7fffffff);
  private assembling: { cid: number; reassembler: Reassembler; timer: NodeJS.Timeout } | null = null;
  private busy: Busy | null = null;
  private closed = false;

  constructor(private readonly options: CtapHidServerOptions) {}

  close(): void {
    this.closed = true;
    if (this.assembling) clearTimeout(this.assembling.timer);
    if (this.busy) {
      clearInterval(this.busy.timer);
      this.busy.abort.abort();
    }
  }

  private reply(cid: number, cmd: number, payload: Uint8Array): void {
    if (this.closed) return;
    for (const r of fragment(cid, cmd, payload)) this.options.send(r);
  }

  private error(cid: number, code: number): void {
    this.reply(cid, CTAPHID_CMD.ERROR, new Uint8Array([code]));
  }

  onReport(report: Uint8Array): void {
    if (this.closed) return;
    let p: ReturnType<typeof parsePacket>;
    try {
      p = parsePacket(report);
    } catch {
      return;
    }
    if (p.cid === 0) {
      this.error(p.cid, HID_ERROR.INVALID_CHANNEL);
      return;
    }
    if (p.kind === 'cont') {
      this.onContinuation(p);
      return;
    }

    if (p.cmd === CTAPHID_CMD.INIT) {
      this.onInit(p.cid, p.data, p.bcnt);
      return;
    }
    if (p.cid === BROADCAST_CID || !this.channels.has(p.cid)) {
      this.error(p.cid, HID_ERROR.INVALID_CHANNEL);
      return;
    }
    if (p.cmd === CTAPHID_CMD.CANCEL) {
      if (this.busy?.cid === p.cid) this.busy.abort.abort();
      return;
    }
    if (this.busy) {
      this.error(p.cid, HID_ERROR.CHANNEL_BUSY);
      return;
    }
    if (this.assembling && this.assembling.cid !== p.cid) {
      this.error(p.cid, HID_ERROR.CHANNEL_BUSY);
      return;
    }
    if (this.assembling) clearTimeout(this.assembling.timer);
    const reassembler = new Reassembler();
    let message: Uint8Array | null;
    try {
      message = reassembler.start(p);
    } catch {
      this.assembling = null;
      this.error(p.cid, HID_ERROR.INVALID_LEN);
      return;
    }
    if (message) {
      this.assembling = null;
      this.dispatch(p.cid, p.cmd, message);
      return;
    }
    const timer = setTimeout(() => {
      if (this.assembling?.reassembler === reassembler) {
        this.assembling = null;
        this.error(p.cid, HID_ERROR.MSG_TIMEOUT);
      }
    }, this.options.messageTimeoutMs ?? 500);
    this.assembling = { cid: p.cid, reassembler, timer };
  }

  private onContinuation(p: Extract<ReturnType<typeof parsePacket>, { kind: 'cont' }>): void {
    const a = this.assembling;
    if (!a || a.cid !== p.cid) return;
    let message: Uint8Array | null;
    try {
      message = a.reassembler.continue(p);
    } catch (err) {
      clearTimeout(a.timer);
      this.assembling = null;
      if (err instanceof CtapHidError) {
        this.error(p.cid, HID_ERROR.INVALID_SEQ);
        return;
      }
      throw err;
    }
    if (!message) return;
    clearTimeout(a.timer);
    this.assembling = null;
    this.dispatch(p.cid, a.reassembler.cmd, message);
  }

  private onInit(cid: number, data: Uint8Array, length: number): void {
    if (length !== 8) {
      this.error(cid, HID_ERROR.INVALID_LEN);
      return;
    }
    const nonce = data.subarray(0, 8);
    let newCid = cid;
    if (cid === BROADCAST_CID) {
      newCid = this.nextCid;
      this.nextCid = this.nextCid >= 0x7ffffffe ? 1 : this.nextCid + 1;
      this.channels.add(newCid);
    } else if (!this.channels.has(cid)) {
      this.error(cid, HID_ERROR.INVALID_CHANNEL);
      return;
    } else {
      // Resynchronise an existing channel: drop what it had in progress.
      if (this.assembling?.cid === cid) {
        clearTimeout(this.assembling.timer);
        this.assembling = null;
      }
      if (this.busy?.cid === cid) this.busy.abort.abort();
    }
    this.reply(
      cid,
      CTAPHID_CMD.INIT,
      encodeInitResponse({
        nonce,
        cid: newCid,
        protocolVersion: 2,
        deviceVersion: [1, 0, 0],
        capabilities:
          this.options.capabilities ??
          CAPABILITY.WINK |
            (this.options.handleCbor ? CAPABILITY.CBOR : 0) |
            (this.options.handleMsg ? 0 : CAPABILITY.NMSG),
      }),
    );
  }

  private dispatch(cid: number, cmd: number, payload: Uint8Array): void {
    switch (cmd) {
      case CTAPHID_CMD.PING: {
        this.reply(cid, CTAPHID_CMD.PING, payload);
        return;
      }
      case CTAPHID_CMD.WINK: {
        this.reply(cid, CTAPHID_CMD.WINK, new Uint8Array(0));
        return;
      }
      case CTAPHID_CMD.CBOR: {
        const handle = this.options.handleCbor;
        if (!handle) break;
        void this.run(cid, CTAPHID_CMD.CBOR, (ctx) => handle(payload, ctx), new Uint8Array([0x7f]));
        return;
      }
      case CTAPHID_CMD.MSG: {
        const handle = this.options.handleMsg;
        if (!handle) break;
        // SW 0x6F00 (no precise diagnosis) if the handler fails.
        void this.run(cid, CTAPHID_CMD.MSG, () => handle(payload), new Uint8Array([0x6f, 0x00]));
        return;
      }
    }
    this.error(cid, HID_ERROR.INVALID_CMD);
  }

  /** Runs one CBOR or MSG request with the channel busy (keepalives, CANCEL) until it answers. */
  private async run(
    cid: number,
    cmd: number,
    handle: (ctx: RequestContext) => Promise<Uint8Array>,
    onFailure: Uint8Array,
  ): Promise<void> {
    const abort = new AbortController();
    const busy: Busy = {
      cid,
      abort,
      status: KEEPALIVE_STATUS.PROCESSING,
      timer: setInterval(() => this.keepalive(busy), this.options.keepaliveIntervalMs ?? 100),
    };
    this.busy = busy;
    const ctx: RequestContext = {
      signal: abort.signal,
      waitForTouch: async () => {
        if (abort.signal.aborted) return 'cancelled';
        busy.status = KEEPALIVE_STATUS.UP_NEEDED;
        this.keepalive(busy);
        this.options.onTouchWait?.(true);
        try {
          return await this.options.waitForTouch(abort.signal);
        } finally {
          this.options.onTouchWait?.(false);
          busy.status = KEEPALIVE_STATUS.PROCESSING;
        }
      },
    };
    let response: Uint8Array;
    try {
      response = await handle(ctx);
    } catch {
      response = onFailure;
    } finally {
      clearInterval(busy.timer);
      if (this.busy === busy) this.busy = null;
    }
    this.reply(cid, cmd, response);
  }

  private keepalive(busy: Busy): void {
    if (this.busy !== busy) return;
    this.reply(busy.cid, CTAPHID_CMD.KEEPALIVE, new Uint8Array([busy.status]));
  }
}
