import { type Comment, type Options, parse } from "acorn";

/** Where and why code does not parse. */
export interface SyntaxProblem {
  readonly line: number;
  readonly message: string;
  /** Offset the parser reached: of two failed attempts, the one that got further is the likelier diagnosis. */
  readonly position: number;
}

export type SyntaxCheck = { readonly blockComments: readonly string[] } | { readonly error: SyntaxProblem };

function attempt(code: string, sourceType: Options["sourceType"]): SyntaxCheck {
  const comments: Comment[] = [];
  try {
    // CommonJS runs wrapped in a function by the sandbox, so a top-level `return` is fine there.
    parse(code, { ecmaVersion: "latest", sourceType, allowReturnOutsideFunction: sourceType === "script", onComment: comments });
    return { blockComments: comments.filter((comment) => comment.type === "Block").map((comment) => comment.value) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const { loc, raisedAt } = error as SyntaxError & { loc?: { line: number }; raisedAt?: number };
    return { error: { line: loc?.line ?? 1, message: error.message.replace(/ \(\d+:\d+\)$/, ""), position: raisedAt ?? 0 } };
  }
}

/**
 * Parses task code as an ES module, then as a CommonJS script; returns its block comments (for the
 * JSDoc) or, when neither parses, the problem of the attempt that got further.
 */
export function checkSyntax(code: string): SyntaxCheck {
  const asModule = attempt(code, "module");
  if (!("error" in asModule)) return asModule;
  const asScript = attempt(code, "script");
  if (!("error" in asScript)) return asScript;
  return asScript.error.position > asModule.error.position ? asScript : asModule;
}
