/** What the first JSDoc block of a task file says about it. */
export interface TaskDoc {
  /** The `@task` tag, when present. */
  task?: string;
  /** The `@description` tag, or else the text before the first tag; "" when there is neither. */
  description: string;
}

/** Reads `@task` and the description from the first `/** ... *\/` block of `code`. */
export function readTaskDoc(code: string): TaskDoc {
  const block = /\/\*\*([\s\S]*?)\*\//.exec(code)?.[1];
  if (block === undefined) return { description: "" };
  const lines = block.split("\n").map((line) => line.replace(/^\s*\*?\s?/, "").trimEnd());
  const free: string[] = [];
  const tags: { tag: string; text: string[] }[] = [];
  for (const line of lines) {
    const tag = /^@(\w+)\s*(.*)$/.exec(line);
    if (tag) tags.push({ tag: tag[1]!, text: [tag[2]!] });
    else if (tags.length > 0) tags.at(-1)!.text.push(line);
    else free.push(line);
  }
  const text = (parts: string[]) => parts.join(" ").replace(/\s+/g, " ").trim();
  const tagged = (name: string) => tags.find((tag) => tag.tag === name);
  const description = tagged("description");
  const task = tagged("task");
  return {
    ...(task ? { task: text(task.text) } : {}),
    description: description ? text(description.text) : text(free),
  };
}
