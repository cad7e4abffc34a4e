/**
 * @task research-brief
 * @description Searches the web for a topic (DuckDuckGo, through tools.websearch), then asks OpenAI to summarise the
 * results' snippets into a short brief citing them: two suspensions, one per call.
 * @uses websearch
 * @uses openai
 * @param {object} input - Input parameters
 * @param {string} input.topic - What to research (the search query)
 * @param {number} [input.maxResults] - Web results to read, 1 to 30 (default 5)
 * @param {string} [input.model] - The OpenAI chat model that writes the summary (default "gpt-4o-mini")
 * @returns {object} `{topic, sources: [{title, url, snippet}], summary}`: `summary` cites sources as [1], [2], ...
 */
module.exports = async function researchBrief(input, { tools }) {
  const topic = typeof input?.topic === "string" ? input.topic.trim() : "";
  if (topic === "") throw new TypeError("input.topic must be a non-empty string: what to research");
  const maxResults = input.maxResults ?? 5;
  const model = input.model ?? "gpt-4o-mini";

  const sources = await tools.websearch.search(topic, { maxResults });
  console.log(`found ${sources.length} sources for "${topic}"`);
  if (sources.length === 0) return { topic, sources, summary: `The web search found nothing about "${topic}".` };

  const numbered = sources.map((source, index) => `[${index + 1}] ${source.title} (${source.url})\n${source.snippet}`).join("\n\n");
  const completion = await tools.openai.chat.completions.create({
    model,
    messages: [
      {
        role: "system",
        content: "You write short, factual research briefs from web search results. Use only what the results say, and cite them by number, like [1].",
      },
      { role: "user", content: `Topic: ${topic}\n\nSearch results:\n\n${numbered}\n\nWrite a brief of at most 150 words.` },
    ],
  });
  const summary = completion.choices?.[0]?.message?.content;
  if (typeof summary !== "string" || summary.trim() === "") throw new Error(`OpenAI (${model}) answered without a summary`);
  if (completion.usage) console.log(`summary by ${model}: ${completion.usage.total_tokens} tokens`);
  return { topic, sources, summary: summary.trim() };
};
