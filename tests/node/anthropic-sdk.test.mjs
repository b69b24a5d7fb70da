// The gateway's Anthropic API through the official `@anthropic-ai/sdk` npm package: token counting (exact through an
// Anthropic backend, an estimate said so in a header otherwise) and the request ids the SDK exposes. GATEWAY_URL and
// GATEWAY_KEY come from the .NET test that starts the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ baseURL: process.env.GATEWAY_URL, apiKey: process.env.GATEWAY_KEY, maxRetries: 0 });
const question = { messages: [{ role: 'user', content: 'one two three' }] };

test('count_tokens through an Anthropic backend is its exact count', async () => {
  const { data, response } = await client.messages.countTokens({ model: 'claude-fake', ...question }).withResponse();
  assert.equal(data.input_tokens, 3); // the fake provider counts words
  assert.equal(response.headers.get('x-llmb-token-count'), 'exact');
});

test('count_tokens through another backend is an estimate, said so in headers', async () => {
  const { data, response } = await client.messages.countTokens({ model: 'gpt-fake', system: 'Be brief.', ...question }).withResponse();
  // o200k_base: 3 for the reply, and per message 3 + the role + the text ("system" 1 + "Be brief." 3; "user" 1 + 3).
  assert.equal(data.input_tokens, 17);
  assert.equal(response.headers.get('x-llmb-token-count'), 'estimate');
  assert.equal(response.headers.get('x-llmb-tokenizer'), 'o200k_base');
});

test('count_tokens for a model the gateway does not have is a NotFoundError with a request id', async () => {
  await assert.rejects(client.messages.countTokens({ model: 'no-such-model', ...question }), (error) => {
    assert.ok(error instanceof Anthropic.NotFoundError);
    assert.match(error.requestID, /^req_/);
    return true;
  });
});

for (const model of ['claude-fake', 'gpt-fake']) {
  test(`messages carry the request id the SDK reads (${model})`, async () => {
    const message = await client.messages.create({ model, max_tokens: 50, ...question });
    assert.match(message._request_id, /^req_[0-9a-f]{32}$/);
    assert.equal(message.id, `msg_${message._request_id}`);
  });

  test(`streams carry the request id too (${model})`, async () => {
    const { data: stream, request_id: requestId } = await client.messages.create({ model, max_tokens: 50, stream: true, ...question }).withResponse();
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.match(requestId, /^req_/);
    assert.ok(text.startsWith(`Echo from ${model}`), text);
  });
}

test('cache_control on system blocks and tools is accepted', async () => {
  const message = await client.messages.create({
    model: 'claude-fake',
    max_tokens: 50,
    system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }],
  });
  assert.equal(message.content[0].text, 'Echo from claude-fake (system: Be brief.\n\nBe kind.): hello');
});
