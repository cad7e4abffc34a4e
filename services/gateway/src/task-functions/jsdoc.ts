import type { TaskParam } from "@tasker/contracts";

/** What a task's JSDoc says about it. */
export interface TaskDoc {
  readonly description: string;
  readonly params: readonly TaskParam[];
  /** The `@uses` entries as written, each once, in order (not validated here: see the run-model's `useEntryProblem`). */
  readonly uses: readonly string[];
}

interface Tag {
  readonly name: string;
  readonly text: string;
}

/** The text of a `/** ... *\/` block (given without its `/*` and `*\/`), its leading `*`s removed. */
function docLines(comment: string): string[] | undefined {
  if (!comment.startsWith("*")) return undefined;
  return comment
    .slice(1)
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*?/, "").trim());
}

function splitTags(lines: readonly string[]): { lead: string; tags: Tag[] } {
  const lead: string[] = [];
  const tags: { name: string; lines: string[] }[] = [];
  for (const line of lines) {
    const tag = /^\s*@(\w+)\s?(.*)$/.exec(line);
    if (tag) tags.push({ name: tag[1]!, lines: [tag[2]!] });
    else (tags.at(-1)?.lines ?? lead).push(line);
  }
  const join = (parts: readonly string[]) => parts.join("\n").trim();
  return { lead: join(lead), tags: tags.map((tag) => ({ name: tag.name, text: join(tag.lines) })) };
}

/** `{type} [name=default] - text`, `{type=} name text`, `name - text`: JSDoc's `@param` forms. */
function parseParam(text: string): TaskParam | undefined {
  const match = /^(?:\{([^}]*)\}\s*)?(\[[^\]]*\]|[^\s[\]]+)\s*(?:-\s*)?([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  const [, rawType = "", rawName, description = ""] = match;
  const bracketed = rawName!.startsWith("[");
  const name = (bracketed ? rawName!.slice(1, -1).split("=")[0]! : rawName!).trim();
  if (!name) return undefined;
  const type = rawType.trim().replace(/=$/, "");
  return { name, type: type || "any", description: description.trim(), optional: bracketed || rawType.trim().endsWith("=") };
}

/**
 * Reads a task's description and parameters from its JSDoc: the block tagged `@task`, else the first
 * `/** ... *\/` block. The description is `@description`'s text, else the block's leading text; each
 * `@param` becomes `{name, type, description, optional}` (optional when its name is in brackets).
 * Each `@uses` tag holds one or more entries, separated by spaces or commas (`@uses openai,
 * keystore:openai-api-key`); the tags of every JSDoc block of the file count, in order.
 */
export function readTaskDoc(blockComments: readonly string[]): TaskDoc {
  const blocks = blockComments.map(docLines).filter((lines): lines is string[] => lines !== undefined).map(splitTags);
  const block = blocks.find((candidate) => candidate.tags.some((tag) => tag.name === "task")) ?? blocks[0];
  if (!block) return { description: "", params: [], uses: [] };
  const described = block.tags.find((tag) => tag.name === "description")?.text;
  const params = block.tags.filter((tag) => tag.name === "param").flatMap((tag) => parseParam(tag.text) ?? []);
  // Every call of the file's code is the task's, whichever block documents it: a licence header
  // or a helper's own block may come before the task's.
  const uses = blocks.flatMap((candidate) => candidate.tags).filter((tag) => tag.name === "uses").flatMap((tag) => tag.text.split(/[\s,]+/).filter((entry) => entry !== ""));
  return { description: described || block.lead, params, uses: [...new Set(uses)] };
}
