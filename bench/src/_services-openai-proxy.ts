// openai-proxy against the fake OpenAI (answering at once), every service its own process, one
// openai-proxy instance: the proxy's overhead per call, and calls per second through that instance.
import { DEFAULT_LAYOUT, startFakeOpenAi, startOpenAiSystem } from "@tasker/testing";
import { benchServiceCalls, timings } from "./_service-calls.js";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "how long is a call" }] };

/** Prints O1 (sequential chat calls: overhead per call) and O2 (1000 calls at once, from 10 runs and from 100: calls/s) for openai-proxy. */
export async function benchOpenAiProxy(): Promise<void> {
  const openai = await startFakeOpenAi();
  const tasker = await startOpenAiSystem(openai, {}, { ...DEFAULT_LAYOUT, "openai-proxy": "openai-proxy" });
  try {
    // The fake's own time: a chat completion straight through the network, with the key.
    const rtt = await timings(200, async () => {
      const response = await fetch(`${openai.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${openai.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(CHAT),
      });
      return response.text();
    });
    await benchServiceCalls(tasker, {
      process: "openai-proxy",
      service: "openai",
      letter: "O",
      call: `tools.openai.chat.completions.create(${JSON.stringify(CHAT)})`,
      baseline: { name: "fake_openai_rtt", samples: rtt },
    });
  } finally {
    await tasker.stop();
    await openai.close();
  }
}
