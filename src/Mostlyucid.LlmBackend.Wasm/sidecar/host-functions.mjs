// The host functions QueryMT's plugins import from `extism:host/user`. A module that imports one the host does not
// provide cannot be instantiated, so all six exist. Plugins in the request/parse ABI never need them for chat; the
// ones that do HTTP go back to the .NET host, which checks the plugin's allowed hosts and sends the request with its own
// client — a plugin never reaches the network by itself.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NOT_SUPPORTED = JSON.stringify({
  payload: {
    type: 'not_implemented',
    message: 'This host does not open HTTP streams for plugins: build the request with chat_stream_request and parse it with chat_stream_parser_*',
  },
});

/**
 * Creates the host functions for one plugin.
 * log(level, message) forwards plugin logs; http(requestJson) → Promise<responseJson> asks the .NET host to send.
 */
export function hostFunctions({ log, http }) {
  const text = (context, offset) => context.read(offset)?.text() ?? '';

  return {
    'extism:host/user': {
      qmt_log(context, offset) {
        try {
          const record = JSON.parse(text(context, offset));
          log(Number(record.level ?? 3), String(record.message ?? ''), String(record.target ?? ''));
        } catch {
          log(3, text(context, offset), '');
        }
      },

      async qmt_http_request(context, offset) {
        const response = await http(text(context, offset));
        return context.store(encoder.encode(response));
      },

      qmt_http_stream_open(context) {
        return context.store(JSON.stringify({ status: 'error', plugin_error: NOT_SUPPORTED, error_code: 1 }));
      },

      qmt_http_stream_next() {
        return 0n; // end of stream
      },

      qmt_http_stream_close() {},

      qmt_yield_chunk(context, offset) {
        log(2, `qmt_yield_chunk is not used by this host (the plugin's own chat_stream export is not called); dropped: ${decoder.decode(context.read(offset)?.bytes() ?? new Uint8Array(0)).slice(0, 200)}`, '');
      },
    },
  };
}
