// The Vercel AI SDK's default provider, `openai(model)` (the Responses API), with
// streamText: plain text with reasoning, then a tool the SDK runs and answers from.
import { createOpenAI } from "@ai-sdk/openai";
import { stepCountIs, streamText, tool } from "ai";
import { z } from "zod";

const openai = createOpenAI({ baseURL: process.env.BRIDGE_URL, apiKey: "none" });

const plain = streamText({ model: openai("local-thinker"), prompt: "hello sdk" });
let text = "";
for await (const piece of plain.textStream) text += piece;
const reasoning = await plain.reasoningText;

const withTool = streamText({
  model: openai("local-agent"),
  prompt: "Weather in Lima? Use get_weather.",
  tools: {
    get_weather: tool({
      description: "Current weather for a city.",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => `warm in ${city}`,
    }),
  },
  stopWhen: stepCountIs(3),
});
let toolText = "";
for await (const piece of withTool.textStream) toolText += piece;
const calls = (await withTool.steps).flatMap((step) => step.toolCalls.map((c) => c.toolName));

console.log(JSON.stringify({ text, reasoning, toolText, calls }));
