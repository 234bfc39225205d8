import { constants } from 'node:buffer';
import type { Socket } from 'node:net';
import { DStreamError } from '../../errors.js';
import { Receiver } from '../../receiver/index.js';
import { Logger } from '../../util/logging.js';
import { decodeRawBlock } from './raw-block.js';
import { closeReceiverSocket, connectReceiver } from './receiver-connection.js';

const log = new Logger('RawNetworkReceiver');

/**
 * A TCP client reading blocks, as Spark's `RawNetworkReceiver`: each frame is a 4-byte big-endian
 * length and that many bytes, whose records (see `encodeRawBlock`) are stored as one block at once,
 * bypassing the block generator and the rate limit as Spark's `store(ByteBuffer)` does. A frame is
 * assembled from the chunks it arrived in with one copy. The end of the stream ("End of channel",
 * Spark's message) and any error restart the receiver, which reconnects after the restart delay;
 * a frame cut off by them is lost. A block whose records do not fit in it is dropped and reported
 * to listeners; the next frames are read.
 */
export class RawNetworkReceiver extends Receiver<string> {
  private socket: Socket | undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The length of the frame being read, once its 4 bytes have arrived. */
  private frameLength: number | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    super();
  }

  onStart(): void {
    this.chunks = [];
    this.buffered = 0;
    this.frameLength = undefined;
    this.socket = connectReceiver(this, log, this.host, this.port, () => this.socket, {
      data: (chunk, socket) => {
        try {
          this.receive(chunk);
        } catch (e) {
          socket.destroy();
          this.restart('Error receiving data', e);
        }
      },
      end: () => {
        if (!this.isStopped()) this.restart('End of channel');
      },
    });
  }

  onStop(): void {
    const socket = this.socket;
    this.socket = undefined; // events of the closed socket are ignored from now on
    closeReceiverSocket(socket, log, this.host, this.port);
  }

  /** Takes every complete frame out of what has arrived. */
  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameLength === undefined) {
        if (this.buffered < 4) return;
        const length = this.take(4).readInt32BE(0);
        if (length < 0 || length > constants.MAX_LENGTH) {
          throw new DStreamError(
            'DSTREAM_ERR_RAW_SOCKET_BLOCK',
            `A rawSocketStream frame announced a block of ${length} bytes: the sender does not write 4-byte big-endian block lengths`,
          );
        }
        this.frameLength = length;
      }
      if (this.buffered < this.frameLength) return;
      const block = this.take(this.frameLength);
      this.frameLength = undefined;
      log.debug(`Read a block with ${block.length} bytes`);
      let records: string[];
      try {
        records = decodeRawBlock(block);
      } catch (e) {
        this.reportError((e as Error).message, e);
        continue;
      }
      if (records.length > 0) this.store(records);
    }
  }

  /** The next `n` bytes of what has arrived, copied once only when they span several chunks. */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const used = Math.min(c.length, n - at);
        c.copy(out, at, 0, used);
        at += used;
        if (used === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(used);
      }
    }
    this.buffered -= n;
    return out;
  }
}
