// Caps a WebAssembly module's own linear memory by rewriting its memory section so every defined memory declares a
// maximum. The engine then refuses to grow past it: `memory.grow` returns -1 and the plugin's allocator traps, which
// ends that call only. @extism/extism 1.0.3 has no memory limit of its own, so this is the sandbox's memory cap.

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const MEMORY_SECTION = 5;

function readUleb(bytes, position) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    if (position >= bytes.length) throw new Error('the module ends inside a number (truncated file?)');
    byte = bytes[position++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, position];
}

function writeUleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/**
 * Returns a copy of `bytes` whose defined memories have at most `maxPages` 64 KiB pages.
 * Throws when the module is not WebAssembly or needs more than `maxPages` to start.
 */
export function limitMemory(bytes, maxPages) {
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('the file is not a WebAssembly module (no \\0asm header)');
  }

  let position = 8;
  while (position < bytes.length) {
    const id = bytes[position];
    const [size, bodyStart] = readUleb(bytes, position + 1);
    const end = bodyStart + size;
    if (id !== MEMORY_SECTION) {
      position = end;
      continue;
    }

    let [count, cursor] = readUleb(bytes, bodyStart);
    const body = [...writeUleb(count)];
    for (let i = 0; i < count; i++) {
      const flags = bytes[cursor++];
      if (flags & ~1) throw new Error(`the module uses shared or 64-bit memory (flags 0x${flags.toString(16)}), which the sandbox cannot cap`);
      let minimum;
      let maximum;
      [minimum, cursor] = readUleb(bytes, cursor);
      if (flags & 1) [maximum, cursor] = readUleb(bytes, cursor);
      if (minimum > maxPages) {
        throw new Error(`the module needs ${minimum} pages (${minimum * 64} KiB) of memory to start, more than the limit of ${maxPages} pages; raise the memory limit`);
      }
      body.push(1, ...writeUleb(minimum), ...writeUleb(maximum === undefined ? maxPages : Math.min(maximum, maxPages)));
    }

    const section = [MEMORY_SECTION, ...writeUleb(body.length), ...body];
    const out = new Uint8Array(position + section.length + (bytes.length - end));
    out.set(bytes.subarray(0, position));
    out.set(section, position);
    out.set(bytes.subarray(end), position + section.length);
    return out;
  }

  return bytes; // no memory section: the module imports its memory or has none
}
