import type { SyntaxProblem } from "./check-syntax.js";

/** The limits of the VMs the executor compiles tasks in (`SandboxLimits`): a compile that passes them fails. */
export interface CompileLimits {
  readonly memoryBytes: number;
  readonly stackBytes: number;
}

/** What a compile worker is asked: the code to check and the module name QuickJS reports it under. */
export interface CompileRequest {
  readonly id: number;
  readonly code: string;
  readonly name: string;
}

/**
 * What a check of published code finds: its block comments (for the JSDoc) when acorn parses it and
 * QuickJS compiles it, else the first problem with its line; `timeLimitMs` when the check overran
 * its deadline and was stopped.
 */
export type CompileCheck =
  | { readonly blockComments: readonly string[] }
  | { readonly error: Pick<SyntaxProblem, "line" | "message"> }
  | { readonly timeLimitMs: number };

/** A compile worker's messages: `ready` once it can take a check, then one reply per request. */
export type CompileWorkerMessage = { readonly ready: true } | { readonly id: number; readonly check: CompileCheck };
