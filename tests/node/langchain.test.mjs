// The gateway through LangChain JS (`@langchain/openai`) with its default settings — `new ChatOpenAI({ configuration:
// { baseURL }, apiKey, model })`, which calls chat completions — and `new OpenAIEmbeddings(...)`. GATEWAY_URL,
// GATEWAY_KEY and EXPECTED_ALPHA come from the .NET test that starts the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const configuration = { baseURL: `${process.env.GATEWAY_URL}/v1` };
const apiKey = process.env.GATEWAY_KEY;
const chat = (model) => new ChatOpenAI({ configuration, apiKey, model });

for (const model of ['gpt-fake', 'claude-fake']) {
  test(`text (${model})`, async () => {
    const answer = await chat(model).invoke('Hello LangChain');
    assert.equal(answer.content, `Echo from ${model}: Hello LangChain`);
    assert.ok(answer.usage_metadata.input_tokens > 0);
  });

  test(`streaming gives the same text (${model})`, async () => {
    const llm = chat(model);
    const whole = await llm.invoke('stream some words please');
    let text = '';
    for await (const chunk of await llm.stream('stream some words please')) text += chunk.content;
    assert.equal(text, whole.content);
  });

  test(`a tool call loop with bindTools (${model})`, async () => {
    const getWeather = tool(async ({ city }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'Current weather in a city',
      schema: z.object({ city: z.string() }),
    });
    const llm = chat(model).bindTools([getWeather]);
    const messages = [new HumanMessage('Weather in Paris?')];
    const call = await llm.invoke(messages);
    assert.equal(call.tool_calls.length, 1);
    assert.equal(call.tool_calls[0].name, 'get_weather');
    assert.deepEqual(call.tool_calls[0].args, { city: 'Paris' });
    messages.push(call, await getWeather.invoke(call.tool_calls[0]));
    const final = await llm.invoke(messages);
    assert.equal(final.content, 'The tool said: sunny in Paris');
  });
}

test('structured output with a zod schema (withStructuredOutput defaults: json_schema)', async () => {
  const forecast = z.object({ city: z.string(), temperature: z.number() });
  const result = await chat('gpt-fake').withStructuredOutput(forecast).invoke('Weather in Paris as JSON');
  assert.deepEqual(result, { city: 'Paris', temperature: 21 });
});

test('OpenAIEmbeddings with its defaults', async () => {
  const embeddings = new OpenAIEmbeddings({ configuration, apiKey, model: 'embed-fake' });
  const [alpha, beta] = await embeddings.embedDocuments(['alpha', 'beta']);
  const expected = JSON.parse(process.env.EXPECTED_ALPHA);
  alpha.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `component ${i}: ${value} vs ${expected[i]}`));
  assert.equal(beta.length, expected.length);
  assert.deepEqual(await embeddings.embedQuery('alpha'), alpha);
});
