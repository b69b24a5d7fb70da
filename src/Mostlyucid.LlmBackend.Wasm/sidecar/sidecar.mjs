// The Extism sidecar: a long-lived Node process that hosts WebAssembly plugins for Mostlyucid.LlmBackend.Wasm.
// It reads frames from stdin and writes frames to stdout (see protocol.mjs); nothing else may be written to stdout, so
// console output goes to stderr. It exits when stdin closes (the .NET host is gone).

import { readFile } from 'node:fs/promises';
import { FrameReader, Kind, encodeFrame } from './protocol.mjs';
import { limitMemory } from './memory-limit.mjs';
import { CallFailure, PluginPool } from './plugin-pool.mjs';
import { hostFunctions } from './host-functions.mjs';

for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[method] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

const pools = new Map();
const pendingHttp = new Map(); // callback id → resolve
let nextCallbackId = 1;

function send(id, kind, header, body) {
  process.stdout.write(encodeFrame(id, kind, header, body));
}

function reply(id, result) {
  send(id, Kind.Ok, result.header ?? {}, result.body);
}

function fail(id, code, message) {
  send(id, Kind.Error, { code, message });
}

function pluginLogger(plugin) {
  const forward = level => (...args) => send(0, Kind.Log, { plugin, level, message: args.map(String).join(' ') });
  return { trace: forward(5), debug: forward(4), info: forward(3), log: forward(3), warn: forward(2), error: forward(1) };
}

function askHostToSend(plugin, requestJson) {
  const id = nextCallbackId++;
  return new Promise(resolve => {
    pendingHttp.set(id, resolve);
    send(id, Kind.HttpRequest, { plugin }, new TextEncoder().encode(requestJson));
  });
}

async function load(header) {
  const { plugin, path, maxPages, instances, timeoutMs, wasi } = header;
  if (pools.has(plugin)) {
    await pools.get(plugin).close();
    pools.delete(plugin);
  }

  let bytes;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new CallFailure('load', `cannot read ${path}: ${error.message}`);
  }

  let capped;
  try {
    capped = limitMemory(bytes, maxPages);
  } catch (error) {
    throw new CallFailure('load', `${path}: ${error.message}`);
  }

  const logger = pluginLogger(plugin);
  const options = {
    useWasi: wasi !== false,
    runInWorker: true,
    logger,
    // The plugin sees no environment, no files and no network of its own: its configuration comes with each call,
    // and its HTTP goes through the .NET host.
    config: {},
    allowedPaths: {},
    allowedHosts: [],
    enableWasiOutput: false,
    functions: hostFunctions({
      log: (level, message) => send(0, Kind.Log, { plugin, level, message }),
      http: requestJson => askHostToSend(plugin, requestJson),
    }),
  };

  const pool = new PluginPool(plugin, capped, options, { instances, timeoutMs });
  try {
    const description = await pool.start();
    pools.set(plugin, pool);
    return { header: description };
  } catch (error) {
    await pool.close();
    throw new CallFailure('load', `${path} could not be instantiated: ${error?.message ?? error}`);
  }
}

async function call(header, body) {
  const pool = pools.get(header.plugin);
  if (!pool) throw new CallFailure('host', `plugin '${header.plugin}' is not loaded`);
  if (!header.calls) {
    const { output, instanceId } = await pool.call(header.function, body, header.instance);
    return { header: { instance: instanceId }, body: output };
  }

  // Several calls in one frame (see protocol.mjs): run one after another on one instance; the reply carries the
  // outputs of those that returned and, if one failed, its error.
  const calls = [];
  let offset = 0;
  for (const [functionName, length] of header.calls) {
    calls.push({ functionName, input: body.slice(offset, offset + length) });
    offset += length;
  }

  const { outputs, failure, instanceId } = await pool.callEach(calls, header.instance);
  const reply = { instance: instanceId, lengths: outputs.map(output => output.length) };
  if (failure) reply.error = { code: failure.code, message: failure.message };
  return { header: reply, body: Buffer.concat(outputs) };
}

async function handle(id, kind, header, body) {
  try {
    switch (kind) {
      case Kind.Load:
        reply(id, await load(header));
        break;
      case Kind.Call:
        reply(id, await call(header, body));
        break;
      case Kind.Unload: {
        const pool = pools.get(header.plugin);
        pools.delete(header.plugin);
        await pool?.close();
        reply(id, {});
        break;
      }
      case Kind.HttpReply: {
        const resolve = pendingHttp.get(id);
        pendingHttp.delete(id);
        resolve?.(new TextDecoder().decode(body));
        break;
      }
      default:
        fail(id, 'host', `unknown frame kind ${kind}`);
    }
  } catch (error) {
    if (error instanceof CallFailure) {
      fail(id, error.code, error.message);
    } else {
      fail(id, 'host', String(error?.stack ?? error));
    }
  }
}

const reader = new FrameReader((id, kind, header, body) => {
  handle(id, kind, header, body);
});

process.stdin.on('data', chunk => reader.push(chunk));
process.stdin.on('end', async () => {
  await Promise.allSettled([...pools.values()].map(pool => pool.close()));
  process.exit(0);
});

// A rejection or exception that escaped a call must not take every other plugin down with it.
process.on('unhandledRejection', error => process.stderr.write(`unhandled rejection: ${error?.stack ?? error}\n`));
process.on('uncaughtException', error => process.stderr.write(`uncaught exception: ${error?.stack ?? error}\n`));

send(0, Kind.Ready, { node: process.versions.node, extism: '1.0.3' });
