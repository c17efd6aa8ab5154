/**
 * RFC 6455 framing of many server→client text messages into ONE buffer (unmasked, FIN, opcode 1),
 * so a flush of N events costs one socket write instead of N `ws.send` calls (2 iovecs each).
 * Only used on sockets without extensions (the simulator disables permessage-deflate).
 */
export function encodeTextFrames(frames: readonly string[]): Buffer {
  let total = 0;
  const lengths = new Array<number>(frames.length);
  for (let i = 0; i < frames.length; i++) {
    const n = Buffer.byteLength(frames[i] as string, "utf8");
    lengths[i] = n;
    total += n + (n < 126 ? 2 : n < 65_536 ? 4 : 10);
  }
  const buf = Buffer.allocUnsafe(total);
  let o = 0;
  for (let i = 0; i < frames.length; i++) {
    const n = lengths[i] as number;
    buf[o++] = 0x81;
    if (n < 126) {
      buf[o++] = n;
    } else if (n < 65_536) {
      buf[o++] = 126;
      buf.writeUInt16BE(n, o);
      o += 2;
    } else {
      buf[o++] = 127;
      buf.writeUInt32BE(Math.floor(n / 2 ** 32), o);
      buf.writeUInt32BE(n >>> 0, o + 4);
      o += 8;
    }
    o += buf.write(frames[i] as string, o, "utf8");
  }
  return buf;
}
