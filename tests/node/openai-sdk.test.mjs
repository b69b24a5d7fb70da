// The gateway through the official `openai` npm package. GATEWAY_URL, GATEWAY_KEY and EXPECTED_ALPHA (the fake provider's
// vector for "alpha", as JSON) come from the .NET test that starts the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `${process.env.GATEWAY_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: process.env.GATEWAY_KEY, maxRetries: 0 });
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

test('chat completion', async () => {
  const completion = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'Hello from Node' }] });
  assert.equal(completion.choices[0].message.content, 'Echo from gpt-fake: Hello from Node');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage.total_tokens > 0);
});

test('streamed text equals the whole text, with usage', async () => {
  const messages = [{ role: 'user', content: 'stream some words please' }];
  const whole = await client.chat.completions.create({ model: 'claude-fake', messages });
  const stream = await client.chat.completions.create({ model: 'claude-fake', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, whole.choices[0].message.content);
  assert.ok(usage.prompt_tokens > 0);
});

for (const model of ['gpt-fake', 'claude-fake']) {
  test(`streamed tool call deltas are reassembled by the SDK (${model})`, async () => {
    const runner = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0].message.tool_calls[0];
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

    const final = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        completion.choices[0].message,
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
      ],
    });
    assert.equal(final.choices[0].message.content, 'The tool said: sunny, 21C');
  });
}

test('parallel tool calls stream as separate indexed calls', async () => {
  const runner = client.chat.completions.stream({
    model: 'parallel-gpt',
    messages: [{ role: 'user', content: 'both' }],
    tools: [weatherTool, { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } }],
  });
  const calls = (await runner.finalChatCompletion()).choices[0].message.tool_calls;
  assert.deepEqual(calls.map((c) => c.function.name), ['get_weather', 'get_time']);
  assert.notEqual(calls[0].id, calls[1].id);
});

test('embeddings: the SDK asks for base64 and decodes it', async () => {
  const result = await client.embeddings.create({ model: 'embed-fake', input: ['alpha', 'beta'] });
  assert.equal(result.data.length, 2);
  const expected = JSON.parse(process.env.EXPECTED_ALPHA);
  result.data[0].embedding.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `component ${i}: ${value} vs ${expected[i]}`));
});

test('embeddings as floats when asked', async () => {
  const result = await client.embeddings.create({ model: 'embed-fake', input: 'alpha', encoding_format: 'float' });
  assert.equal(result.data[0].embedding.length, 8);
});

test('model list', async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    ids.push(model.id);
  }
  assert.ok(ids.includes('gpt-fake') && ids.includes('smart') && ids.includes('claude-fake'), ids.join(','));
});

test('errors map to the SDK error classes', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }), OpenAI.NotFoundError);
  await assert.rejects(client.chat.completions.create({ model: 'no-such-model', stream: true, messages: [{ role: 'user', content: 'x' }] }), OpenAI.NotFoundError);
  await assert.rejects(client.chat.completions.create({ model: 'error-429', messages: [{ role: 'user', content: 'x' }] }), OpenAI.RateLimitError);
  await assert.rejects(client.chat.completions.create({ model: 'context-too-long', messages: [{ role: 'user', content: 'x' }] }), OpenAI.BadRequestError);
  const stranger = new OpenAI({ baseURL, apiKey: 'not-a-gateway-key-0000', maxRetries: 0 });
  await assert.rejects(stranger.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);
});
