// The `openai` npm SDK against the bridge: tools (stream and not) and the Responses API.
// Prints one JSON line with what it saw; the Python test checks it.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.BRIDGE_URL, apiKey: "none", maxRetries: 0 });
const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const ask = [{ role: "user", content: "Weather in Oslo? Use get_weather." }];

const plain = await client.chat.completions.create({ model: "local-agent", messages: ask, tools: [weather] });
const call = plain.choices[0].message.tool_calls[0];

const stream = await client.chat.completions.create({
  model: "local-agent", messages: ask, tools: [weather], stream: true,
});
const streamed = [];
let finish = null;
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    for (const tc of choice.delta.tool_calls ?? []) streamed.push(tc.function.name);
    finish = choice.finish_reason ?? finish;
  }
}

const first = await client.responses.create({
  model: "local-agent", input: "Weather in Oslo? Use get_weather.",
  tools: [{ type: "function", ...weather.function }],
});
const fc = first.output.find((item) => item.type === "function_call");
const second = await client.responses.create({
  model: "local-agent", previous_response_id: first.id,
  input: [{ type: "function_call_output", call_id: fc.call_id, output: "snow" }],
});

console.log(JSON.stringify({
  finish: plain.choices[0].finish_reason,
  name: call.function.name,
  args: JSON.parse(call.function.arguments),
  streamed, streamFinish: finish,
  responseCall: fc.name,
  followText: second.output_text,
}));
