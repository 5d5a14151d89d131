// Drives jmoe serve with the official openai npm package: a streaming chat and a completion.
// Usage: node client.cjs OPENAI_PACKAGE_DIR BASE_URL MODEL; prints one JSON object with what it received.
'use strict';
const [packageDir, baseURL, model] = process.argv.slice(2);
const { OpenAI } = require(packageDir);

async function main() {
  const client = new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0, timeout: 60_000 });

  const models = await client.models.list();
  const modelIds = [];
  for await (const m of models) modelIds.push(m.id);

  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Hello there' }],
    max_tokens: 12,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  let chatText = '';
  let chatFinish = null;
  let chatUsage = null;
  let chunks = 0;
  let role = null;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) chatUsage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.role) role = choice.delta.role;
    chatText += choice.delta.content ?? '';
    if (choice.finish_reason) chatFinish = choice.finish_reason;
  }

  const completion = await client.completions.create({
    model, prompt: 'The quick brown fox', max_tokens: 10, temperature: 0,
  });

  console.log(JSON.stringify({
    models: modelIds,
    chat: { role, text: chatText, finish: chatFinish, usage: chatUsage, chunks },
    completion: {
      text: completion.choices[0].text,
      finish: completion.choices[0].finish_reason,
      usage: completion.usage,
    },
  }));
}

main().catch((e) => {
  console.error(`openai client failed: ${e.status ?? ''} ${e.message}`);
  process.exit(1);
});
