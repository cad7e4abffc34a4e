/**
 * The file name the prelude is compiled under: its frames in a stack read `at run (tasker:prelude:1:2)`.
 * They are the sandbox's, not the task's, so no stack a task or a user sees keeps them.
 */
export const PRELUDE_FILE_NAME = "tasker:prelude";

/** `stack` without the prelude's frames. */
export function withoutPreludeFrames(stack: string): string {
  if (!stack.includes(PRELUDE_FILE_NAME)) return stack;
  return stack
    .split("\n")
    .filter((line) => !line.includes(PRELUDE_FILE_NAME))
    .join("\n");
}
