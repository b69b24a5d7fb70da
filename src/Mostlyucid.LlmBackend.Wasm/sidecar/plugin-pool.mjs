// A pool of instances of one plugin. Each instance runs in its own worker thread (runInWorker), so a call that loops
// can be stopped (the worker is terminated) without stopping the sidecar, and calls to one plugin run in parallel, one
// per instance. A call that times out or traps throws its instance away; the next call gets a fresh one.

import createPlugin from '@extism/extism';

export class CallFailure extends Error {
  /** code: 'plugin' (the plugin reported an error), 'timeout', 'trap', 'lost' (its instance was recycled), 'host'. */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const PLUGIN_ERROR_PREFIX = 'Plugin-originated error: ';

/** How many calls an instance makes between two resets of its Extism memory (see #resetAndRelease). */
const RESET_AFTER_CALLS = 16;

export class PluginPool {
  #wasm;
  #options;
  #limit;
  #timeoutMs;
  #nextInstanceId = 1;
  #instances = new Map(); // id → { id, plugin (Promise), busy, queue: [] }
  #waiting = []; // unpinned calls waiting for any instance
  #creating = 0;
  #closed = false;
  #resets = true;

  constructor(name, wasm, options, { instances, timeoutMs }) {
    this.name = name;
    this.#wasm = wasm;
    this.#options = options;
    this.#limit = Math.max(1, instances);
    this.#timeoutMs = timeoutMs;
  }

  /** Starts the first instance and returns what the module exports and imports. */
  async start() {
    const instance = this.#create();
    const plugin = await instance.plugin;
    const exports = (await plugin.getExports()).filter(e => e.kind === 'function').map(e => e.name);
    const imports = (await plugin.getImports()).map(i => `${i.module}::${i.name}`);
    // Extism's variables live in the blocks a reset clears: a module that keeps state in them is never reset.
    this.#resets = !imports.includes('extism:host/env::var_set');
    return { exports, imports };
  }

  /**
   * Calls an export. With `instanceId` the call goes to that instance (stream parsers keep their state in one
   * instance); it fails with 'lost' when that instance is gone. Returns { output, instanceId }.
   */
  async call(functionName, input, instanceId) {
    const { outputs, failure, instanceId: id } = await this.callEach([{ functionName, input }], instanceId);
    if (failure) throw failure;
    return { output: outputs[0], instanceId: id };
  }

  /**
   * Calls exports one after another on one instance (`instanceId`, or any free one), as one call would: the calls of
   * one frame, such as the lines of a stream that arrived together. Stops at the first that fails. Returns
   * { outputs, failure, instanceId }: the outputs of the calls that returned, in order, and the CallFailure of the one
   * that did not (undefined when all returned). Throws only when no instance can take the calls.
   */
  async callEach(calls, instanceId) {
    if (this.#closed) throw new CallFailure('host', `plugin '${this.name}' was unloaded`);
    const instance = instanceId ? this.#instances.get(instanceId) : await this.#acquire();
    if (!instance) {
      throw new CallFailure('lost', `the plugin instance that held this call's state was restarted after a failure; the state (for example a stream parser) is gone`);
    }

    if (instanceId) {
      await this.#enter(instance);
      if (!this.#instances.has(instance.id)) {
        this.#release(instance);
        throw new CallFailure('lost', `the plugin instance that held this call's state was restarted after a failure; the state (for example a stream parser) is gone`);
      }
    }

    const outputs = [];
    try {
      for (const { functionName, input } of calls) {
        try {
          const plugin = await instance.plugin;
          const output = await this.#withTimeout(plugin.call(functionName, input), instance, functionName);
          outputs.push(output ? output.bytes() : new Uint8Array(0));
        } catch (error) {
          return { outputs, failure: this.#failure(error, instance, functionName), instanceId: instance.id };
        }
      }

      return { outputs, instanceId: instance.id };
    } finally {
      // The answer goes back at once; when a reset is due, the instance takes its next call once it is done.
      this.#resetAndRelease(instance, calls.length);
    }
  }

  async close() {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new CallFailure('host', `plugin '${this.name}' was unloaded`));
    await Promise.allSettled([...this.#instances.values()].map(i => this.#discard(i)));
  }

  #create() {
    const instance = { id: this.#nextInstanceId++, busy: false, queue: [] };
    instance.plugin = createPlugin({ wasm: [{ data: this.#wasm }] }, this.#options);
    // A module that fails to instantiate must not leave an unobserved rejection behind.
    instance.plugin.catch(() => this.#instances.delete(instance.id));
    this.#instances.set(instance.id, instance);
    return instance;
  }

  async #acquire() {
    for (const instance of this.#instances.values()) {
      if (!instance.busy && instance.queue.length === 0) {
        instance.busy = true;
        return instance;
      }
    }

    if (this.#instances.size < this.#limit) {
      const instance = this.#create();
      instance.busy = true;
      return instance;
    }

    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #enter(instance) {
    if (!instance.busy) {
      instance.busy = true;
      return Promise.resolve();
    }

    return new Promise(resolve => instance.queue.push(resolve));
  }

  /**
   * Extism's JavaScript runtime keeps every call's input and output in host-side blocks until the plugin is reset, and
   * passes the whole list of blocks between the threads on every call: never reset, each call costs more than the one
   * before (a few thousand calls in, over a millisecond each) and the memory is never given back. Extism's own runtime
   * resets before every call; this pool resets an instance after every RESET_AFTER_CALLS calls, once the answer has
   * gone back (a reset is a round trip to the worker, as costly as a small call). The reset clears those blocks only:
   * the module's linear memory, where a stream parser keeps its state, is untouched.
   */
  #resetAndRelease(instance, calls) {
    instance.callsSinceReset = (instance.callsSinceReset ?? 0) + calls;
    if (!this.#resets || !this.#instances.has(instance.id) || instance.callsSinceReset < RESET_AFTER_CALLS) {
      this.#release(instance);
      return;
    }

    // A reset that fails or does not come back means the instance's worker is gone: throw the instance away.
    instance.plugin
      .then(plugin => this.#withTimeout(plugin.reset(), instance, 'reset'))
      .catch(() => this.#discard(instance))
      .finally(() => {
        instance.callsSinceReset = 0;
        this.#release(instance);
      });
  }

  #release(instance) {
    if (!this.#instances.has(instance.id)) {
      this.#wakeOne();
      return;
    }

    const pinned = instance.queue.shift();
    if (pinned) {
      pinned();
      return;
    }

    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve(instance);
      return;
    }

    instance.busy = false;
  }

  #wakeOne() {
    // An instance was thrown away: a waiting call gets a new one.
    if (this.#waiting.length > 0 && this.#instances.size < this.#limit && !this.#closed) {
      const instance = this.#create();
      instance.busy = true;
      this.#waiting.shift().resolve(instance);
    }
  }

  async #withTimeout(promise, instance, functionName) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CallFailure('timeout', `${functionName} did not return within ${this.#timeoutMs} ms; the plugin instance was stopped`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #failure(error, instance, functionName) {
    if (error instanceof CallFailure) {
      if (error.code === 'timeout') this.#discard(instance);
      return error;
    }

    const message = String(error?.message ?? error);
    if (message.startsWith(PLUGIN_ERROR_PREFIX)) {
      return new CallFailure('plugin', message.slice(PLUGIN_ERROR_PREFIX.length));
    }

    // Anything else is the sandbox stopping the plugin: a trap (unreachable, out of bounds, out of memory), a stack
    // overflow, or a worker that died. The instance's state cannot be trusted any more.
    this.#discard(instance);
    return new CallFailure('trap', `${functionName} trapped: ${message}`);
  }

  async #discard(instance) {
    if (!this.#instances.delete(instance.id)) return;
    for (const pinned of instance.queue.splice(0)) pinned();
    try {
      const plugin = await instance.plugin;
      await plugin.close();
    } catch {
      // A worker that failed to start or already died has nothing left to close.
    }
  }
}
