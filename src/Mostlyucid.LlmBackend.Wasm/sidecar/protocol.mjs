// The framed protocol between the .NET host and this sidecar, over the sidecar's stdin (host → sidecar) and stdout
// (sidecar → host). Every frame is:
//
//   u32 length of what follows (little-endian)
//   u32 id       the call it belongs to (the host picks ids for its requests; the sidecar for its callbacks)
//   u8  kind     see Kind
//   u32 header length, then the header: UTF-8 JSON
//   the body: raw bytes (a plugin call's input or output), possibly empty
//
// Ids let many calls be in flight at once; replies come back in whatever order calls finish.
//
// A Call frame's header is {plugin, function, instance?} with the input as its body; or, for several calls run one after
// another on one instance (the lines of a stream that arrived together: one frame, not one per line), {plugin, instance?,
// calls: [[function, input length], …]} with the inputs one after another as its body. A batch is answered Ok with
// {instance, lengths: [output length, …], error?: {code, message}} and the outputs one after another: the calls before
// the one that failed (if one did) returned those outputs; the calls after it were not made.

export const Kind = Object.freeze({
  // host → sidecar
  Load: 1,
  Call: 2,
  Unload: 3,
  HttpReply: 4,
  // sidecar → host
  Ok: 10,
  Error: 11,
  Log: 12,
  HttpRequest: 13,
  Ready: 14,
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Encodes one frame. */
export function encodeFrame(id, kind, header, body = EMPTY) {
  const headerBytes = encoder.encode(JSON.stringify(header ?? {}));
  const frame = Buffer.allocUnsafe(4 + 4 + 1 + 4 + headerBytes.length + body.length);
  frame.writeUInt32LE(frame.length - 4, 0);
  frame.writeUInt32LE(id >>> 0, 4);
  frame.writeUInt8(kind, 8);
  frame.writeUInt32LE(headerBytes.length, 9);
  frame.set(headerBytes, 13);
  frame.set(body, 13 + headerBytes.length);
  return frame;
}

/** Splits a byte stream into frames; calls onFrame(id, kind, header, body) for each complete one. */
export class FrameReader {
  #buffer = Buffer.alloc(0);

  constructor(onFrame) {
    this.onFrame = onFrame;
  }

  push(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32LE(0);
      if (this.#buffer.length < 4 + length) return;
      const frame = this.#buffer.subarray(4, 4 + length);
      this.#buffer = this.#buffer.subarray(4 + length);
      const id = frame.readUInt32LE(0);
      const kind = frame.readUInt8(4);
      const headerLength = frame.readUInt32LE(5);
      const header = JSON.parse(decoder.decode(frame.subarray(9, 9 + headerLength)));
      // Copy the body: the plugin call may outlive this chunk's buffer.
      const body = new Uint8Array(frame.subarray(9 + headerLength));
      this.onFrame(id, kind, header, body);
    }
  }
}
