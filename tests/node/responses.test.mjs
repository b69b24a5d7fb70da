// The gateway's Responses API (POST /v1/responses) through clients nobody here wrote, each with its default settings:
// the official `openai` npm package, the Vercel AI SDK (`createOpenAI(...)(model)` uses the Responses API and stores
// responses by default, so later turns arrive as item_reference items) and LangChain JS (`useResponsesApi: true`).
// GATEWAY_URL and GATEWAY_KEY come from the .NET test that starts the gateway (ResponsesNodeTests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, generateObject, tool, stepCountIs } from 'ai';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';

const baseURL = `${process.env.GATEWAY_URL}/v1`;
const apiKey = process.env.GATEWAY_KEY;
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const models = ['gpt-fake', 'claude-fake'];
const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

/** A fetch that keeps every request body it sends, so a test can see what a client put on the wire. */
function recordingFetch() {
  const bodies = [];
  const fetchAndRecord = async (url, init) => {
    if (init?.body) bodies.push(JSON.parse(init.body));
    return fetch(url, init);
  };
  return { bodies, fetch: fetchAndRecord };
}

for (const model of models) {
  test(`openai: responses.create answers with output_text and usage (${model})`, async () => {
    const response = await client.responses.create({ model, input: 'Hello from Node', instructions: 'Be brief' });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, `Echo from ${model} (system: Be brief): Hello from Node`);
    assert.ok(response.usage.input_tokens > 0);
    assert.equal(response.usage.output_tokens_details.reasoning_tokens, 0);
  });

  test(`openai: responses.stream events end in the final response (${model})`, async () => {
    const stream = client.responses.stream({ model, input: 'stream some words please' });
    let text = '';
    const types = [];
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.output_text.delta', (event) => { text += event.delta; });
    const final = await stream.finalResponse();
    assert.equal(text, `Echo from ${model}: stream some words please`);
    assert.equal(final.output_text, text);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
  });

  test(`openai: a function tool round trip (${model})`, async () => {
    const input = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model, input, tools: [weatherTool], store: false });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
    const second = await client.responses.create({
      model,
      tools: [weatherTool],
      store: false,
      input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21C' }],
    });
    assert.equal(second.output_text, 'The tool said: sunny, 21C');
  });

  test(`openai: responses.parse with a zod text format (${model})`, async () => {
    const Place = z.object({ city: z.string(), temperature: z.number() });
    const response = await client.responses.parse({ model, input: 'Where is it warm?', text: { format: zodTextFormat(Place, 'place') } });
    assert.deepEqual(response.output_parsed, { city: 'Paris', temperature: 21 });
  });
}

test('openai: previous_response_id, retrieve, input items and delete', async () => {
  const first = await client.responses.create({ model: 'gpt-fake', input: 'my name is Ada' });
  const second = await client.responses.create({ model: 'gpt-fake', input: 'who am I?', previous_response_id: first.id });
  assert.equal(second.previous_response_id, first.id);
  const fetched = await client.responses.retrieve(first.id);
  assert.equal(fetched.output_text, 'Echo from gpt-fake: my name is Ada');
  const items = [];
  for await (const item of client.responses.inputItems.list(second.id)) items.push(item);
  assert.ok(items.length >= 3);
  await client.responses.delete(first.id);
  await assert.rejects(client.responses.retrieve(first.id), (error) => error instanceof OpenAI.NotFoundError);
});

test('openai: errors are the SDK error classes', async () => {
  await assert.rejects(client.responses.create({ model: 'no-such-model', input: 'x' }), (error) => error instanceof OpenAI.NotFoundError);
  await assert.rejects(
    client.responses.create({ model: 'gpt-fake', input: 'x', tools: [{ type: 'web_search' }] }),
    (error) => error instanceof OpenAI.BadRequestError && error.param === 'tools[0].type',
  );
});

for (const model of models) {
  const provider = () => {
    const recorder = recordingFetch();
    return { recorder, openai: createOpenAI({ baseURL, apiKey, fetch: recorder.fetch }) };
  };

  test(`vercel ai: generateText and streamText with the default (Responses) model (${model})`, async () => {
    const { openai, recorder } = provider();
    const { text, usage } = await generateText({ model: openai(model), prompt: 'Hello from the AI SDK' });
    assert.equal(text, `Echo from ${model}: Hello from the AI SDK`);
    assert.ok(usage.inputTokens > 0);
    assert.ok(recorder.bodies.every((body) => 'input' in body), 'the default model calls the Responses API');

    const result = streamText({ model: openai(model), prompt: 'stream some words please' });
    let streamed = '';
    for await (const part of result.textStream) streamed += part;
    assert.equal(streamed, `Echo from ${model}: stream some words please`);
    assert.ok((await result.usage).outputTokens > 0);
  });

  test(`vercel ai: a tool loop, then a next turn that refers to stored items (${model})`, async () => {
    const { openai, recorder } = provider();
    const getWeather = tool({
      description: 'Current weather',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => `sunny in ${city}`,
    });
    const first = await generateText({ model: openai(model), prompt: 'Weather in Paris?', tools: { get_weather: getWeather }, stopWhen: stepCountIs(4) });
    assert.equal(first.steps.length, 2);
    assert.equal(first.steps[0].toolCalls[0].input.city, 'Paris');
    assert.equal(first.text, 'The tool said: sunny in Paris');

    // Without tools this time: offered tools, the fake provider would call one again.
    const next = await generateText({
      model: openai(model),
      messages: [{ role: 'user', content: 'Weather in Paris?' }, ...first.response.messages, { role: 'user', content: 'thanks!' }],
    });
    assert.equal(next.text, `Echo from ${model}: thanks!`);
    const sent = recorder.bodies.at(-1).input;
    assert.ok(sent.some((item) => item.type === 'item_reference'), `an earlier turn went as an item_reference: ${JSON.stringify(sent)}`);
  });

  test(`vercel ai: generateObject with a zod schema (${model})`, async () => {
    const { openai } = provider();
    const { object } = await generateObject({
      model: openai(model),
      schema: z.object({ city: z.string(), temperature: z.number(), sunny: z.boolean() }),
      prompt: 'Weather somewhere',
    });
    assert.deepEqual(object, { city: 'Paris', temperature: 21, sunny: true });
  });

  test(`langchain: ChatOpenAI with useResponsesApi (${model})`, async () => {
    const chat = new ChatOpenAI({ model, apiKey, useResponsesApi: true, maxRetries: 0, configuration: { baseURL } });
    const reply = await chat.invoke('Hello from LangChain');
    assert.equal(reply.text, `Echo from ${model}: Hello from LangChain`);

    let streamed = '';
    for await (const chunk of await chat.stream('stream some words please')) streamed += chunk.text;
    assert.equal(streamed, `Echo from ${model}: stream some words please`);

    const withTools = chat.bindTools([{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }]);
    const called = await withTools.invoke('Weather in Paris?');
    assert.equal(called.tool_calls[0].name, 'get_weather');
    assert.deepEqual(called.tool_calls[0].args, { city: 'Paris' });
  });
}
